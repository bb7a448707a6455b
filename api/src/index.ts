export * from './errors';
export * from './meta';
export * from './schema';
export * from './kinds';
export * from './patch';
export * from './validation';
export * from './selectors';
export * from './openapi';
