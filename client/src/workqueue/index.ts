export * from './queue';
export * from './rate-limiter';
