export * from './reference';
export * from './media-types';
export * from './store';
export * from './builtin';
export * from './puller';
export * from './importer';
export * from './tar';
