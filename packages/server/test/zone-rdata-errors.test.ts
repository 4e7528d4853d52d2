// Issue 11 §4: malformed rdata of every type the table reads, through the zone parser. Each row is
// one record line; the error must name the offending token's file:line:column.
import { describe, expect, test } from 'vitest';
import { parseZoneText } from '../src/zonefile/index.js';

/** A valid apex at lines 1-3; the row's record is line 4. */
const APEX = '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n  NS ns1\n';

// type, rdata, error code, the token the error is at: its text, '#k' for the k-th rdata token, '' for the type.
const rows: [type: string, rdata: string, code: string, at: string][] = [
  // RFC 1035's other types
  ['MD', 'a b', 'EXTRA_FIELD', 'b'],
  ['MF', '', 'MISSING_FIELD', ''],
  ['MB', 'a..b', 'BAD_NAME', 'a..b'],
  ['MG', 'x y', 'EXTRA_FIELD', 'y'],
  ['MR', `${'x'.repeat(64)}.test.`, 'LABEL_TOO_LONG', `${'x'.repeat(64)}.test.`],
  ['MINFO', 'owners', 'MISSING_FIELD', 'owners'],
  ['NULL', '"text"', 'BAD_RDATA', '"text"'],
  ['WKS', '192.0.2.5 TCP nosuchservice', 'BAD_NUMBER', 'nosuchservice'],
  ['WKS', '192.0.2.5 ICMP 25', 'BAD_NUMBER', 'ICMP'],
  ['WKS', '192.0.2.5 TCP 65536', 'BAD_NUMBER', '65536'],
  ['WKS', '2001:db8::1 TCP 25', 'BAD_ADDRESS', '2001:db8::1'],
  ['HINFO', '"VAX-11/780"', 'MISSING_FIELD', '"VAX-11/780"'],
  // RFC 1183, 1706, 2163, 1712, 1348
  ['RP', 'a.test. b.test. c.test.', 'EXTRA_FIELD', 'c.test.'],
  ['AFSDB', '65536 host', 'BAD_NUMBER', '65536'],
  ['X25', '"311061700956" "1"', 'EXTRA_FIELD', '"1"'],
  ['ISDN', '"1" "2" "3"', 'EXTRA_FIELD', '"3"'],
  ['RT', '10', 'MISSING_FIELD', '10'],
  ['NSAP', '47000580005a0000000001e133ffffff00016100', 'BAD_RDATA', '47000580005a0000000001e133ffffff00016100'],
  ['NSAP', '0x47.0005.8', 'BAD_RDATA', '0x47.0005.8'],
  ['NSAP-PTR', 'a b', 'EXTRA_FIELD', 'b'],
  ['PX', '10 net2.it.', 'MISSING_FIELD', 'net2.it.'],
  ['GPOS', '"-32.6882" "116.8652"', 'MISSING_FIELD', '"116.8652"'],
  // DNSSEC and keys
  ['SIG', 'A 1 3 86400 20300101000000 20250101000000 2642 sig.test.', 'MISSING_FIELD', 'sig.test.'],
  ['KEY', '256 3 RSASHA1 AQPS!', 'BAD_RDATA', 'AQPS!'],
  ['NXT', 'next.test. A NOSUCHTYPE', 'BAD_TYPE', 'NOSUCHTYPE'],
  ['NXT', 'next.test. A TYPE128', 'BAD_TYPE', 'TYPE128'],
  ['DS', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A29211G', 'BAD_RDATA', '2BB183AF5F22588179A53B0A98631FAD1A29211G'],
  ['DS', '60485 5 1 2BB1 83A', 'BAD_RDATA', '83A'],
  ['DS', '65536 5 1 2BB1', 'BAD_NUMBER', '65536'],
  ['DS', '60485 NOSUCHALG 1 2BB1', 'BAD_NUMBER', 'NOSUCHALG'],
  ['DS', '60485 5 SHA-999 2BB1', 'BAD_NUMBER', 'SHA-999'],
  ['CDS', '60485 5 1', 'MISSING_FIELD', '1'],
  ['DLV', '60485 256 1 2BB1', 'BAD_NUMBER', '256'],
  ['TA', '60485 5 1 ZZ', 'BAD_RDATA', 'ZZ'],
  ['DNSKEY', '257 3 RSASHA999 AwEAAQ==', 'BAD_NUMBER', 'RSASHA999'],
  ['DNSKEY', '257 3 8 AwEAA!Q==', 'BAD_RDATA', 'AwEAA!Q=='],
  ['DNSKEY', '257 3 8 AwEAAQ== AA==', 'BAD_RDATA', 'AA=='], // padding inside
  ['CDNSKEY', '65536 3 8 AwEAAQ==', 'BAD_NUMBER', '65536'],
  ['RKEY', '0 3 8', 'MISSING_FIELD', '8'],
  ['RRSIG', 'A 13 3 300 20301301000000 20250101000000 1 s.test. AQID', 'BAD_NUMBER', '20301301000000'],
  ['RRSIG', 'A 13 3 300 20300101000000 2025010100000 1 s.test. AQID', 'BAD_NUMBER', '2025010100000'],
  ['RRSIG', 'NOSUCHTYPE 13 3 300 20300101000000 20250101000000 1 s.test. AQID', 'BAD_TYPE', 'NOSUCHTYPE'],
  ['RRSIG', 'A 13 256 300 20300101000000 20250101000000 1 s.test. AQID', 'BAD_NUMBER', '256'],
  ['RRSIG', 'A 13 3 300 20300101000000 20250101000000 1 s.test.', 'MISSING_FIELD', 's.test.'],
  ['NSEC', 'next.test. A NOSUCHTYPE', 'BAD_TYPE', 'NOSUCHTYPE'],
  ['NSEC', 'next.test. A TYPE65536', 'BAD_TYPE', 'TYPE65536'],
  ['NSEC3', '1 0 0 - 2vptu5timamqttgl4luu9kg21e0aorws A', 'BAD_RDATA', '2vptu5timamqttgl4luu9kg21e0aorws'],
  ['NSEC3', '1 0 0 xyz 2vptu5timamqttgl4luu9kg21e0aor3s A', 'BAD_RDATA', 'xyz'],
  ['NSEC3', '1 0 65536 - 2vptu5timamqttgl4luu9kg21e0aor3s A', 'BAD_NUMBER', '65536'],
  ['NSEC3', '1 0 0 -', 'MISSING_FIELD', '-'],
  ['NSEC3PARAM', '1 0 0 - extra', 'EXTRA_FIELD', 'extra'],
  ['NSEC3PARAM', '256 0 0 -', 'BAD_NUMBER', '256'],
  ['DHCID', 'AAIB$Y2', 'BAD_RDATA', 'AAIB$Y2'],
  ['SSHFP', '1 1 dd465c09cfa51fb45020cc83316fff21b9ec74a', 'BAD_RDATA', 'dd465c09cfa51fb45020cc83316fff21b9ec74a'],
  ['TLSA', '256 1 1 0123', 'BAD_NUMBER', '256'],
  ['SMIMEA', '3 0 0', 'MISSING_FIELD', '#2'],
  ['OPENPGPKEY', '', 'MISSING_FIELD', ''],
  ['CERT', 'NOSUCH 0 0 AQID', 'BAD_NUMBER', 'NOSUCH'],
  ['CERT', 'PGP 65536 0 AQID', 'BAD_NUMBER', '65536'],
  ['CERT', 'PGP 0 NOSUCHALG AQID', 'BAD_NUMBER', 'NOSUCHALG'],
  ['IPSECKEY', '10 4 2 192.0.2.38 AQNR', 'BAD_NUMBER', '4'],
  ['IPSECKEY', '10 1 2 2001:db8::1 AQNR', 'BAD_ADDRESS', '2001:db8::1'],
  ['IPSECKEY', '10 2 2 192.0.2.1 AQNR', 'BAD_ADDRESS', '192.0.2.1'],
  ['IPSECKEY', '10 0 2 gw.test. AQNR', 'BAD_RDATA', 'gw.test.'],
  ['IPSECKEY', '10 3 2 a..b AQNR', 'BAD_NAME', 'a..b'],
  ['IPSECKEY', '10 1 2 192.0.2.38 AQN!', 'BAD_RDATA', 'AQN!'],
  ['HIP', '2 200100107B1A74DF365639CC39F1D57 AwEAAQ==', 'BAD_RDATA', '200100107B1A74DF365639CC39F1D57'],
  ['HIP', '2 200100107B1A74DF365639CC39F1D578 AwEA!Q==', 'BAD_RDATA', 'AwEA!Q=='],
  ['HIP', '256 200100107B1A74DF365639CC39F1D578 AwEAAQ==', 'BAD_NUMBER', '256'],
  ['HIP', '2 200100107B1A74DF365639CC39F1D578 AwEAAQ== a..b', 'BAD_NAME', 'a..b'],
  // Location and addresses
  ['LOC', '91 0 0 N 0 0 0 E 0m', 'BAD_NUMBER', '91'],
  ['LOC', '42 60 0 N 71 06 18 W -24m', 'BAD_NUMBER', '60'],
  ['LOC', '42 21 54 71 06 18 W -24m', 'BAD_NUMBER', '71'],
  ['LOC', '42 21 54 N 71 06 18 W -24m 90000001m', 'BAD_NUMBER', '90000001m'],
  ['LOC', '42 21 54 N 71 06 18 W -100001m', 'BAD_NUMBER', '-100001m'],
  ['LOC', '42 21 54 N 71 06 18 W', 'MISSING_FIELD', 'W'],
  ['LOC', '42 21 54 N 71 06 18 W 1m 1m 1m 1m 1m', 'EXTRA_FIELD', '#12'],
  ['APL', '3:192.0.2.0/24', 'BAD_RDATA', '3:192.0.2.0/24'],
  ['APL', '1:192.0.2.0/33', 'BAD_NUMBER', '1:192.0.2.0/33'],
  ['APL', '1:192.0.2.0/24 2:192.0.2.0/24', 'BAD_ADDRESS', '2:192.0.2.0/24'],
  ['APL', '1:192.0.2.0', 'BAD_RDATA', '1:192.0.2.0'],
  ['A6', '129 ::1 p.test.', 'BAD_NUMBER', '129'],
  ['A6', '0 192.0.2.1', 'BAD_ADDRESS', '192.0.2.1'],
  ['ATMA', '+35840a', 'BAD_RDATA', '+35840a'],
  ['EID', '12 8Z', 'BAD_RDATA', '8Z'],
  ['NIMLOC', '', 'MISSING_FIELD', ''],
  ['SINK', '1 0 0 AQ!D', 'BAD_RDATA', 'AQ!D'],
  ['EUI48', '00-00-5e-00-53', 'BAD_RDATA', '00-00-5e-00-53'],
  ['EUI64', '00:00:5e:ef:10:00:00:2a', 'BAD_RDATA', '00:00:5e:ef:10:00:00:2a'],
  ['NID', '10 0014:4fff:ff20', 'BAD_RDATA', '0014:4fff:ff20'],
  ['NID', '65536 0014:4fff:ff20:ee64', 'BAD_NUMBER', '65536'],
  ['L32', '10 10.1.2', 'BAD_ADDRESS', '10.1.2'],
  ['L64', '10 2001:0DB8:1140:1000:1', 'BAD_RDATA', '2001:0DB8:1140:1000:1'],
  ['LP', '10 a..b', 'BAD_NAME', 'a..b'],
  // SVCB and HTTPS (RFC 9460 Appendix D.3 and more)
  ['SVCB', '1 foo.example.com. key123=abc key123=def', 'BAD_RDATA', 'key123=def'],
  ['SVCB', '1 foo.example.com. mandatory', 'BAD_RDATA', 'mandatory'],
  ['SVCB', '1 foo.example.com. alpn', 'BAD_RDATA', 'alpn'],
  ['SVCB', '1 foo.example.com. port', 'BAD_RDATA', 'port'],
  ['SVCB', '1 foo.example.com. ipv4hint', 'BAD_RDATA', 'ipv4hint'],
  ['SVCB', '1 foo.example.com. ipv6hint', 'BAD_RDATA', 'ipv6hint'],
  ['SVCB', '1 foo.example.com. no-default-alpn=abc', 'BAD_RDATA', 'no-default-alpn=abc'],
  ['SVCB', '1 foo.example.com. mandatory=key123', 'BAD_RDATA', 'mandatory=key123'],
  ['SVCB', '1 foo.example.com. mandatory=mandatory', 'BAD_RDATA', 'mandatory=mandatory'],
  ['SVCB', '1 foo.example.com. mandatory=key123,key123 key123=abc', 'BAD_RDATA', 'mandatory=key123,key123'],
  ['SVCB', '1 foo.example.com. alpn=h2 mandatory=port', 'BAD_RDATA', 'mandatory=port'],
  ['SVCB', '1 foo.example.com. no-default-alpn', 'BAD_RDATA', 'no-default-alpn'],
  ['HTTPS', '1 . foo=bar', 'BAD_RDATA', 'foo=bar'],
  ['HTTPS', '1 . key65535=x', 'BAD_RDATA', 'key65535=x'],
  ['HTTPS', '1 . port=65536', 'BAD_NUMBER', 'port=65536'],
  ['HTTPS', '1 . ipv4hint=192.0.2.256', 'BAD_RDATA', 'ipv4hint=192.0.2.256'],
  ['HTTPS', '1 . ipv6hint=192.0.2.1', 'BAD_RDATA', 'ipv6hint=192.0.2.1'],
  ['HTTPS', '1 . ech=not!base64', 'BAD_RDATA', 'ech=not!base64'],
  ['HTTPS', '1 . alpn=h2,,h3', 'BAD_RDATA', 'alpn=h2,,h3'],
  ['HTTPS', '1 . "alpn=h2"', 'BAD_RDATA', '"alpn=h2"'],
  ['HTTPS', '65536 .', 'BAD_NUMBER', '65536'],
  ['HTTPS', '1', 'MISSING_FIELD', '1'],
  // Other modern types
  ['CSYNC', '1 3 A NOSUCHTYPE', 'BAD_TYPE', 'NOSUCHTYPE'],
  ['CSYNC', '4294967296 3 A', 'BAD_NUMBER', '4294967296'],
  ['ZONEMD', '2018031900 1 1', 'MISSING_FIELD', '#2'],
  ['ZONEMD', '2018031900 256 1 C680', 'BAD_NUMBER', '256'],
  ['URI', '10 1', 'MISSING_FIELD', '#1'],
  ['NAPTR', '100 10 "S" "SIP+D2U" ""', 'MISSING_FIELD', '""'],
  ['KX', '10', 'MISSING_FIELD', '10'],
  ['DNAME', 'a.test. b.test.', 'EXTRA_FIELD', 'b.test.'],
  ['SPF', '', 'MISSING_FIELD', ''],
  ['AVC', '"a" "b\\25"', 'BAD_ESCAPE', '"b\\25"'],
  ['NINFO', '', 'MISSING_FIELD', ''],
  ['TALINK', 'h0.test.', 'MISSING_FIELD', 'h0.test.'],
  ['DOA', '0 1 2 "" aHR0!', 'BAD_RDATA', 'aHR0!'],
  ['DOA', '4294967296 1 2 "" -', 'BAD_NUMBER', '4294967296'],
  ['AMTRELAY', '10 2 1 203.0.113.15', 'BAD_NUMBER', '2'],
  ['AMTRELAY', '10 0 4 203.0.113.15', 'BAD_NUMBER', '4'],
  ['AMTRELAY', '10 0 1 2001:db8::15', 'BAD_ADDRESS', '2001:db8::15'],
  ['AMTRELAY', '10 0 0 relay.test.', 'BAD_RDATA', 'relay.test.'],
  ['RESINFO', '"a" "\\999"', 'BAD_ESCAPE', '"\\999"'],
  ['WALLET', '', 'MISSING_FIELD', ''],
];

describe('malformed rdata in a zone file: file:line:column of the offending token', () => {
  test.each(rows)('%s %s → %s', (type, rdata, code, at) => {
    const line = `bad 60 IN ${type} ${rdata}`;
    const result = parseZoneText(`${APEX}${line}\n`, { file: 'r.zone', origin: 'example.test' });
    const errors = result.errors.filter((e) => e.severity !== 'warning');
    expect(errors.map((e) => e.code)).toEqual([code]);
    // The column of the token named (its first occurrence after the type), or of the type itself.
    const typeAt = line.indexOf(` ${type} `) + 1;
    const rdataAt = typeAt + type.length + 1;
    const column = at === ''
      ? typeAt + 1
      : at.startsWith('#')
        ? rdataAt + rdata.split(' ').slice(0, Number(at.slice(1))).join(' ').length + (at === '#0' ? 0 : 1) + 1
        : line.indexOf(at, rdataAt) + 1;
    expect(`${errors[0].file}:${errors[0].line}:${errors[0].column}`).toBe(`r.zone:4:${column}`);
    expect(errors[0].message).toMatch(/^r\.zone:4:\d+: /);
  });

  test('every type of the table has a row', async () => {
    const { describedTypes } = await import('@port53/wire');
    const typed = new Set(['A', 'AAAA', 'NS', 'CNAME', 'PTR', 'SOA', 'MX', 'TXT', 'SRV', 'CAA']); // rows in zone-parser.test.ts
    const missing = describedTypes().map((d) => d.mnemonic).filter((t) => !typed.has(t) && !rows.some((r) => r[0] === t));
    expect(missing).toEqual([]);
  });
});
