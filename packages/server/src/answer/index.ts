export { respond, replySizeLimit } from './respond.js';
export type { Outcome, Transport } from './respond.js';
export { lookup } from './lookup.js';
export type { Answer, LookupOptions } from './lookup.js';
