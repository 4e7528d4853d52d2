import { classFromString, fqdn, formatRdata, typeFromString, type Edns, type ResourceRecord } from '@port53/wire';
import type { QueryResult } from '../query/result.js';

/** One resource record as RFC 8427 §2.3 names its members. */
export interface Rfc8427Record {
  NAME: string;
  TYPE: number;
  TYPEname: string;
  CLASS: number;
  CLASSname?: string;
  TTL: number;
  [rdata: `rdata${string}`]: string;
  RDATAHEX?: string;
}

/** The response as an RFC 8427 message object (§2.1, §2.2); the OPT record is an additional RR. */
export function formatJson(result: QueryResult, now: Date = new Date()): Record<string, unknown> {
  const q = result.questions[0];
  const additionals = result.additionals.map(record);
  if (result.edns) additionals.push(optRecord(result.edns, result.rcode));
  const message: Record<string, unknown> = {
    ID: result.id,
    QR: bit(result.flags.qr),
    Opcode: result.opcode,
    AA: bit(result.flags.aa),
    TC: bit(result.flags.tc),
    RD: bit(result.flags.rd),
    RA: bit(result.flags.ra),
    AD: bit(result.flags.ad),
    CD: bit(result.flags.cd),
    RCODE: result.rcode,
    QDCOUNT: result.questions.length,
    ANCOUNT: result.answers.length,
    NSCOUNT: result.authorities.length,
    ARCOUNT: additionals.length,
  };
  if (q) {
    Object.assign(message, {
      QNAME: fqdn(q.name),
      QTYPE: typeFromString(q.type),
      QTYPEname: q.type,
      QCLASS: classFromString(q.class),
      QCLASSname: q.class,
    });
  }
  Object.assign(message, {
    questionRRs: result.questions.map((x) => ({
      NAME: fqdn(x.name),
      TYPE: typeFromString(x.type),
      TYPEname: x.type,
      CLASS: classFromString(x.class),
      CLASSname: x.class,
    })),
    answerRRs: result.answers.map(record),
    authorityRRs: result.authorities.map(record),
    additionalRRs: additionals,
    dateString: now.toISOString(),
    dateSeconds: Math.floor(now.getTime() / 1000),
  });
  return message;
}

function record(rr: ResourceRecord): Rfc8427Record {
  const out: Rfc8427Record = {
    NAME: fqdn(rr.name),
    TYPE: typeFromString(rr.type) ?? 0,
    TYPEname: rr.type,
    CLASS: classFromString(rr.class) ?? 0,
    CLASSname: rr.class,
    TTL: rr.ttl,
  };
  // RFC 8427 §2.3: rdata<TYPE> in presentation format where the type has one (DS, DNAME, ... are
  // kept as octets but still have a text form); RDATAHEX only for the RFC 3597 generic form.
  const text = formatRdata(rr);
  if (rr.data instanceof Uint8Array && text.startsWith('\\#')) out.RDATAHEX = hex(rr.data);
  else out[`rdata${rr.type}`] = text;
  return out;
}

/** OPT as it is on the wire (RFC 6891 §6.1.2): CLASS = payload size, TTL = ext. RCODE, version, DO, flags. */
function optRecord(edns: Edns, rcode: number): Rfc8427Record {
  const ttl = (((rcode >> 4) & 0xff) << 24) | ((edns.version & 0xff) << 16) | (edns.do ? 0x8000 : 0) | (edns.flags & 0x7fff);
  const rdata = edns.options.map((o) => {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(o.code, 0);
    head.writeUInt16BE(o.data.length, 2);
    return hex(head) + hex(o.data);
  });
  return { NAME: '.', TYPE: 41, TYPEname: 'OPT', CLASS: edns.udpPayloadSize, TTL: ttl >>> 0, RDATAHEX: rdata.join('') };
}

const bit = (b: boolean) => (b ? 1 : 0);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();
