// @kubets/client: the client library every component uses (the TypeScript client-go).
export * from './interface';
export * from './clock';
export * from './log';
export * from './rest';
export * from './cache';
export * from './workqueue';
export * from './fake';
export { compileLabelSelector, compileFieldSelector, labelSelectorToString, type LabelMatcher, type FieldMatcher } from './util/selector';
export { MinHeap, KeyedHeap } from './util/heap';
export * from './kubeconfig';
export * from './leaderelection';
export * from './events';
export { rfc3339, microTime } from './util/time';
export * from './server';
export * from './flags';
export * from './hollow';
export { Limiter, mapLimited } from './util/limiter';
export * from './auth';
