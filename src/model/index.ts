export * from './backend.ts';
export * from './director.ts';
