export * from './x509';
export * from './cluster-pki';
