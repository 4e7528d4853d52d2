// Issue 5 §2: the same battery of queries to port53d, NSD and Knot serving the same zone files.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decode, encode, formatRecord, rcodeToString, type Message, type ResourceRecord } from '@port53/wire';
import { loadZone } from '../../packages/server/src/zonefile/index.js';
import { buildBattery, recordKey, type Probe } from '../support/battery.js';
import { tcpExchange, udpExchange } from '../support/loopback.mjs';
import { servedZoneSpecs } from '../support/served-zones.js';
import { startThreeServers, type ThreeServers } from '../support/three-servers.js';
import { describeWithTools } from '../support/tools.js';

/** What a reply says, in the fields the issue compares. */
interface View {
  rcode: string;
  flags: string;
  question: string;
  answer: string[];
  authority: string[];
}

function view(reply: Buffer | null): View | string {
  if (!reply) return 'no reply';
  let m: Message;
  try {
    m = decode(reply);
  } catch (err) {
    return `undecodable: ${(err as Error).message}`;
  }
  const set = (rrs: ResourceRecord[]) => rrs.map((rr) => recordKey(rr, formatRecord)).sort();
  return {
    rcode: rcodeToString(m.rcode),
    flags: (['aa', 'tc', 'rd', 'ra'] as const).filter((f) => m.flags[f]).join(' '),
    question: m.questions.map((q) => `${q.name} ${q.class} ${q.type}`).join(', '),
    answer: set(m.answers),
    authority: set(m.authorities),
  };
}

type Field = keyof View;
const FIELDS: Field[] = ['rcode', 'flags', 'question', 'answer', 'authority'];

function differing(a: View | string, b: View | string, fields: Field[]): Field[] {
  if (typeof a === 'string' || typeof b === 'string') return a === b ? [] : ['rcode'];
  return fields.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
}

describeWithTools('differential: port53d vs NSD vs Knot', ['nsd', 'knotd'], (tools) => {
  let servers: ThreeServers | undefined;
  let probes: Probe[] = [];

  beforeAll(async () => {
    const specs = servedZoneSpecs();
    const zones = await Promise.all(specs.map((s) => loadZone({ file: s.file, origin: s.origin })));
    probes = buildBattery(zones);
    servers = await startThreeServers(tools, specs);
  }, 60_000);

  afterAll(async () => {
    await servers?.stop();
  });

  test('port53d agrees with NSD or Knot on every query of the battery', async () => {
    expect(probes.length).toBeGreaterThanOrEqual(200);
    const failures: string[] = [];
    const policy: string[] = [];
    let passed = 0;
    for (const probe of probes) {
      const bytes = encode(probe.message);
      const [a, b, c] = await Promise.all(
        [servers!.ours.port, servers!.nsd.port, servers!.knot.port].map((port) => (probe.tcp ? tcpExchange : udpExchange)(port, bytes)),
      );
      const [mine, n, k] = [view(a), view(b), view(c)];
      // ANY's selection is policy (RFC 8482): its records are not compared.
      const fields = probe.any ? FIELDS.filter((f) => f !== 'answer' && f !== 'authority') : FIELDS;
      const vsNsd = differing(mine, n, fields);
      const vsKnot = differing(mine, k, fields);
      if (vsNsd.length === 0 || vsKnot.length === 0) {
        passed++;
        continue;
      }
      // Fields where the references disagree with each other too are policy: reported, not failed.
      const refsDiffer = differing(n, k, fields);
      const ownFault = vsNsd.filter((f) => vsKnot.includes(f) && !refsDiffer.includes(f));
      const detail = `${probe.label}${probe.tcp ? ' (tcp)' : ''}: ours ${JSON.stringify(mine)}\n    nsd ${JSON.stringify(n)}\n    knot ${JSON.stringify(k)}`;
      if (ownFault.length === 0) {
        passed++;
        policy.push(detail);
      } else {
        failures.push(`[${ownFault.join(',')}] ${detail}`);
      }
    }
    if (policy.length) process.stdout.write(`policy differences (the references disagree too):\n  ${policy.join('\n  ')}\n`);
    if (failures.length) process.stdout.write(`failures:\n  ${failures.join('\n  ')}\n`);
    process.stdout.write(`differential: ${passed} passed, ${failures.length} failed\n`);
    expect(failures).toEqual([]);
  }, 120_000);
});
