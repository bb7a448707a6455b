export * from './leader-elector';
export * from './flags';
export * from './client';
