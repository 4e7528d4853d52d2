export * from './constants.js';
export * from './errors.js';
export * from './types.js';
export * from './name.js';
export * from './address.js';
export * from './text/tokenizer.js';
export * from './text/ttl.js';
export * from './text/charstring.js';
export { parseRdata, formatRdata, formatRecord } from './text/rdata.js';
