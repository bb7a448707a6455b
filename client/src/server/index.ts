export * from './component-server';
