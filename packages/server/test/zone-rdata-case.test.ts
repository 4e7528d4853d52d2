import { formatRdata } from '@port53/wire';
import { describe, expect, test } from 'vitest';
import { parseZoneText } from '../src/zonefile/index.js';

const APEX = '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n  NS ns1\n';

/** The rdata of the one record at `x`, as loaded. */
function loaded(line: string): string {
  const result = parseZoneText(`${APEX}x ${line}\n`, { file: 'c.zone', origin: 'Example.TEST' });
  expect(result.errors).toEqual([]);
  const rr = result.records.find((r) => r.name.toLowerCase() === 'x.example.test')!;
  return formatRdata(rr);
}

// Names in rdata as NSD and Knot serve them (docs/interop.md, "Names inside rdata: their case").
describe('names in rdata: lower case where the DNSSEC canonical form lowers them', () => {
  test.each([
    ['CNAME WeB.Example.NET.', 'web.example.net.'],
    ['MX 10 MaIl', '10 mail.example.test.'], // a relative name takes the origin, lower-cased with it
    ['SRV 0 0 1 TaRget.Example.NET.', '0 0 1 target.example.net.'],
    ['NAPTR 100 10 "S" "SIP+D2U" "" _Sip._Udp.Example.NET.', '100 10 "S" "SIP+D2U" "" _sip._udp.example.net.'],
    ['RP MaIl.Example.NET. TxT.Example.NET.', 'mail.example.net. txt.example.net.'],
    ['RRSIG A 13 3 300 20300101000000 20250101000000 1 SiGner.Example.NET. AAAA', 'A 13 3 300 20300101000000 20250101000000 1 signer.example.net. AAAA'],
    ['TXT "KeEp"', '"KeEp"'], // not a name
  ])('%s → %s', (line, rdata) => {
    expect(loaded(line)).toBe(rdata);
  });

  test.each([
    ['NSEC NeXt.Example.NET. A', 'NeXt.Example.NET. A'], // RFC 6840 §5.1
    ['SVCB 1 TaRget.Example.NET. alpn=h2', '1 TaRget.Example.NET. alpn="h2"'], // RFC 9460 leaves SVCB off the list (Knot)
    ['HTTPS 1 TaRget.Example.NET.', '1 TaRget.Example.NET.'],
  ])('kept as written: %s', (line, rdata) => {
    expect(loaded(line)).toBe(rdata);
  });
});
