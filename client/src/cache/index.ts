export * from './store';
export * from './lister';
export * from './reflector';
export * from './informer';
export * from './factory';
export * from './backoff';
