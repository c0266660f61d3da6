export * from './domain';
export * from './run-stop';
export * from './operations';
export * from './events';
export * from './errors';
export * from './client';
export * from './validate';
export * from './wire';
