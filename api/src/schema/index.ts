export * from './builders';
export * from './kind';
export * from './validate';
export * from './defaults';
export * from './quantity';
