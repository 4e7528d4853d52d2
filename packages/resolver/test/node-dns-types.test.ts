import type * as NodeDns from 'node:dns';
import type { LookupFunction as NetLookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import * as ours from '@port53/resolver/dns';
import dnsDefault from '@port53/resolver/dns';
import * as dnsPromises from '@port53/resolver/dns/promises';

// Compile-time checks (`pnpm typecheck`): ours is assignable wherever node:dns's types are expected.
const assignable = {
  Resolver: ours.Resolver satisfies typeof NodeDns.Resolver,
  PromiseResolver: ours.promises.Resolver satisfies typeof NodeDns.promises.Resolver,
  instance: new ours.Resolver() satisfies NodeDns.Resolver,
  promiseInstance: new ours.promises.Resolver() satisfies NodeDns.promises.Resolver,
  lookup: ours.lookup satisfies typeof NodeDns.lookup,
  promisesLookup: ours.promises.lookup satisfies typeof NodeDns.promises.lookup,
  netLookup: ours.lookup satisfies NetLookupFunction,
  createdLookup: ours.createLookup({ hostsFile: false }).lookup satisfies NetLookupFunction,
  lookupService: ours.lookupService satisfies typeof NodeDns.lookupService,
  promisesLookupService: ours.promises.lookupService satisfies typeof NodeDns.promises.lookupService,
  resolve: ours.resolve satisfies typeof NodeDns.resolve,
  resolve4: ours.resolve4 satisfies typeof NodeDns.resolve4,
  resolveAny: ours.resolveAny satisfies typeof NodeDns.resolveAny,
  reverse: ours.reverse satisfies typeof NodeDns.reverse,
  promisesResolve: ours.promises.resolve satisfies typeof NodeDns.promises.resolve,
  promisesResolveSoa: ours.promises.resolveSoa satisfies typeof NodeDns.promises.resolveSoa,
  setServers: ours.setServers satisfies typeof NodeDns.setServers,
  getServers: ours.getServers satisfies typeof NodeDns.getServers,
  setDefaultResultOrder: ours.setDefaultResultOrder satisfies typeof NodeDns.setDefaultResultOrder,
  getDefaultResultOrder: ours.getDefaultResultOrder satisfies typeof NodeDns.getDefaultResultOrder,
  NODATA: ours.NODATA satisfies typeof NodeDns.NODATA,
  module: dnsDefault.promises.Resolver satisfies typeof NodeDns.promises.Resolver,
  promisesModule: dnsPromises.Resolver satisfies typeof NodeDns.promises.Resolver,
  promisesModuleLookup: dnsPromises.lookup satisfies typeof NodeDns.promises.lookup,
};

describe('the module has the members node:dns has', () => {
  it('every function and constant of node:dns and node:dns/promises', async () => {
    const node = await import('node:dns');
    const missing = Object.keys(node.default).filter((k) => !(k in dnsDefault));
    const missingPromises = Object.keys(node.promises).filter((k) => !(k in dnsDefault.promises));
    expect({ missing, missingPromises }).toEqual({ missing: [], missingPromises: [] });
    for (const k of Object.keys(node.default).filter((k) => typeof (node.default as Record<string, unknown>)[k] === 'string')) {
      expect((dnsDefault as Record<string, unknown>)[k]).toBe((node.default as Record<string, unknown>)[k]);
    }
    expect(Object.keys(assignable).length).toBeGreaterThan(0);
  });

  it('@port53/resolver/dns/promises has what node:dns/promises has, as dns.promises does', async () => {
    const node = await import('node:dns/promises');
    expect(Object.keys(node).filter((k) => k !== 'default' && !(k in dnsPromises))).toEqual([]);
    // (Under vitest the two entry files may load index.ts twice; built, they share one module and one default resolver.)
    expect(Object.keys(dnsPromises.default).sort()).toEqual(Object.keys(dnsDefault.promises).sort());
  });

  it('Resolver instances have the methods node:dns Resolvers have', async () => {
    const node = await import('node:dns');
    for (const [Theirs, Mine] of [[node.Resolver, ours.Resolver], [node.promises.Resolver, ours.promises.Resolver]] as const) {
      const theirs = new Theirs();
      const mine = new Mine();
      const methods = (o: object) => {
        const names = new Set<string>();
        for (let p = Object.getPrototypeOf(o); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
          for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor' && typeof (o as Record<string, unknown>)[n] === 'function') names.add(n);
        }
        return names;
      };
      const have = methods(mine);
      expect([...methods(theirs)].filter((n) => !have.has(n))).toEqual([]);
      mine.resolver.close();
    }
  });
});
