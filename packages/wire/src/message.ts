/**
 * DNS messages to and from wire format (RFC 1035 §4.1).
 *
 * dns-packet 5.6.1, the nominal base, is not on this path: it never compresses names (a one-A
 * answer is 70 octets, not 52), decodes labels as UTF-8, accepts 64-octet labels and 256-octet TXT
 * strings and writes corrupt packets, ignores opcode/rcode on encode, drops the OPT extended
 * RCODE, names unknown types UNKNOWN_n and throws plain errors. So header, names (compression and
 * decompression with strict backward pointers), rdata, EDNS and truncation are written here;
 * dns-packet serves the tests as an independent decoder and encoder to check ours against.
 */
import { WireReader, WireWriter, readName, skipName } from './compress.js';
import { classFromString, classToString, RRClass, RRType, typeFromString, typeToString } from './constants.js';
import { rrsigTypeCovered } from './dnssec.js';
import { checkEdns, decodeOpt, OPT_TYPE, optLength, writeOpt } from './edns.js';
import { WireError } from './errors.js';
import { decodeHeader, flagOctets, HEADER_LENGTH, TC_BIT } from './header.js';
import { checkU32 } from './rdata/domain.js';
import { typedCodecs } from './rdata/index.js';
import { typeDescriptor } from './rdata/descriptors.js';
import { readRdataOctets, writeRdataOctets } from './rdata/octets.js';
import type { ClassName, Message, MessageInit, Question, ResourceRecord, TypeName } from './types.js';

/** The largest DNS message (the TCP length prefix is 16 bits, RFC 1035 §4.2.2). */
export const MAX_MESSAGE_SIZE = 0xffff;

/**
 * Decodes a message. Throws only WireError, with the offset of the first octet that is wrong: a
 * field, label or record that does not fit (TRUNCATED), a section count with no data left for it
 * (BAD_COUNT), rdata that does not match its type (BAD_RDATA), a misplaced or second OPT (BAD_OPT).
 * Octets after the last section are ignored.
 *
 * `answersOnly` (a stub resolver's node:dns-shaped methods): header, question, answer section and
 * the OPT record (its extended RCODE, RFC 6891 §6.1.3) are decoded; authority and additional
 * records are stepped over, never decoded, and come back empty. Names only point backwards
 * (RFC 1035 §4.1.4), so what is decoded is exactly what the whole decode gives. When the skipped
 * sections' layout is off (a record runs past the end, OPT in the authority section, a second
 * OPT), the whole message is decoded instead and its error says what is wrong.
 */
export function decode(bytes: Uint8Array, options?: DecodeOptions): Message {
  try {
    if (options?.query === true) return decodeQueryUnguarded(bytes);
    return decodeUnguarded(bytes, options?.answersOnly === true);
  } catch (e) {
    if (e instanceof WireError) throw e;
    // A bug, not bad input; the property tests call decodeUnguarded to catch these.
    throw new WireError('INTERNAL', 0, `internal decoder error: ${String(e)}`);
  }
}

export interface DecodeOptions {
  /** Skip the authority and additional records (OPT is still decoded). */
  answersOnly?: boolean;
  /**
   * A server's view of a query: header, question and OPT decoded; every record of the answer,
   * authority and additional sections stepped over by its length, its names never followed, and
   * none returned. A record running past the end is TRUNCATED; an OPT outside the additional
   * section, a second OPT or an OPT not owned by the root is BAD_OPT (RFC 6891 §6.1.1), as in
   * the whole decode. So a query padded with thousands of records on pointer chains costs a
   * pass over its octets, not a decompression of every name.
   */
  query?: boolean;
}

/** The question section (RFC 1035 §4.1.2), read from just after the header; r.pos ends after it. */
function readQuestions(r: WireReader, count: number): Question[] {
  const bytes = r.bytes;
  const total = bytes.length;
  r.pos = HEADER_LENGTH;
  const questions: Question[] = [];
  for (let i = 0; i < count; i++) {
    if (r.pos >= total) throw missing(r.pos, 'question', i, count);
    const name = readName(r, total, false);
    if (r.pos + 4 > total) throw new WireError('TRUNCATED', r.pos, 'question type and class run past the end');
    const type = typeToString((bytes[r.pos] << 8) | bytes[r.pos + 1]) as TypeName | 'OPT';
    const cls = classToString((bytes[r.pos + 2] << 8) | bytes[r.pos + 3]) as ClassName;
    r.pos += 4;
    questions.push({ name, type, class: cls });
  }
  return questions;
}

/** decode(bytes, { query: true }) without the safety net. */
export function decodeQueryUnguarded(bytes: Uint8Array): Message {
  const header = decodeHeader(bytes);
  const r = new WireReader(bytes);
  const total = bytes.length;
  const questions = readQuestions(r, header.qdcount);
  const message: Message = { id: header.id, opcode: header.opcode, flags: header.flags, rcode: header.rcode, questions, answers: [], authorities: [], additionals: [] };
  const records = header.ancount + header.nscount + header.arcount;
  let pos = r.pos;
  for (let i = 0; i < records; i++) {
    const start = pos;
    if (pos >= total) throw missing(pos, 'record', i, records);
    pos = skipName(bytes, pos);
    if (pos < 0) throw new WireError('TRUNCATED', start, 'a record owner runs past the end');
    if (pos + 10 > total) throw new WireError('TRUNCATED', pos, 'record type, class, TTL and length run past the end');
    const end = pos + 10 + ((bytes[pos + 8] << 8) | bytes[pos + 9]);
    if (end > total) throw new WireError('TRUNCATED', pos + 10, 'rdata runs past the end');
    if (((bytes[pos] << 8) | bytes[pos + 1]) === OPT_TYPE) {
      const section = i < header.ancount ? 'answer' : i < header.ancount + header.nscount ? 'authority' : 'additional';
      r.pos = start;
      // Checks the section, a second OPT and the root owner, and decodes it: nothing is pushed.
      readSection(r, message, header.rcode, message.additionals, 1, section);
    }
    pos = end;
  }
  return message;
}

/** decode() without the safety net, for the property tests. */
export function decodeUnguarded(bytes: Uint8Array, answersOnly = false): Message {
  const header = decodeHeader(bytes);
  const r = new WireReader(bytes);
  const questions = readQuestions(r, header.qdcount);

  const message: Message = {
    id: header.id,
    opcode: header.opcode,
    flags: header.flags,
    rcode: header.rcode,
    questions,
    answers: [],
    authorities: [],
    additionals: [],
  };
  readSection(r, message, header.rcode, message.answers, header.ancount, 'answer');
  if (answersOnly) return skipToOpt(r, message, header.rcode, header.nscount, header.arcount) ? message : decodeUnguarded(bytes);
  readSection(r, message, header.rcode, message.authorities, header.nscount, 'authority');
  readSection(r, message, header.rcode, message.additionals, header.arcount, 'additional');
  return message;
}

/** The records of one section (a function per section, not a loop over tuples: no arrays per message). */
function readSection(
  r: WireReader,
  message: Message,
  headerRcode: number,
  records: ResourceRecord[],
  count: number,
  section: 'answer' | 'authority' | 'additional',
): void {
  const total = r.bytes.length;
  for (let i = 0; i < count; i++) {
    if (r.pos >= total) throw missing(r.pos, `${section} record`, i, count);
    const start = r.pos;
    const name = readName(r, total, false);
    if (r.pos + 10 > total) throw new WireError('TRUNCATED', r.pos, 'record type, class, TTL and length run past the end');
    const b = r.bytes;
    const p = r.pos;
    const type = (b[p] << 8) | b[p + 1];
    const cls = (b[p + 2] << 8) | b[p + 3];
    const ttl = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
    const rdlength = (b[p + 8] << 8) | b[p + 9];
    const rdStart = p + 10;
    const rdEnd = rdStart + rdlength;
    if (rdEnd > total) throw new WireError('TRUNCATED', rdStart, `rdata of ${rdlength} octets runs past the end`);

    if (type === OPT_TYPE) {
      // RFC 6891 §6.1.1: at most one OPT, in the additional section, owned by the root.
      if (section !== 'additional') throw new WireError('BAD_OPT', start, `OPT record in the ${section} section`);
      if (message.edns) throw new WireError('BAD_OPT', start, 'more than one OPT record');
      if (name !== '.') throw new WireError('BAD_OPT', start, `OPT owner "${name}" is not the root`);
      const { edns, extendedRcode } = decodeOpt(r.bytes, rdStart, rdEnd, cls, ttl);
      message.edns = edns;
      message.rcode = (extendedRcode << 4) | headerRcode;
      r.pos = rdEnd;
      continue;
    }

    const typed = typedCodecs.get(type);
    let record: ResourceRecord;
    if (typed) {
      r.pos = rdStart;
      const data = typed.codec.decode(r, rdEnd);
      record = { name, type: typed.name, class: classToString(cls), ttl, data } as ResourceRecord;
    } else {
      const d = typeDescriptor(type);
      // Known layouts are checked and their names decompressed; unknown types are octets as they came (RFC 3597 §4).
      const data = d ? readRdataOctets(d, r, rdStart, rdEnd) : new Uint8Array(r.bytes.subarray(rdStart, rdEnd));
      record = { name, type: typeToString(type), class: classToString(cls), ttl, data } as ResourceRecord;
    }
    r.pos = rdEnd;
    records.push(record);
  }
}

/**
 * Steps over the authority and additional records, decoding only the OPT record in place;
 * false when their layout is off (the caller then decodes the whole message).
 */
function skipToOpt(r: WireReader, message: Message, headerRcode: number, nscount: number, arcount: number): boolean {
  const b = r.bytes;
  let pos = r.pos;
  for (let i = 0; i < nscount + arcount; i++) {
    const start = pos;
    pos = skipName(b, pos);
    if (pos < 0 || pos + 10 > b.length) return false;
    const end = pos + 10 + ((b[pos + 8] << 8) | b[pos + 9]);
    if (end > b.length) return false;
    if (((b[pos] << 8) | b[pos + 1]) === OPT_TYPE) {
      if (i < nscount || message.edns) return false; // misplaced or second OPT: the whole decode's error
      r.pos = start;
      readSection(r, message, headerRcode, message.additionals, 1, 'additional'); // only an OPT: nothing is pushed
    }
    pos = end;
  }
  return true;
}

function missing(at: number, what: string, index: number, count: number): WireError {
  return new WireError('BAD_COUNT', at, `header counts ${count} but the data ends before ${what} ${index + 1}`);
}

export interface EncodeOptions {
  /** Drop whole RRsets from the end to fit (the client's UDP payload size); default and cap 65535. */
  maxSize?: number;
  /**
   * Compress names that differ only in ASCII case (RFC 4343 §3), as NSD and Knot do in replies:
   * smaller, but a later name may then come back in the case of an earlier one. Default false.
   */
  foldCase?: boolean;
}

export interface Encoded {
  bytes: Buffer;
  /** TC was set because answer or authority RRsets were dropped (or even the minimum did not fit). */
  truncated: boolean;
  /** How many records were left out, from any section. */
  dropped: number;
}

/** Encodes a message; see encodeMessage. */
export function encode(message: MessageInit, options?: EncodeOptions): Buffer {
  return encodeMessage(message, options).bytes;
}

/** A place the message may be cut: everything before `end` stays, with these counts. */
interface Cut {
  end: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

/**
 * Encodes a message with RFC 1035 §4.1.4 compression. Throws WireError (offset in the output)
 * for values that would make a corrupt packet. Over maxSize, whole RRsets are dropped from the
 * end (additional, then authority, then answer); the question and OPT always stay.
 */
export function encodeMessage(message: MessageInit, options?: EncodeOptions): Encoded {
  const maxSize = Math.min(options?.maxSize ?? MAX_MESSAGE_SIZE, MAX_MESSAGE_SIZE);
  const id = message.id ?? 0;
  const opcode = message.opcode ?? 0;
  const rcode = message.rcode ?? 0;
  const flags = message.flags ?? {};
  const questions = message.questions ?? [];
  const sections: ResourceRecord[][] = [message.answers ?? [], message.authorities ?? [], message.additionals ?? []];
  const edns = message.edns;
  const w = new WireWriter(true, options?.foldCase === true);

  if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new WireError('BAD_FIELD', 0, `id ${id} is not 0..65535`);
  if (!Number.isInteger(opcode) || opcode < 0 || opcode > 15) throw new WireError('BAD_FIELD', 2, `opcode ${opcode} is not 0..15`);
  if (!Number.isInteger(rcode) || rcode < 0 || rcode > 0xfff) throw new WireError('BAD_FIELD', 3, `rcode ${rcode} is not 0..4095`);
  // RCODEs above 15 need OPT's 8 extra bits (RFC 6891 §6.1.3).
  if (rcode > 15 && !edns) throw new WireError('BAD_OPT', 3, `rcode ${rcode} needs an OPT record (edns)`);
  if (edns) checkEdns(edns, rcode >> 4, 0);

  w.pos = HEADER_LENGTH;
  for (const q of questions) {
    w.name(q.name, true);
    w.u16(typeNumber(q.type, w.pos, true));
    w.u16(classNumber(q.class, w.pos));
    if (w.pos > MAX_MESSAGE_SIZE) throw new WireError('TOO_LARGE', w.pos, 'the question section alone is over 65535 octets');
  }

  const questionEnd = w.pos;
  const ends: number[][] = [[], [], []]; // where each written record ends, per section
  let overflow = false;
  for (let s = 0; s < 3 && !overflow; s++) {
    for (const rr of sections[s]) {
      if (w.pos > MAX_MESSAGE_SIZE) {
        overflow = true;
        break;
      }
      writeRecord(w, rr);
      ends[s].push(w.pos);
    }
  }

  const optSize = edns ? optLength(edns) : 0;
  if (questionEnd + optSize > MAX_MESSAGE_SIZE) throw new WireError('TOO_LARGE', questionEnd, 'question and OPT alone are over 65535 octets');
  const cut =
    !overflow && w.pos + optSize <= maxSize
      ? { end: w.pos, ancount: ends[0].length, nscount: ends[1].length, arcount: ends[2].length }
      : lastCutThatFits(sections, ends, questionEnd, maxSize - optSize);
  const all = sections[0].length + sections[1].length + sections[2].length;
  const kept = cut.ancount + cut.nscount + cut.arcount;
  // RFC 2181 §9: TC only when answer or authority data is missing; dropping additional data is not truncation (as NSD, Knot).
  const truncated =
    cut.ancount < sections[0].length || cut.nscount < sections[1].length || cut.end + optSize > maxSize;

  w.pos = cut.end;
  if (edns) writeOpt(w, edns, rcode >> 4);
  const [b2, b3] = flagOctets(flags, opcode, rcode);
  const buf = w.buf;
  buf[0] = id >> 8;
  buf[1] = id & 0xff;
  buf[2] = truncated ? b2 | TC_BIT : b2;
  buf[3] = b3;
  buf.writeUInt16BE(questions.length, 4);
  buf.writeUInt16BE(cut.ancount, 6);
  buf.writeUInt16BE(cut.nscount, 8);
  buf.writeUInt16BE(cut.arcount + (edns ? 1 : 0), 10);
  return { bytes: w.take(), truncated, dropped: all - kept };
}

/**
 * The longest prefix ending at an RRset boundary that fits `room`. Pointers only point backwards,
 * so any prefix of the written message is valid on its own.
 */
function lastCutThatFits(sections: ResourceRecord[][], ends: number[][], questionEnd: number, room: number): Cut {
  let best: Cut = { end: questionEnd, ancount: 0, nscount: 0, arcount: 0 };
  const counts = [0, 0, 0];
  for (let s = 0; s < 3; s++) {
    const lastIndex = lastIndexByRRset(sections[s]);
    let reach = -1; // the furthest record that an RRset begun so far extends to
    for (let i = 0; i < ends[s].length; i++) {
      if (ends[s][i] > room) return best;
      counts[s] = i + 1;
      reach = Math.max(reach, lastIndex[i]);
      if (reach === i) best = { end: ends[s][i], ancount: counts[0], nscount: counts[1], arcount: counts[2] };
    }
  }
  return best;
}

/**
 * For each record, the index of the last record of its RRset (same name, type, class) in the
 * section. RRSIGs count with the RRset they cover, so a cut never parts them (RFC 4035 §3.1.1).
 */
function lastIndexByRRset(records: readonly ResourceRecord[]): number[] {
  const last = new Map<string, number>();
  const keys = records.map((rr, i) => {
    const type = rr.type === 'RRSIG' && rr.data instanceof Uint8Array ? typeToString(rrsigTypeCovered(rr.data)) : rr.type;
    const key = `${rr.name.toLowerCase()}\u0000${type}\u0000${rr.class}`;
    last.set(key, i);
    return key;
  });
  return keys.map((k) => last.get(k) as number);
}

function writeRecord(w: WireWriter, rr: ResourceRecord): void {
  const start = w.pos;
  const type = typeNumber(rr.type, start, false);
  const cls = classNumber(rr.class, start);
  w.name(rr.name, true);
  w.u16(type);
  w.u16(cls);
  w.u32(checkU32(w.pos, rr.ttl, 'TTL'));
  const lengthAt = w.pos;
  w.pos += 2;
  const rdStart = w.pos;
  const data: unknown = rr.data;
  if (data instanceof Uint8Array) {
    // RFC 3597 §4: octets are copied as they are; only RFC 1035's types (MB, MINFO, ...) compress their names.
    if (data.length > 0xffff) throw new WireError('BAD_RDATA', rdStart, `rdata of ${data.length} octets (max 65535)`);
    const d = typeDescriptor(type);
    if (d?.compressesNames) writeRdataOctets(w, d, data);
    else w.bytes(data);
  } else {
    const typed = typedCodecs.get(type);
    if (!typed) {
      throw new WireError('BAD_RDATA', rdStart, `${rr.type} record needs its data as a Uint8Array`);
    }
    typed.codec.encode(w, data);
  }
  const rdlength = w.pos - rdStart;
  if (rdlength > 0xffff) throw new WireError('BAD_RDATA', rdStart, `rdata of ${rdlength} octets (max 65535)`);
  w.buf.writeUInt16BE(rdlength, lengthAt);
}

/** Exact mnemonics first: typeFromString's upper-casing was a visible share of encode time. */
const typeNumbers = new Map<string, number>(Object.entries(RRType));
const classNumbers = new Map<string, number>(Object.entries(RRClass));

function typeNumber(type: string, at: number, question: boolean): number {
  const n = typeNumbers.get(type) ?? typeFromString(type);
  if (n === undefined) throw new WireError('BAD_FIELD', at, `unknown type "${type}"`);
  if (n === OPT_TYPE && !question) throw new WireError('BAD_OPT', at, 'OPT goes in message.edns, not in a section');
  return n;
}

function classNumber(cls: string, at: number): number {
  const n = classNumbers.get(cls) ?? classFromString(cls);
  if (n === undefined) throw new WireError('BAD_FIELD', at, `unknown class "${cls}"`);
  return n;
}
