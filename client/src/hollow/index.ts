export * from './flags';
export * from './hollow-nodes';
export * from './objects';
export * from './run';
