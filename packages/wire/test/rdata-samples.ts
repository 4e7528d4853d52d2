// One valid presentation-form rdata per type of the table (origin example.test), for the
// property tests that cut and flip their octets.
import type { TypeName } from '@port53/wire';

export const RDATA_SAMPLES: [TypeName, string][] = [
  ['A', '192.0.2.1'], ['NS', 'ns1'], ['MD', 'mail'], ['MF', 'mail'], ['CNAME', 'www'], ['SOA', 'ns1 host 1 2 3 4 5'],
  ['MB', 'mail'], ['MG', 'member'], ['MR', 'newbox'], ['NULL', '\\# 3 010203'], ['WKS', '192.0.2.5 6 25 80'], ['PTR', 'host'],
  ['HINFO', '"cpu" "os"'], ['MINFO', 'owners errors'], ['MX', '10 mail'], ['TXT', '"a" "b"'], ['RP', 'a b'], ['AFSDB', '1 afs'],
  ['X25', '"311061700956"'], ['ISDN', '"150862028003217" "004"'], ['RT', '2 relay'], ['NSAP', '0x47000580005a00'], ['NSAP-PTR', 'foo'],
  ['SIG', 'A 1 3 86400 20300101000000 20250101000000 2642 example.test. AQID'], ['KEY', '256 3 5 AQID'], ['PX', '10 a b'],
  ['GPOS', '"-32.6882" "116.8652" "10.0"'], ['AAAA', '2001:db8::1'], ['LOC', '42 21 54 N 71 06 18 W -24m 30m'],
  ['NXT', 'next A MX'], ['EID', '1289AB'], ['NIMLOC', '3214AB'], ['SRV', '0 5 5060 sip'], ['ATMA', '+358400123456'],
  ['NAPTR', '100 10 "S" "SIP+D2U" "" _sip._udp'], ['KX', '10 kx'], ['CERT', 'PGP 0 0 AQID'], ['A6', '64 ::1234:5678:9abc:def0 prefix'],
  ['DNAME', 'target'], ['SINK', '1 0 0 AQID'], ['APL', '1:192.168.32.0/21 !2:2001:db8::/32'], ['DS', '60485 5 1 2BB183AF'],
  ['SSHFP', '1 1 DD465C09'], ['IPSECKEY', '10 3 2 gw AQNR'], ['RRSIG', 'A 13 3 300 20300101000000 20250101000000 1 example.test. AQID'],
  ['NSEC', 'next A RRSIG NSEC TYPE1234'], ['DNSKEY', '257 3 13 AQID'], ['DHCID', 'AAIBY2/A'],
  ['NSEC3', '1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG'], ['NSEC3PARAM', '1 0 12 AABBCCDD'], ['TLSA', '3 1 1 0123'],
  ['SMIMEA', '3 0 0 AB'], ['HIP', '2 200100107B1A74DF365639CC39F1D578 AwEAAQ== rvs1 rvs2'], ['NINFO', '"a"'], ['RKEY', '0 3 8 AQID'],
  ['TALINK', 'a b'], ['CDS', '0 0 0 00'], ['CDNSKEY', '0 3 0 AA=='], ['OPENPGPKEY', 'mQIN'], ['CSYNC', '66 3 A NS AAAA'],
  ['ZONEMD', '2018031900 1 1 C68090D90A7AED716BC459F9'], ['SVCB', '16 foo alpn=h2,h3 mandatory=alpn port=853 ipv4hint=192.0.2.1 key65000="x"'],
  ['HTTPS', '1 . alpn=h3 no-default-alpn ech=AQID ipv6hint=2001:db8::1 dohpath=/q{?dns} ohttp'], ['SPF', '"v=spf1 -all"'],
  ['NID', '10 14:4fff:ff20:ee64'], ['L32', '10 10.1.2.0'], ['L64', '10 2001:db8:1140:1000'], ['LP', '10 l64'],
  ['EUI48', '00-00-5e-00-53-2a'], ['EUI64', '00-00-5e-ef-10-00-00-2a'], ['URI', '10 1 "ftp://a/"'], ['CAA', '0 issue "ca"'],
  ['AVC', '"app"'], ['DOA', '0 1 2 "" aHR0'], ['AMTRELAY', '128 1 3 relay'], ['RESINFO', 'qnamemin'], ['WALLET', '"BTC" "x"'],
  ['TA', '60485 5 1 2BB1'], ['DLV', '60485 5 1 2BB1'],
];
