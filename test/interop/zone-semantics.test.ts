// Issue 11 §3: zone semantics that foreign zone files exposed, asked of port53d, NSD and Knot
// serving the same files (test/interop/zones/semantics/).
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decode, encode, formatRecord, type ResourceRecord, type TypeName } from '@port53/wire';
import { recordKey } from '../support/battery.js';
import { tcpExchange } from '../support/loopback.mjs';
import { startThreeServers, type ThreeServers } from '../support/three-servers.js';
import { describeWithTools } from '../support/tools.js';

const dir = join(import.meta.dirname, 'zones', 'semantics');
const specs = ['wildglue.test'].map((origin) => ({ origin, file: join(dir, `${origin}.zone`) }));

async function ask(port: number, name: string, type: TypeName) {
  return decode((await tcpExchange(port, encode({ id: 7, flags: { rd: false }, questions: [{ name, type, class: 'IN' }] })))!);
}

const keys = (records: ResourceRecord[]) => records.map((r) => recordKey(r, formatRecord).replaceAll('\t', ' ')).sort();

describeWithTools('zone semantics: port53d vs NSD vs Knot', ['nsd', 'knotd'], (tools) => {
  let servers: ThreeServers | undefined;
  beforeAll(async () => {
    servers = await startThreeServers(tools, specs);
  }, 60_000);
  afterAll(async () => {
    await servers?.stop();
  });

  /** NSD also adds the apex NS's addresses to every answer (not minimal responses): not compared. */
  const apexGlue = 'ns1.wildglue.test. 300 in a 192.0.2.53';
  const wildAddresses = (name: string) => [`${name}.wildglue.test. 300 in a 192.0.2.10`, `${name}.wildglue.test. 300 in aaaa 2001:db8::10`];

  // [qname, qtype, our additional section, which reference differs and why]
  test.each<[string, TypeName, string[], string?]>([
    ['www.abc.wildglue.test', 'A', ['a.ns.abc.wildglue.test. 300 in aaaa 2001:db8::1']], // Knot's glue_wildcard case
    ['www.def.wildglue.test', 'A', wildAddresses('d.hosts')],
    ['www.ghi.wildglue.test', 'A', ['g.ns.ghi.wildglue.test. 300 in a 192.0.2.7']],
    ['mail.wildglue.test', 'MX', wildAddresses('x.hosts')],
    ['MAIL.WildGlue.test', 'MX', wildAddresses('x.hosts')],
    ['_sip._udp.wildglue.test', 'SRV', wildAddresses('y.hosts')],
    ['wildglue.test', 'MX', wildAddresses('z.hosts')],
    ['ent.wildglue.test', 'MX', []],
    ['nomail.wildglue.test', 'MX', []],
    ['deep.wildglue.test', 'MX', [], 'knot'], // Knot adds glue below a cut to MX answers; NSD and we do not
  ])('%s %s: wildcard addresses in additional as NSD and Knot add them', async (name, type, expected, differs) => {
    const [ours, nsd, knot] = await Promise.all([servers!.ours.port, servers!.nsd.port, servers!.knot.port].map((p) => ask(p, name, type)));
    expect(keys(ours.additionals)).toEqual(expected);
    if (differs !== 'nsd') expect(keys(nsd.additionals).filter((k) => k !== apexGlue)).toEqual(expected);
    if (differs !== 'knot') expect(keys(knot.additionals)).toEqual(expected);
    else expect(keys(knot.additionals)).not.toEqual(expected);
  });
});
