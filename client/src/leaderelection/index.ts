export * from './leader-elector';
export * from './flags';
