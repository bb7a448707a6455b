export * from './builder';
export * from './service-accounts';
