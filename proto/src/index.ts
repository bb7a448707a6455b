export {};
export * from './cri';
export * from './k8s';
