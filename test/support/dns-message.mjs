/**
 * The few DNS octets the bench and the reference servers' readiness probe write and read
 * (RFC 1035 §4.1), kept apart from @port53/wire so the instrument does not depend on the code
 * it measures.
 */

export const TYPES = { A: 1, NS: 2, SOA: 6, MX: 15, TXT: 16, AAAA: 28 };

/** A query: header, one question, optionally an OPT record (RFC 6891 §6.1.2). */
export function buildQuery({ id, name, type, rd = false, edns }) {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  const qname = Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(rd ? 0x0100 : 0, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(edns ? 1 : 0, 10);
  const question = Buffer.alloc(4);
  question.writeUInt16BE(TYPES[type] ?? Number(type), 0);
  question.writeUInt16BE(1, 2);
  const parts = [header, qname, question];
  if (edns) {
    const opt = Buffer.alloc(11);
    opt.writeUInt16BE(41, 1);
    opt.writeUInt16BE(edns.payload ?? 1232, 3);
    parts.push(opt);
  }
  return Buffer.concat(parts);
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** The header of a reply: id, flags, rcode name and section counts (RFC 1035 §4.1.1). */
export function readHeader(buf) {
  if (buf.length < 12) return undefined;
  const flags = buf.readUInt16BE(2);
  return {
    id: buf.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rcode: RCODES[flags & 0xf] ?? String(flags & 0xf),
    qdcount: buf.readUInt16BE(4),
    ancount: buf.readUInt16BE(6),
    nscount: buf.readUInt16BE(8),
    arcount: buf.readUInt16BE(10),
  };
}

/** The first question's name (lower-cased, no trailing dot) and type code, or undefined. */
export function questionOf(buf) {
  if (buf.length < 12 || buf.readUInt16BE(4) < 1) return undefined;
  const labels = [];
  let i = 12;
  while (i < buf.length && buf[i] !== 0) {
    const len = buf[i];
    if (len > 63 || i + 1 + len > buf.length) return undefined;
    labels.push(buf.toString('latin1', i + 1, i + 1 + len).toLowerCase());
    i += 1 + len;
  }
  if (i + 5 > buf.length) return undefined;
  return { name: labels.join('.'), type: buf.readUInt16BE(i + 1) };
}

/** Octets of the (possibly compressed) name starting at `i` (RFC 1035 §4.1.4), or -1 when it runs past the end. */
function nameLength(buf, i) {
  const start = i;
  while (i < buf.length) {
    const len = buf[i];
    if (len === 0) return i + 1 - start;
    if ((len & 0xc0) === 0xc0) return i + 2 - start;
    i += 1 + len;
  }
  return -1;
}

/** The serial of the first answer record when it is a SOA (RFC 1035 §3.3.13), else undefined. */
export function soaSerialOf(buf) {
  const h = readHeader(buf);
  if (!h || h.qdcount !== 1 || h.ancount < 1) return undefined;
  const q = nameLength(buf, 12);
  if (q < 0) return undefined;
  const rr = 12 + q + 4;
  const n = nameLength(buf, rr);
  if (n < 0 || rr + n + 10 > buf.length) return undefined;
  const type = buf.readUInt16BE(rr + n);
  const rdlength = buf.readUInt16BE(rr + n + 8);
  const end = rr + n + 10 + rdlength;
  if (type !== TYPES.SOA || rdlength < 22 || end > buf.length) return undefined;
  return buf.readUInt32BE(end - 20);
}
