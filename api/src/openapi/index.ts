export * from './build';
export { ComponentCollector } from './convert';
export { groupPascal } from './paths';
