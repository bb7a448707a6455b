export * from './builders';
export * from './kind';
