export * from './client';
export { ObjectTracker } from './tracker';
export { FakeWatchStream } from './watch';
export { mergePatch, jsonPatch } from './patch';
