export * from './constants.js';
export * from './errors.js';
export * from './types.js';
export * from './name.js';
export * from './address.js';
