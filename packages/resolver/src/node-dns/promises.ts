/**
 * `@port53/resolver/dns/promises`, as `node:dns/promises`: the members of `dns.promises`, named,
 * on the same default resolver as `@port53/resolver/dns`.
 */
import { promises } from './index.js';

export * from './constants.js';
export const {
  Resolver,
  lookup,
  lookupService,
  getServers,
  setServers,
  resolve,
  resolve4,
  resolve6,
  resolveAny,
  resolveCaa,
  resolveCname,
  resolveMx,
  resolveNaptr,
  resolveNs,
  resolvePtr,
  resolveSoa,
  resolveSrv,
  resolveTxt,
  reverse,
  setDefaultResultOrder,
  getDefaultResultOrder,
} = promises;
export default promises;
