import { describe, expect, test } from 'vitest';
import { respond } from '../src/answer/respond.js';
import { buildCatalog } from '../src/store/catalog.js';
import { fixtureZone } from './fixtures/answer-zones.js';
import { query, summarize } from './fixtures/query.js';

// Addresses that exist only through a wildcard (RFC 4592) in glue and in additional data, as NSD
// and Knot add them (test/interop/zone-semantics.test.ts asks both).
const WILD = fixtureZone(
  'wild.test',
  `
@            300 SOA  ns1 hostmaster 1 7200 3600 1209600 300
@            300 NS   ns1
ns1          300 A    192.0.2.53
abc          300 NS   a.ns.abc
*.ns.abc     300 AAAA 2001:db8::1
def          300 NS   d.hosts
ghi          300 NS   g.ns.ghi
g.ns.ghi     300 A    192.0.2.7
*.ns.ghi     300 AAAA 2001:db8::7
*.hosts      300 A    192.0.2.10
mail         300 MX   10 X.Hosts
ent          300 MX   10 a.b.hosts2
c.a.b.hosts2 300 A    192.0.2.1
*.hosts2     300 A    192.0.2.2
deep         300 MX   10 q.deep.ns.abc
cutwild      300 MX   10 m.cw
*.cw         300 NS   ns1
`,
);
const catalog = buildCatalog([WILD]);

describe('wildcard addresses in glue and additional data', () => {
  test.each([
    ['glue below the cut only through a wildcard (Knot\'s glue_wildcard)', 'www.abc.wild.test A', ['a.ns.abc.wild.test 300 AAAA 2001:db8::1']],
    ['glue elsewhere in the zone through a wildcard', 'www.def.wild.test A', ['d.hosts.wild.test 300 A 192.0.2.10']],
    ['a server name that exists beats the wildcard beside it', 'www.ghi.wild.test A', ['g.ns.ghi.wild.test 300 A 192.0.2.7']],
    ['an MX target through a wildcard, owned by the target as written', 'mail.wild.test MX', ['X.Hosts.wild.test 300 A 192.0.2.10']],
    ['an empty non-terminal blocks the wildcard', 'ent.wild.test MX', []],
    ['a target below a cut is not additional data (NSD)', 'deep.wild.test MX', []],
    ['a wildcard that is a delegation gives no addresses', 'cutwild.wild.test MX', []],
  ])('%s', (_name, q, additional) => {
    const [name, type] = q.split(' ');
    expect(summarize(respond(query(name, type), catalog, 'udp').reply!).additional).toEqual(additional);
  });
});
