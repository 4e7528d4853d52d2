// RFC 6672 DNAME corners the generic battery does not reach, asked of port53d, NSD and Knot.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decode, encode, formatRecord, rcodeToString, type TypeName } from '@port53/wire';
import { recordKey } from '../support/battery.js';
import { tcpExchange } from '../support/loopback.mjs';
import { servedZoneSpecs } from '../support/served-zones.js';
import { startThreeServers, type ThreeServers } from '../support/three-servers.js';
import { describeWithTools } from '../support/tools.js';

/** Each probe: qname and qtype under the DNAMEs of test/interop/zones/served/dname.test.zone. */
const PROBES: Array<[name: string, type: TypeName]> = [
  ['www.old.dname.test', 'A'],
  ['www.old.dname.test', 'AAAA'],
  ['WwW.oLd.dname.test', 'A'],
  ['www.old.dname.test', 'CNAME'],
  ['www.old.dname.test', 'DNAME'],
  ['www.old.dname.test', 'ANY'],
  ['www.old.dname.test', 'DS'],
  ['alias.old.dname.test', 'A'],
  ['mail.old.dname.test', 'MX'],
  ['a.b.old.dname.test', 'TXT'],
  ['old.dname.test', 'DNAME'],
  ['old.dname.test', 'A'],
  ['old.dname.test', 'ANY'],
  ['chain.dname.test', 'A'],
  ['www.away.dname.test', 'A'],
  ['x.loopa.dname.test', 'A'],
  ['x.outside.dname.test', 'A'],
  [`${'y'.repeat(63)}.${'z'.repeat(63)}.${'w'.repeat(63)}.old.dname.test`, 'A'],
  [`${'y'.repeat(63)}.${'z'.repeat(63)}.${'w'.repeat(50)}.outside.dname.test`, 'A'],
];

type View = Record<'rcode' | 'flags' | 'answer' | 'authority', string>;

function view(reply: Buffer | null): View {
  if (!reply) throw new Error('no reply');
  const m = decode(reply);
  const set = (rrs: typeof m.answers) => JSON.stringify(rrs.map((rr) => recordKey(rr, formatRecord)).sort());
  return {
    rcode: rcodeToString(m.rcode),
    flags: (['aa', 'tc'] as const).filter((f) => m.flags[f]).join(' '),
    answer: set(m.answers),
    authority: set(m.authorities),
  };
}

describeWithTools('DNAME: port53d vs NSD vs Knot', ['nsd', 'knotd'], (tools) => {
  let servers: ThreeServers | undefined;

  beforeAll(async () => {
    const specs = servedZoneSpecs();
    servers = await startThreeServers(tools, specs);
  }, 60_000);

  afterAll(async () => {
    await servers?.stop();
  });

  // Each field as NSD or Knot has it (as in differential.test.ts: where they differ, either will do).
  test.each(PROBES)('%s %s: each field as NSD or Knot has it', async (name, type) => {
    const bytes = encode({ id: 7, flags: { rd: false }, questions: [{ name, type, class: 'IN' }] });
    const [mine, n, k] = (await Promise.all([servers!.ours.port, servers!.nsd.port, servers!.knot.port].map((port) => tcpExchange(port, bytes)))).map(view);
    // ANY's selection of RRsets is policy (RFC 8482): only rcode and flags are compared.
    const fields = (['rcode', 'flags', 'answer', 'authority'] as const).filter((f) => type !== 'ANY' || f === 'rcode' || f === 'flags');
    const wrong = fields.filter((f) => mine[f] !== n[f] && mine[f] !== k[f]);
    expect(wrong.map((f) => `${f}: ours ${mine[f]}, nsd ${n[f]}, knot ${k[f]}`)).toEqual([]);
  });
});
