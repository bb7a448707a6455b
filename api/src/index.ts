export * from './errors';
export * from './meta';
export * from './schema';
export * from './kinds';
