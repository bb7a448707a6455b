export * from './client';
export * from './config';
export * from './errors';
export * from './paths';
export * from './resource';
export { HttpWatchStream } from './watch-stream';
export * from './token-source';
