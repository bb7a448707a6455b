export * from './recorder';
export * from './correlator';
export * from './types';
