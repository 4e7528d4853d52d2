/**
 * Pre-encoded replies: a query of the plain shape whose answer was encoded before is answered by
 * copying those octets and patching in its ID, its RD and CD bits and its question's case. A
 * cache belongs to one catalog: a reload makes a new catalog and with it an empty cache.
 *
 * Everything lives in typed arrays allocated once: an open-addressed hash table (linear probing)
 * keyed by a hash of the query's octets, per-entry metadata, and an arena holding each entry's key
 * (the question's name lower-cased) and reply. No string is built and nothing is allocated to
 * answer a hit, so the collector has nothing to do and the byte limit is what the cache takes.
 *
 * API for answering threads that hold only a cache (port53d --workers):
 *   const n = cache.answerInto(query, length, 'udp', out); // reply length, or MISS (-1)
 *   if (n === MISS) { reply = ...answered elsewhere...; cache.insert(query, length, 'udp', reply, rcode); }
 * answerInto() writes the reply into `out` from octet 0 and counts a hit; insert() keeps a reply
 * made by respond() for this cache's catalog (elsewhere: in another thread) and counts the miss.
 */
import { randomInt } from 'node:crypto';
import { foldQuestionName, isCaseNeutralReply, isFoldedQuestionName, isStandardQuery, questionHash, questionName, questionScan, RRType, sameQuestionName, scanQuestion, typeToString, writeReplyFromTemplate } from '@port53/wire';
import type { QuestionScan } from '@port53/wire';
import type { Catalog } from '../store/catalog.js';
import { ANSWER_CACHE_BYTES, ANSWER_CACHE_ENTRIES, OUR_UDP_PAYLOAD, TCP_MAX_SIZE, UDP_SIZE_WITHOUT_EDNS } from './defaults.js';
import { respond } from './respond.js';
import type { Outcome, RespondExtras, Transport } from './respond.js';
import type { AnswerSource } from './lookup.js';

export interface AnswerCacheLimits {
  /** Replies kept at most (default ANSWER_CACHE_ENTRIES). */
  entries: number;
  /** Octets the entries take at most, all counted: key, reply and per-entry tables (default ANSWER_CACHE_BYTES). */
  bytes: number;
  /**
   * Keep each answer's source (kind and name) for respond()'s outcomes: response rate limiting
   * counts by it. Off by default: the sources are JS objects the byte limit can only estimate.
   */
  sources: boolean;
}

/** answerInto()'s result when the cache has no reply for the query. */
export const MISS = -1;

// Per-entry metadata: STRIDE int32 words.
const STRIDE = 8;
const HASH = 0;
/** QTYPE << 16 | QCLASS */
const TYPE_CLASS = 1;
/** Transport, EDNS presence and DO, reply size limit: see shapeOf(). */
const SHAPE = 2;
/** Where the key (then the reply) starts in the arena. */
const OFFSET = 3;
const NAME_LENGTH = 4;
const REPLY_LENGTH = 5;
/** RCODE (12 bits, RFC 6891 §6.1.3) | CASE_NEUTRAL */
const INFO = 6;
const CASE_NEUTRAL = 1 << 12;
const RCODE_MASK = 0xfff;

/**
 * Octets an entry takes beyond its key and reply: its metadata (32), two hash-table slots of 8
 * (the table is kept at most half full) and a slot of the sources array.
 */
const ENTRY_OVERHEAD = STRIDE * 4 + 2 * 8 + 8;
/** A rough size of a kept AnswerSource: the object, and its name when not shared with the zone. */
const SOURCE_OVERHEAD = 64;
/** The smallest entry: a root name (1 octet) and a reply of header and question (17). */
const SMALLEST_ENTRY = ENTRY_OVERHEAD + 1 + 17;

/**
 * Two generations, each with its half of the entry slots and of the arena: new entries are
 * appended to the young one; when it is full it becomes the old one and the previous old one is
 * dropped whole (its arena half is reused from the start); a hit in the old one copies the entry
 * back into the young. So what is asked for often stays, and no entry is ever freed one by one.
 */
export class AnswerCache {
  /** Replies answered from the cache, and queries of the plain shape that had to be answered afresh. */
  readonly counters = { hits: 0, misses: 0 };
  /** After a hit of answerInto(): the reply's RCODE and the question's QTYPE. */
  lastRcode = 0;
  lastQtype = 0;

  private readonly perGenerationEntries: number;
  private readonly perGenerationBytes: number;
  private readonly arena: Uint8Array;
  private readonly meta: Int32Array;
  /** Entry index + 1 per hash-table slot, 0 when empty; and the entry's hash beside it. */
  private readonly slots: Int32Array;
  private readonly slotHashes: Int32Array;
  private readonly mask: number;
  private readonly seed = randomInt(0x7fffffff); // names an attacker picks cannot be made to collide at will
  private readonly sources: (AnswerSource | undefined)[] | undefined;
  private young = 0;
  private readonly count = [0, 0];
  /** Arena octets used and octets counted (arena plus overhead), per generation. */
  private readonly used = [0, 0];
  private readonly cost = [0, 0];
  private readonly scan: QuestionScan = questionScan();
  /** Set by find(): the table slot of the entry found, or the empty slot where it would go; and the query's hash. */
  private slot = 0;
  private hash = 0;

  constructor(
    readonly catalog: Catalog,
    limits: Partial<AnswerCacheLimits> = {},
  ) {
    const bytes = Math.max(2, Math.floor(limits.bytes ?? ANSWER_CACHE_BYTES));
    const entries = Math.max(2, Math.min(Math.floor(limits.entries ?? ANSWER_CACHE_ENTRIES), Math.ceil(bytes / SMALLEST_ENTRY)));
    this.perGenerationEntries = Math.max(1, Math.floor(entries / 2));
    this.perGenerationBytes = Math.max(1, Math.floor(bytes / 2));
    // Typed arrays are zero-filled lazily by the kernel: untouched pages cost no memory.
    this.arena = new Uint8Array(2 * this.perGenerationBytes);
    this.meta = new Int32Array(2 * this.perGenerationEntries * STRIDE);
    let size = 16;
    while (size < 4 * this.perGenerationEntries) size *= 2;
    this.slots = new Int32Array(size);
    this.slotHashes = new Int32Array(size);
    this.mask = size - 1;
    this.sources = limits.sources ? new Array<AnswerSource | undefined>(2 * this.perGenerationEntries) : undefined;
  }

  /** Replies held now. */
  get size(): number {
    return this.count[0] + this.count[1];
  }

  /** Octets the entries held now are counted for (at most the `bytes` limit). */
  get bytes(): number {
    return this.cost[0] + this.cost[1];
  }

  /**
   * The cached reply for the first `length` octets of `query`, written into `out` from octet 0
   * with the query's ID, RD, CD and case of the question patched in: returns its length, and
   * sets lastRcode and lastQtype. MISS when the query is not of the plain shape (QUERY, one
   * question, no options, EDNS version 0), no reply is kept for it, its case cannot reuse the
   * one kept, or `out` is too small. Counts a hit; nothing is allocated.
   */
  answerInto(query: Uint8Array, length: number, transport: Transport, out: Uint8Array): number {
    const scan = this.scan;
    if (!plainQuery(query, length, scan)) return MISS;
    const found = this.find(query, scan, transport);
    if (found < 0) return MISS;
    const rcode = this.meta[found * STRIDE + INFO] & RCODE_MASK; // read first: write() may move the entry
    const written = this.write(found, query, scan.nameEnd, out);
    if (written === MISS) return MISS;
    this.counters.hits++;
    this.lastRcode = rcode;
    this.lastQtype = scan.qtype;
    return written;
  }

  /**
   * Keeps `reply`, the answer respond() made for `query` over this cache's catalog (in this
   * thread or another), so that the next query for it is a hit; `rcode` is the reply's full
   * RCODE. Counts a miss. False when the query is not of the plain shape or the reply too large
   * to keep; a reply already kept for the query stays.
   */
  insert(query: Uint8Array, length: number, transport: Transport, reply: Uint8Array, rcode: number, source?: AnswerSource): boolean {
    const scan = this.scan;
    if (!plainQuery(query, length, scan)) return false;
    this.counters.misses++;
    // Transfers are answered by transfer/requests.ts, per client: never from the cache.
    if (scan.qtype === RRType.AXFR || scan.qtype === RRType.IXFR) return false;
    if (this.find(query, scan, transport) >= 0) return false;
    return this.add(query, scan, transport, reply, rcode, source);
  }

  /** respond() over this cache's catalog, from a pre-encoded reply when there is one. */
  respond(query: Uint8Array, transport: Transport, extras?: RespondExtras): Outcome {
    const scan = this.scan;
    // RFC 1035 §4.1.1: only a QUERY (opcode 0, QR clear) is answered from the cache; and only
    // without EDNS options, since a reply carries NSID, a cookie made for the client, or EDE.
    if (!plainQuery(query, query.length, scan)) return respond(query, this.catalog, transport, extras);
    const found = this.find(query, scan, transport);
    if (found >= 0) {
      const e = found * STRIDE;
      const rcode = this.meta[e + INFO] & RCODE_MASK;
      const source = this.sources?.[found];
      const reply = Buffer.allocUnsafe(this.meta[e + REPLY_LENGTH]);
      if (this.write(found, query, scan.nameEnd, reply) !== MISS) {
        this.counters.hits++;
        return { kind: 'answered', rcode, reply, qname: questionName(query), qtype: typeToString(scan.qtype), source };
      }
    }
    this.counters.misses++;
    const outcome = respond(query, this.catalog, transport, extras);
    // An entry the question's case could not reuse stays: its case is as likely as this one.
    if (found < 0 && outcome.kind === 'answered' && outcome.reply) this.add(query, scan, transport, outcome.reply, outcome.rcode!, outcome.source);
    return outcome;
  }

  /** The entry for the scanned query, or -1 with this.slot the empty table slot where it would go. */
  private find(query: Uint8Array, scan: QuestionScan, transport: Transport): number {
    const typeClass = (scan.qtype << 16) | scan.qclass;
    const shape = shapeOf(scan, transport);
    const hash = questionHash(query, scan.nameEnd, this.seed, typeClass, shape);
    this.hash = hash;
    const nameLength = scan.nameEnd - 12;
    const { slots, slotHashes, meta, arena, mask } = this;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = slots[i];
      if (s === 0) {
        this.slot = i;
        return -1;
      }
      if (slotHashes[i] !== hash) continue;
      const e = (s - 1) * STRIDE;
      if (meta[e + TYPE_CLASS] === typeClass && meta[e + SHAPE] === shape && meta[e + NAME_LENGTH] === nameLength && isFoldedQuestionName(query, scan.nameEnd, arena, meta[e + OFFSET])) {
        this.slot = i;
        return s - 1;
      }
    }
  }

  /** Writes entry `id`'s reply for `query` into `out`; MISS when the case differs and matters. Moves an old entry to the young generation. */
  private write(id: number, query: Uint8Array, nameEnd: number, out: Uint8Array): number {
    const meta = this.meta;
    let e = id * STRIDE;
    const replyLength = meta[e + REPLY_LENGTH];
    if (replyLength > out.length) return MISS;
    const nameLength = meta[e + NAME_LENGTH];
    const sameCase = sameQuestionName(query, this.arena, nameEnd, meta[e + OFFSET] + nameLength);
    if (!sameCase && (meta[e + INFO] & CASE_NEUTRAL) === 0) return MISS;
    if (Math.floor(id / this.perGenerationEntries) !== this.young) e = this.promote(id) * STRIDE;
    // The 0x20 case of the question is echoed (RFC 4343 §4.1).
    return writeReplyFromTemplate(out, this.arena, meta[e + OFFSET] + nameLength, replyLength, query, nameEnd, !sameCase);
  }

  /** A new entry for the scanned query, in the table slot find() left in this.slot (find() must have been the last call). */
  private add(query: Uint8Array, scan: QuestionScan, transport: Transport, reply: Uint8Array, rcode: number, source: AnswerSource | undefined): boolean {
    const nameLength = scan.nameEnd - 12;
    const data = nameLength + reply.length;
    const cost = data + ENTRY_OVERHEAD + (source && this.sources ? SOURCE_OVERHEAD : 0);
    if (cost > this.perGenerationBytes) return false;
    const hash = this.hash;
    const flipped = this.reserve(cost);
    const id = this.young * this.perGenerationEntries + this.count[this.young]++;
    const at = this.young * this.perGenerationBytes + this.used[this.young];
    this.used[this.young] += data;
    foldQuestionName(query, scan.nameEnd, this.arena, at);
    this.arena.set(reply, at + nameLength);
    const e = id * STRIDE;
    const meta = this.meta;
    meta[e + HASH] = hash;
    meta[e + TYPE_CLASS] = (scan.qtype << 16) | scan.qclass;
    meta[e + SHAPE] = shapeOf(scan, transport);
    meta[e + OFFSET] = at;
    meta[e + NAME_LENGTH] = nameLength;
    meta[e + REPLY_LENGTH] = reply.length;
    meta[e + INFO] = (rcode & RCODE_MASK) | (isCaseNeutralReply(reply, scan.nameEnd) ? CASE_NEUTRAL : 0);
    if (this.sources) this.sources[id] = source;
    if (flipped) this.place(id, hash);
    else {
      this.slots[this.slot] = id + 1;
      this.slotHashes[this.slot] = hash;
    }
    return true;
  }

  /** Copies old entry `id` into the young generation and points its table slot (this.slot) there; returns the new index. */
  private promote(id: number): number {
    const meta = this.meta;
    const e = id * STRIDE;
    const hash = meta[e + HASH];
    const from = meta[e + OFFSET];
    const data = meta[e + NAME_LENGTH] + meta[e + REPLY_LENGTH];
    const source = this.sources?.[id];
    const cost = data + ENTRY_OVERHEAD + (source ? SOURCE_OVERHEAD : 0);
    const words = meta.slice(e, e + STRIDE); // read before a flip may reuse the slot
    // A flip drops the generation this entry is in and makes its arena half the young one; the
    // entry moves to the start of that half, never past where it was, so copyWithin is safe.
    const flipped = this.reserve(cost);
    const moved = this.young * this.perGenerationEntries + this.count[this.young]++;
    const at = this.young * this.perGenerationBytes + this.used[this.young];
    this.used[this.young] += data;
    this.arena.copyWithin(at, from, from + data);
    meta.set(words, moved * STRIDE);
    meta[moved * STRIDE + OFFSET] = at;
    if (this.sources) this.sources[moved] = source;
    if (flipped) this.place(moved, hash);
    else this.slots[this.slot] = moved + 1;
    return moved;
  }

  /** Room for an entry of `cost` in the young generation, flipping generations when it is full; true when it flipped. */
  private reserve(cost: number): boolean {
    const y = this.young;
    if (this.count[y] < this.perGenerationEntries && this.cost[y] + cost <= this.perGenerationBytes) {
      this.cost[y] += cost;
      return false;
    }
    const next = 1 - y;
    this.young = next;
    this.count[next] = 0;
    this.used[next] = 0;
    this.cost[next] = cost;
    this.sources?.fill(undefined, next * this.perGenerationEntries, (next + 1) * this.perGenerationEntries);
    // The dropped generation leaves the table: rebuilt from the one kept (no tombstones, short probes).
    this.slots.fill(0);
    const base = y * this.perGenerationEntries;
    for (let id = base; id < base + this.count[y]; id++) this.place(id, this.meta[id * STRIDE + HASH]);
    return true;
  }

  /** Puts entry `id` into the first empty table slot for its hash. */
  private place(id: number, hash: number): void {
    let i = hash & this.mask;
    while (this.slots[i] !== 0) i = (i + 1) & this.mask;
    this.slots[i] = id + 1;
    this.slotHashes[i] = hash;
  }
}

/** A QUERY (RFC 1035 §4.1.1) of the plain shape with at most an OPT of version 0 and no options. */
function plainQuery(query: Uint8Array, length: number, scan: QuestionScan): boolean {
  return isStandardQuery(query, length) && scanQuestion(query, scan, length) && (!scan.edns || (scan.ednsVersion === 0 && scan.optionsLength === 0));
}

/**
 * Everything besides the question that the reply depends on, in one word: the transport, EDNS
 * presence and DO, and the reply size limit (replySizeLimit() of respond.ts, without an object).
 */
function shapeOf(scan: QuestionScan, transport: Transport): number {
  const tcp = transport === 'tcp';
  const limit = tcp ? TCP_MAX_SIZE : scan.edns ? Math.max(UDP_SIZE_WITHOUT_EDNS, Math.min(scan.udpPayloadSize, OUR_UDP_PAYLOAD)) : UDP_SIZE_WITHOUT_EDNS;
  return ((tcp ? 1 : 0) << 20) | ((scan.edns ? (scan.do ? 3 : 1) : 0) << 16) | limit;
}
