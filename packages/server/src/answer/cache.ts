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
  /** Octets the cache takes at most, all counted: the arena of keys, replies and headers, and the hash table (default ANSWER_CACHE_BYTES). */
  bytes: number;
  /**
   * Keep each answer's source (kind and name) for respond()'s outcomes: response rate limiting
   * counts by it. Off by default: the sources are JS objects the byte limit can only estimate.
   */
  sources: boolean;
}

/** answerInto()'s result when the cache has no reply for the query. */
export const MISS = -1;

// An entry in the arena: a header of HEADER int32 words, then the key (the question's name
// lower-cased), then the reply, padded to 4 octets. One place for all of it: a hit reads a few
// neighbouring cache lines, not four scattered tables.
const HASH = 0;
/** QTYPE << 16 | QCLASS */
const TYPE_CLASS = 1;
/** Transport, EDNS presence and DO, reply size limit: see shapeOf(). */
const SHAPE = 2;
const NAME_LENGTH = 3;
const REPLY_LENGTH = 4;
/** RCODE (12 bits, RFC 6891 §6.1.3) | CASE_NEUTRAL */
const INFO = 5;
/** The entry's index in its generation (for the sources array). */
const INDEX = 6;
const HEADER = 7;
const CASE_NEUTRAL = 1 << 12;
const RCODE_MASK = 0xfff;

/** Octets of a hash-table slot: the entry's hash and its offset. */
const SLOT_OCTETS = 8;
/** A kept AnswerSource: its array slot, the object, and its name when not shared with the zone. */
const SOURCE_OVERHEAD = 8 + 64;
/** The smallest limit taken: a table of 16 slots and as much again for the arena. */
const SMALLEST_LIMIT = 2 * 16 * SLOT_OCTETS;

/** Arena words per generation to begin with (64 KiB); doubled as entries come (widen()). */
const INITIAL_WORDS = 16 * 1024;

/** Hash-table slots to begin with (8 KiB); doubled whenever the table would be more than half full. */
const INITIAL_SLOTS = 1024;

/** Words an entry takes in the arena: header, key and reply, rounded up to whole words. */
function entryWords(nameLength: number, replyLength: number): number {
  return HEADER + ((nameLength + replyLength + 3) >> 2);
}

/**
 * Two generations, each with half of the arena and of the entry bound: new entries are appended
 * to the young one; when it is full it becomes the old one and the previous old one is dropped
 * whole (its half is reused from the start); a hit in the old one copies the entry back into the
 * young. So what is asked for often stays, and no entry is ever freed one by one.
 */
export class AnswerCache {
  /** Replies answered from the cache, and queries of the plain shape that had to be answered afresh. */
  readonly counters = { hits: 0, misses: 0 };
  /** After a hit of answerInto(): the reply's RCODE and the question's QTYPE. */
  lastRcode = 0;
  lastQtype = 0;

  private readonly perGenerationEntries: number;
  /** Arena words per generation at most. */
  private readonly perGenerationWords: number;
  /**
   * Arena words per generation now: the arena starts small and doubles as entries come, up to
   * perGenerationWords, so that a server with a few names (a test suite's) does not allocate the
   * whole limit per catalog: 16 MiB of ArrayBuffer per reload made V8 collect for the external
   * memory (createTestServer + lookup + close: 2.3 -> 10.9 ms in the bench).
   */
  private capacity: number;
  private readonly perGenerationBytes: number;
  /** The entries, as words (headers) and as octets (keys and replies) over one buffer. */
  private words: Int32Array;
  private octets: Uint8Array;
  /** Open addressing with linear probing: per slot the entry's hash, then its word offset + 1 (0: empty). */
  private table: Int32Array;
  private mask: number;
  /** Slots the table may grow to: twice the entry bound, so that it is never more than half full. */
  private readonly maxSlots: number;
  private readonly seed = randomInt(0x7fffffff); // names an attacker picks cannot be made to collide at will
  private readonly sources: (AnswerSource | undefined)[] | undefined;
  private young = 0;
  private readonly count = [0, 0];
  /** Arena words used and octets counted (arena plus overhead), per generation. */
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
    const bytes = Math.max(SMALLEST_LIMIT, Math.floor(limits.bytes ?? ANSWER_CACHE_BYTES));
    // The table takes at most a quarter of the limit and is never more than half full: that
    // bounds the entries too. The rest of the limit is the arena, in two generations.
    let slotsCap = 16;
    while (2 * slotsCap * SLOT_OCTETS <= bytes / 4) slotsCap *= 2;
    const entries = Math.max(2, Math.min(Math.floor(limits.entries ?? ANSWER_CACHE_ENTRIES), slotsCap / 2));
    let size = 16;
    while (size < 2 * entries) size *= 2;
    this.maxSlots = size;
    this.perGenerationEntries = Math.max(1, Math.floor(entries / 2));
    this.perGenerationBytes = Math.floor((bytes - size * SLOT_OCTETS) / 2);
    this.perGenerationWords = this.perGenerationBytes >> 2;
    this.capacity = Math.min(this.perGenerationWords, INITIAL_WORDS);
    this.words = new Int32Array(2 * this.capacity);
    this.octets = new Uint8Array(this.words.buffer);
    // Grown as entries come: a table sized for the working set stays in the CPU's caches (a
    // full-size one for 100,000 entries made each hit twice as slow for the bench mix's 26,540).
    size = Math.min(size, INITIAL_SLOTS);
    this.table = new Int32Array(2 * size);
    this.mask = size - 1;
    this.sources = limits.sources ? new Array<AnswerSource | undefined>(2 * this.perGenerationEntries) : undefined;
  }

  /** Replies held now. */
  get size(): number {
    return this.count[0] + this.count[1];
  }

  /** Octets the entries held now take: arena octets, sources kept, and the table as large as it has grown (at most the `bytes` limit). */
  get bytes(): number {
    return this.cost[0] + this.cost[1] + this.table.length * 4;
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
    const rcode = this.words[found + INFO] & RCODE_MASK; // read first: write() may move the entry
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
      const rcode = this.words[found + INFO] & RCODE_MASK;
      const source = this.sourceOf(found);
      const reply = Buffer.allocUnsafe(this.words[found + REPLY_LENGTH]);
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

  /** The word offset of the scanned query's entry, or -1 with this.slot the empty table slot where it would go. */
  private find(query: Uint8Array, scan: QuestionScan, transport: Transport): number {
    const typeClass = (scan.qtype << 16) | scan.qclass;
    const shape = shapeOf(scan, transport);
    const hash = questionHash(query, scan.nameEnd, this.seed, typeClass, shape);
    this.hash = hash;
    const nameLength = scan.nameEnd - 12;
    const { table, words, mask } = this;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const at = table[2 * i + 1] - 1;
      if (at < 0) {
        this.slot = i;
        return -1;
      }
      if (table[2 * i] !== hash) continue;
      if (words[at + TYPE_CLASS] === typeClass && words[at + SHAPE] === shape && words[at + NAME_LENGTH] === nameLength && isFoldedQuestionName(query, scan.nameEnd, this.octets, (at + HEADER) << 2)) {
        this.slot = i;
        return at;
      }
    }
  }

  /** Writes the reply of the entry at `at` for `query` into `out`; MISS when the case differs and matters. Moves an old entry to the young generation. */
  private write(at: number, query: Uint8Array, nameEnd: number, out: Uint8Array): number {
    const words = this.words;
    const replyLength = words[at + REPLY_LENGTH];
    if (replyLength > out.length) return MISS;
    const nameLength = words[at + NAME_LENGTH];
    const sameCase = sameQuestionName(query, this.octets, nameEnd, ((at + HEADER) << 2) + nameLength);
    if (!sameCase && (words[at + INFO] & CASE_NEUTRAL) === 0) return MISS;
    if ((at >= this.capacity ? 1 : 0) !== this.young) at = this.promote(at);
    // The 0x20 case of the question is echoed (RFC 4343 §4.1).
    return writeReplyFromTemplate(out, this.octets, ((at + HEADER) << 2) + nameLength, replyLength, query, nameEnd, !sameCase);
  }

  private sourceOf(at: number): AnswerSource | undefined {
    return this.sources?.[(at >= this.capacity ? this.perGenerationEntries : 0) + this.words[at + INDEX]];
  }

  /** A new entry for the scanned query, in the table slot find() left in this.slot (find() must have been the last call). */
  private add(query: Uint8Array, scan: QuestionScan, transport: Transport, reply: Uint8Array, rcode: number, source: AnswerSource | undefined): boolean {
    const nameLength = scan.nameEnd - 12;
    const size = entryWords(nameLength, reply.length);
    const cost = size * 4 + (this.sources ? SOURCE_OVERHEAD : 0);
    if (cost > this.perGenerationBytes) return false;
    const hash = this.hash;
    const flipped = this.reserve(size, cost);
    const y = this.young;
    const index = this.count[y]++;
    const at = y * this.capacity + this.used[y];
    this.used[y] += size;
    const words = this.words;
    words[at + HASH] = hash;
    words[at + TYPE_CLASS] = (scan.qtype << 16) | scan.qclass;
    words[at + SHAPE] = shapeOf(scan, transport);
    words[at + NAME_LENGTH] = nameLength;
    words[at + REPLY_LENGTH] = reply.length;
    words[at + INFO] = (rcode & RCODE_MASK) | (isCaseNeutralReply(reply, scan.nameEnd) ? CASE_NEUTRAL : 0);
    words[at + INDEX] = index;
    foldQuestionName(query, scan.nameEnd, this.octets, (at + HEADER) << 2);
    this.octets.set(reply, ((at + HEADER) << 2) + nameLength);
    if (this.sources) this.sources[y * this.perGenerationEntries + index] = source;
    if (flipped) this.place(at, hash);
    else {
      this.table[2 * this.slot] = hash;
      this.table[2 * this.slot + 1] = at + 1;
    }
    if (2 * this.size > this.mask + 1 && this.mask + 1 < this.maxSlots) this.grow();
    return true;
  }

  /** Copies the old entry at `at` into the young generation and points its table slot (this.slot) there; returns its new offset. */
  private promote(at: number): number {
    const size = entryWords(this.words[at + NAME_LENGTH], this.words[at + REPLY_LENGTH]);
    const source = this.sourceOf(at);
    const cost = size * 4 + (this.sources ? SOURCE_OVERHEAD : 0);
    // A flip drops the generation this entry is in and makes its half the young one; the entry
    // moves to the start of that half, never past where it was, so copyWithin is safe.
    const capacity = this.capacity;
    const flipped = this.reserve(size, cost);
    if (this.capacity !== capacity && at >= capacity) at += this.capacity - capacity; // widened: the second generation moved
    const words = this.words;
    const y = this.young;
    const index = this.count[y]++;
    const to = y * this.capacity + this.used[y];
    this.used[y] += size;
    words.copyWithin(to, at, at + size);
    words[to + INDEX] = index;
    if (this.sources) this.sources[y * this.perGenerationEntries + index] = source;
    if (flipped) this.place(to, words[to + HASH]);
    else this.table[2 * this.slot + 1] = to + 1;
    return to;
  }

  /** Room for an entry of `size` words and `cost` octets in the young generation, flipping generations when it is full; true when it flipped. */
  private reserve(size: number, cost: number): boolean {
    const y = this.young;
    if (this.count[y] < this.perGenerationEntries && this.cost[y] + cost <= this.perGenerationBytes && this.used[y] + size <= this.perGenerationWords) {
      if (this.used[y] + size > this.capacity) this.widen(this.used[y] + size);
      this.cost[y] += cost;
      return false;
    }
    if (size > this.capacity) this.widen(size); // before the flip: both generations are still whole
    const next = 1 - y;
    this.young = next;
    this.count[next] = 0;
    this.used[next] = 0;
    this.cost[next] = cost;
    this.sources?.fill(undefined, next * this.perGenerationEntries, (next + 1) * this.perGenerationEntries);
    // The dropped generation leaves the table: rebuilt from the one kept (no tombstones, short probes).
    this.table.fill(0);
    const words = this.words;
    for (let at = y * this.capacity, end = at + this.used[y]; at < end; at += entryWords(words[at + NAME_LENGTH], words[at + REPLY_LENGTH])) this.place(at, words[at + HASH]);
    return true;
  }

  /** Doubles the arena until a generation holds `words` words (at most perGenerationWords), moving both generations and the table's offsets into the second. */
  private widen(words: number): void {
    const from = this.capacity;
    let capacity = from;
    while (capacity < words) capacity *= 2;
    capacity = Math.min(capacity, this.perGenerationWords);
    const next = new Int32Array(2 * capacity);
    next.set(this.words.subarray(0, this.used[0]), 0);
    next.set(this.words.subarray(from, from + this.used[1]), capacity);
    const table = this.table;
    for (let i = 1; i < table.length; i += 2) if (table[i] > from) table[i] += capacity - from; // offset + 1 of an entry in the second generation
    this.words = next;
    this.octets = new Uint8Array(next.buffer);
    this.capacity = capacity;
  }

  /** Doubles the table, moving what it holds (stale copies of promoted entries stay out). */
  private grow(): void {
    const old = this.table;
    const size = 2 * (this.mask + 1);
    this.table = new Int32Array(2 * size);
    this.mask = size - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.place(old[i + 1] - 1, old[i]);
  }

  /** Puts the entry at `at` into the first empty table slot for its hash. */
  private place(at: number, hash: number): void {
    let i = hash & this.mask;
    while (this.table[2 * i + 1] !== 0) i = (i + 1) & this.mask;
    this.table[2 * i] = hash;
    this.table[2 * i + 1] = at + 1;
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
