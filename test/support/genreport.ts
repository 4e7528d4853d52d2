/**
 * Our own re-statement of ISC genreport's EDNS and FULL probe groups and of how it grades a
 * reply (written from its documented rows and rules, not copied): each probe is one query, each
 * grade a list of tags, "ok" when there are none. Replies are read here by hand, independently
 * of @port53/wire, so the instrument does not share the codec under test.
 */
import { signMessage, type TsigKey } from '@port53/wire';
import { tcpExchange, udpExchange } from './loopback.mjs';

export interface Probe {
  name: string;
  group: 'EDNS' | 'FULL' | 'NONE';
  /** EDNS UDP size; 0: no OPT. */
  udpsize?: number;
  ednsFlags?: number;
  version?: number;
  tcp?: boolean;
  /** The OPT holds the client cookie 0102030405060708. */
  cookie?: boolean;
  /** TC in the reply is accepted instead of retrying over TCP. */
  ignore?: boolean;
  flags?: Partial<Record<'tc' | 'rd' | 'ra' | 'cd' | 'ad' | 'aa' | 'z', boolean>>;
  opcode?: number;
  type?: number;
  options?: number[];
  /** Signed with the well-known key: hmac-sha256, name ".", 32 zero octets. */
  wellKnownKey?: boolean;
}

const NSID = [0, 3, 0, 0];
const ECS = [0, 8, 0, 4, 0, 1, 0, 0];
const EXPIRE = [0, 9, 0, 0];
const COOKIE = [0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8];
const OPT100 = [0, 100, 0, 0];
const SOA = 6;
const DNSKEY = 48;

/** genreport's EDNS group (its default) and FULL additions, plus dnswkk. */
export const PROBES: Probe[] = [
  { name: 'dns', group: 'EDNS', type: SOA },
  { name: 'aa', group: 'FULL', type: SOA, flags: { aa: true } },
  { name: 'ad', group: 'FULL', type: SOA, flags: { ad: true } },
  { name: 'cd', group: 'FULL', type: SOA, flags: { cd: true } },
  { name: 'ra', group: 'FULL', type: SOA, flags: { ra: true } },
  { name: 'rd', group: 'FULL', type: SOA, flags: { rd: true } },
  { name: 'tc', group: 'FULL', type: SOA, flags: { tc: true } },
  { name: 'zflag', group: 'FULL', type: SOA, flags: { z: true } },
  { name: 'opcode', group: 'FULL', opcode: 15, type: 0 },
  { name: 'opcodeflg', group: 'FULL', opcode: 15, type: 0, flags: { tc: true, rd: true, ra: true, cd: true, ad: true, aa: true, z: true } },
  { name: 'type666', group: 'FULL', type: 666 },
  { name: 'tcp', group: 'FULL', type: SOA, tcp: true },
  { name: 'edns', group: 'EDNS', udpsize: 4096, type: SOA },
  { name: 'edns1', group: 'EDNS', udpsize: 4096, version: 1, type: SOA },
  { name: 'edns@512', group: 'EDNS', udpsize: 512, ednsFlags: 0x8000, ignore: true, type: DNSKEY },
  { name: 'ednsopt', group: 'EDNS', udpsize: 4096, options: OPT100, type: SOA },
  { name: 'edns1opt', group: 'EDNS', udpsize: 4096, version: 1, options: OPT100, type: SOA },
  { name: 'do', group: 'EDNS', udpsize: 4096, ednsFlags: 0x8000, type: SOA },
  { name: 'docd', group: 'FULL', udpsize: 4096, ednsFlags: 0x8000, flags: { cd: true }, type: SOA },
  { name: 'edns1do', group: 'FULL', udpsize: 4096, ednsFlags: 0x8000, version: 1, type: SOA },
  { name: 'ednsflags', group: 'EDNS', udpsize: 4096, ednsFlags: 0x0080, type: SOA },
  { name: 'optlist', group: 'EDNS', udpsize: 4096, cookie: true, options: [...NSID, ...ECS, ...EXPIRE, ...COOKIE], type: SOA },
  { name: 'ednsnsid', group: 'FULL', udpsize: 4096, options: NSID, type: SOA },
  { name: 'ednscookie', group: 'FULL', udpsize: 4096, cookie: true, options: COOKIE, type: SOA },
  { name: 'ednsexpire', group: 'FULL', udpsize: 4096, options: EXPIRE, type: SOA },
  { name: 'ednssubnet', group: 'FULL', udpsize: 4096, options: ECS, type: SOA },
  { name: 'edns1nsid', group: 'FULL', udpsize: 4096, version: 1, options: NSID, type: SOA },
  { name: 'edns1cookie', group: 'FULL', udpsize: 4096, version: 1, cookie: true, options: COOKIE, type: SOA },
  { name: 'edns1expire', group: 'FULL', udpsize: 4096, version: 1, options: EXPIRE, type: SOA },
  { name: 'edns1subnet', group: 'FULL', udpsize: 4096, version: 1, options: ECS, type: SOA },
  { name: 'ednstcp', group: 'EDNS', udpsize: 512, ednsFlags: 0x8000, tcp: true, type: DNSKEY },
  { name: 'dnswkk', group: 'NONE', type: SOA, wellKnownKey: true },
];

// genreport's well-known key (dig -y hmac-sha256:.:AAAA...=): the root as name, 32 zero octets.
const WELL_KNOWN_KEY: TsigKey = { name: '.', algorithm: 'hmac-sha256', secret: new Uint8Array(32) };

export function buildProbe(p: Probe, zone: string, id: number): Uint8Array {
  const f = p.flags ?? {};
  const bytes: number[] = [id >> 8, id & 0xff];
  bytes.push(((p.opcode ?? 0) << 3) | (f.aa ? 4 : 0) | (f.tc ? 2 : 0) | (f.rd ? 1 : 0));
  bytes.push((f.ra ? 0x80 : 0) | (f.z ? 0x40 : 0) | (f.ad ? 0x20 : 0) | (f.cd ? 0x10 : 0));
  const question = p.opcode ? 0 : 1; // genreport's opcode probes are header only
  const udpsize = p.udpsize ?? 0;
  bytes.push(0, question, 0, 0, 0, 0, 0, udpsize ? 1 : 0);
  if (question) {
    for (const label of zone.split('.').filter(Boolean)) bytes.push(label.length, ...Buffer.from(label, 'ascii'));
    bytes.push(0, (p.type ?? SOA) >> 8, (p.type ?? SOA) & 0xff, 0, 1);
  }
  if (udpsize) {
    const opts = p.options ?? [];
    const ef = p.ednsFlags ?? 0;
    bytes.push(0, 0, 41, udpsize >> 8, udpsize & 0xff, 0, p.version ?? 0, ef >> 8, ef & 0xff, opts.length >> 8, opts.length & 0xff, ...opts);
  }
  const query = Uint8Array.from(bytes);
  if (!p.wellKnownKey) return query;
  return signMessage(query, WELL_KNOWN_KEY, { now: Math.floor(Date.now() / 1000) }).bytes;
}

/** Sends the probe as genreport does (TCP when asked, or after a TC reply unless `ignore`); null: no reply. */
export async function runProbe(p: Probe, port: number, zone: string, id: number): Promise<Buffer | null> {
  const query = buildProbe(p, zone, id);
  if (p.tcp) return tcpExchange(port, query, { timeoutMs: 3000 });
  const reply = await udpExchange(port, query, { timeoutMs: 3000, sameId: true });
  if (reply && reply.length >= 3 && reply[2] & 0x02 && !p.ignore) return tcpExchange(port, query, { timeoutMs: 3000 });
  return reply;
}

const RCODE_TEXT: Record<number, string> = { 0: 'noerror', 1: 'formerr', 2: 'servfail', 3: 'nxdomain', 4: 'notimp', 5: 'refused', 9: 'notauth', 16: 'badvers', 23: 'badcookie' };
const rcodeText = (n: number) => RCODE_TEXT[n] ?? `rcode${n}`;

/**
 * The tags genreport would print for this reply ("ok" alone when nothing is wrong), followed by
 * its informational tags (nsid, cookie, expire, subnet).
 */
export function gradeReply(p: Probe, zone: string, reply: Buffer | null): string[] {
  if (!reply) return ['timeout'];
  const tags: string[] = [];
  const info: string[] = [];
  try {
    const r = readReply(reply);
    const opcode = p.opcode ?? 0;
    const version = p.version ?? 0;
    const f = p.flags ?? {};
    if (opcode !== 0 && (r.qd || r.an || r.ns || r.ar)) tags.push('non-empty-section');
    if (r.opcode !== opcode) tags.push(`opcode${r.opcode}`);
    const rcode = r.rcode + ((r.opt?.ttl ?? 0) >>> 24 << 4);
    let rcodeTagged = false;
    if (version === 0) {
      const cookieOk = p.cookie && rcode === 23 && r.cookieSeen;
      if (opcode === 0 && rcode !== 0 && !cookieOk) (tags.push(rcodeText(rcode)), (rcodeTagged = true));
      if (opcode !== 0 && rcode !== 4) (tags.push(rcodeText(rcode)), (rcodeTagged = true));
    }
    if (r.tsig && r.tsig.error !== 0) {
      if (!rcodeTagged && rcode !== 9) tags.push(rcodeText(rcode));
      tags.push(r.tsig.error === 17 ? 'badkey' : r.tsig.error === 16 ? 'badsig' : r.tsig.error === 18 ? 'badtime' : `rcode${r.tsig.error}`);
    }
    if (p.wellKnownKey && !r.tsig) tags.push('notsig');
    if (r.tsig && r.tsig.owner !== '') tags.push('tsig-wrong-key');
    if (version !== 0 && rcode !== 16) tags.push(rcodeText(rcode));
    const ednsVersion = r.opt ? (r.opt.ttl >>> 16) & 0xff : 0;
    if (r.opt && ednsVersion !== 0) tags.push('version-not-zero');
    if (r.opt && ((ednsVersion < version && rcode !== 16) || (ednsVersion >= version && rcode === 16))) tags.push('badversion');
    if (!r.opt && p.udpsize) tags.push('noopt');
    if (r.opt && !p.udpsize) tags.push('opt');
    const soa = p.type === SOA;
    if (soa && version === 0 && !p.ignore && !r.soaSeen(zone) && rcode === 0) tags.push('nosoa');
    if (soa && r.soaSeen(zone) && (version !== 0 || rcode !== 0)) tags.push('soa');
    if (r.echoed) tags.push('echoed');
    if (r.opt && (p.ednsFlags ?? 0) & 0x8000 && !(r.opt.ttl & 0x8000) && r.rrsig) tags.push('nodo');
    if (!r.aa && version === 0 && rcode === 0 && opcode === 0) tags.push('noaa');
    if (r.aa && opcode !== 0) tags.push('aa');
    if (r.ra && opcode) tags.push('ra');
    if (r.rd && (opcode || !f.rd)) tags.push('rd');
    if (!r.rd && f.rd && opcode === 0) tags.push('nord');
    if (r.ad && (opcode || (!f.ad && !((p.ednsFlags ?? 0) & 0x8000)))) tags.push('ad');
    if (r.cd && (opcode || !f.cd)) tags.push('cd');
    if (r.z) tags.push('z');
    if (r.opt && r.opt.ttl & 0x7fff) tags.push('mbz');
    if (p.ignore && reply.length > (p.udpsize || 512)) tags.push('toobig');
    if (p.cookie && r.cookieSeen && !r.cookieMatches) tags.push('cookie-mismatch');
    if (r.nsid) info.push('nsid');
    if (r.expire) info.push('expire');
    if (r.cookieSeen && r.cookieMatches) info.push('cookie');
    if (r.subnet) info.push('subnet');
  } catch (err) {
    return ['malformed', (err as Error).message];
  }
  return [...(tags.length ? tags : ['ok']), ...info];
}

interface ReplyView {
  opcode: number;
  rcode: number;
  aa: boolean;
  rd: boolean;
  ra: boolean;
  z: boolean;
  ad: boolean;
  cd: boolean;
  qd: number;
  an: number;
  ns: number;
  ar: number;
  opt?: { ttl: number };
  tsig?: { owner: string; error: number };
  rrsig: boolean;
  echoed: boolean;
  nsid: boolean;
  expire: boolean;
  subnet: boolean;
  cookieSeen: boolean;
  cookieMatches: boolean;
  soaSeen(zone: string): boolean;
}

function readReply(b: Buffer): ReplyView {
  if (b.length < 12) throw new Error('short');
  const view: ReplyView = {
    opcode: (b[2] >> 3) & 0xf,
    rcode: b[3] & 0xf,
    aa: (b[2] & 4) !== 0,
    rd: (b[2] & 1) !== 0,
    ra: (b[3] & 0x80) !== 0,
    z: (b[3] & 0x40) !== 0,
    ad: (b[3] & 0x20) !== 0,
    cd: (b[3] & 0x10) !== 0,
    qd: b.readUInt16BE(4),
    an: b.readUInt16BE(6),
    ns: b.readUInt16BE(8),
    ar: b.readUInt16BE(10),
    rrsig: false,
    echoed: false,
    nsid: false,
    expire: false,
    subnet: false,
    cookieSeen: false,
    cookieMatches: false,
    soaSeen: () => false,
  };
  let pos = 12;
  for (let i = 0; i < view.qd; i++) pos = readName(b, pos).end + 4;
  const soaOwners: string[] = [];
  for (let i = 0; i < view.an + view.ns + view.ar; i++) {
    const { name, end } = readName(b, pos);
    if (end + 10 > b.length) throw new Error('truncated record');
    const type = b.readUInt16BE(end);
    const ttl = b.readUInt32BE(end + 4);
    const rdlen = b.readUInt16BE(end + 8);
    const rdata = end + 10;
    if (rdata + rdlen > b.length) throw new Error('truncated rdata');
    const section = i < view.an ? 'an' : i < view.an + view.ns ? 'ns' : 'ar';
    if (section === 'an' && type === SOA) soaOwners.push(name);
    if (section === 'an' && type === 46) view.rrsig = true;
    if (section === 'ar' && type === 41) {
      if (view.opt) throw new Error('two OPT records');
      view.opt = { ttl };
      for (let o = rdata; o < rdata + rdlen; ) {
        const code = b.readUInt16BE(o);
        const len = b.readUInt16BE(o + 2);
        if (code === 3 && len > 0) view.nsid = true;
        if (code === 8) view.subnet = true;
        if (code === 9 && len === 4) view.expire = true;
        if (code === 10 && len >= 16 && len <= 40) {
          view.cookieSeen = true;
          view.cookieMatches = b.subarray(o + 4, o + 12).equals(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
        }
        if (code === 100) view.echoed = true;
        o += 4 + len;
        if (o > rdata + rdlen) throw new Error('option past OPT');
      }
    }
    if (section === 'ar' && type === 250) {
      const alg = readName(b, rdata);
      const macLen = b.readUInt16BE(alg.end + 8);
      view.tsig = { owner: name, error: b.readUInt16BE(alg.end + 10 + macLen + 2) };
    }
    pos = rdata + rdlen;
  }
  if (pos !== b.length) throw new Error('trailing octets');
  view.soaSeen = (zone) => soaOwners.includes(zone.toLowerCase());
  return view;
}

function readName(b: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = start;
  let end = -1;
  for (let hops = 0; hops < 128; hops++) {
    if (pos >= b.length) throw new Error('name past the end');
    const len = b[pos];
    if (len === 0) return { name: labels.join('.').toLowerCase(), end: end < 0 ? pos + 1 : end };
    if ((len & 0xc0) === 0xc0) {
      if (end < 0) end = pos + 2;
      pos = ((len & 0x3f) << 8) | b[pos + 1];
      continue;
    }
    labels.push(b.toString('latin1', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  throw new Error('pointer loop');
}
