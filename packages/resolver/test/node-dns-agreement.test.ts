import * as nodeDns from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ours from '@port53/resolver/dns';
import { startFakeServer, type FakeServer } from './support/fake-server.js';
import { agreeAnswer } from './support/agreement-zone.js';

/**
 * The same (name x method) calls through node:dns and through @port53/resolver/dns against one
 * local server: values, or error name/message/code/errno/syscall/hostname, must be equal.
 */
let fake: FakeServer;
let theirs: { promise: nodeDns.promises.Resolver; callback: nodeDns.Resolver };
let mine: { promise: ours.PromiseResolver; callback: ours.Resolver };

beforeAll(async () => {
  fake = await startFakeServer(agreeAnswer);
  const options = { timeout: 400, tries: 1 };
  theirs = { promise: new nodeDns.promises.Resolver(options), callback: new nodeDns.Resolver(options) };
  mine = { promise: new ours.PromiseResolver(options), callback: new ours.Resolver(options) };
  for (const r of [theirs.promise, theirs.callback, mine.promise, mine.callback]) r.setServers([fake.server]);
});
afterAll(async () => {
  mine.promise.resolver.close();
  mine.callback.resolver.close();
  await fake.close();
});

const NAMES = [
  'agree.test', 'AGREE.test', 'agree.test.', 'alias.agree.test', 'chain.agree.test', 'outside.agree.test', 'loop1.agree.test',
  'txtonly.agree.test', '_sip._tcp.agree.test', 'nullmx.agree.test', 'bigttl.agree.test', 'octets.agree.test', 'upper.agree.test',
  'nx.agree.test', 'stray.agree.test', 'servfail.agree.test', 'refused.agree.test', 'notimp.agree.test', 'formerr.agree.test',
  'badcount.agree.test', '1.2.0.192.in-addr.arpa', '3.2.0.192.in-addr.arpa', 'hidden.onion', 'HIDDEN.Onion.',
  'a b.agree.test', 'a..b.agree.test', `${'x'.repeat(64)}.agree.test`, 'bücher.agree.test', '', '.', 'localhost', 'under_score.agree.test',
  '*.agree.test', 'a\\.b.agree.test', 'quote"d.agree.test',
];
const METHODS = ['resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt'] as const;
const ADDRESSES = ['192.0.2.1', '192.0.2.3', '192.0.2.9', '192.0.2.77', '2001:db8::1', '2001:db8::2', 'not-an-address'];

type Outcome = { value: unknown } | { error: Record<string, unknown> };

function outcomeOf(err: unknown, value?: unknown): Outcome {
  if (!err) return { value };
  const e = err as Record<string, unknown> & Error;
  return { error: { name: e.name, message: e.message, code: e.code, errno: e.errno, syscall: e.syscall, hostname: e.hostname, keys: Object.keys(e) } };
}

async function viaPromise(resolver: object, method: string, args: unknown[]): Promise<Outcome> {
  try {
    return outcomeOf(undefined, await (resolver as Record<string, (...a: unknown[]) => Promise<unknown>>)[method](...args));
  } catch (err) {
    return outcomeOf(err);
  }
}

function viaCallback(resolver: object, method: string, args: unknown[]): Promise<Outcome> {
  return new Promise((resolve) => {
    try {
      (resolver as Record<string, (...a: unknown[]) => void>)[method](...args, (err: unknown, value: unknown) => resolve(outcomeOf(err, value)));
    } catch (err) {
      resolve({ error: { thrown: true, ...(outcomeOf(err) as { error: object }).error } });
    }
  });
}

const calls: [string, string, unknown[]][] = [
  ...NAMES.flatMap((name) => METHODS.map((m) => [m, name, [name]] as [string, string, unknown[]])),
  ...['agree.test', 'alias.agree.test', 'chain.agree.test', 'bigttl.agree.test'].flatMap((name) =>
    (['resolve4', 'resolve6'] as const).map((m) => [`${m} ttl`, name, [name, { ttl: true }]] as [string, string, unknown[]]),
  ),
  ...ADDRESSES.map((ip) => ['reverse', ip, [ip]] as [string, string, unknown[]]),
];

const tally = { compared: 0, agreed: 0 };
afterAll(() => {
  console.log(`node:dns agreement: ${tally.agreed} of ${tally.compared} calls agree`);
});

describe('node:dns and @port53/resolver/dns give the same result', () => {
  it.concurrent.each(calls)('%s %s (promise and callback)', async (label, _name, args) => {
    const method = label.split(' ')[0];
    const [nodeP, mineP, nodeC, mineC] = await Promise.all([
      viaPromise(theirs.promise, method, args),
      viaPromise(mine.promise, method, args),
      viaCallback(theirs.callback, method, args),
      viaCallback(mine.callback, method, args),
    ]);
    tally.compared += 2;
    tally.agreed += Number(JSON.stringify(nodeP) === JSON.stringify(mineP)) + Number(JSON.stringify(nodeC) === JSON.stringify(mineC));
    if (process.env.SHOW_DISAGREEMENT && JSON.stringify(nodeP) !== JSON.stringify(mineP)) console.log(`${label} ${_name}\n  node: ${JSON.stringify(nodeP)}\n  ours: ${JSON.stringify(mineP)}`);
    expect(mineP).toEqual(nodeP);
    expect(mineC).toEqual(nodeC);
  });
});
