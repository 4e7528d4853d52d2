/**
 * A --workers thread's answer cache: replies the main thread computed, kept pre-encoded and
 * patched for each query as the main thread's AnswerCache does (ID, RD, CD, the question's case).
 * The thread holds no zones: a query it cannot answer from here goes to the main thread.
 */
import { decodeHeader, foldQuestionName, isCaseNeutralReply, isStandardQuery, questionScan, replyFromTemplate, sameQuestionName, scanQuestion, typeToString } from '@port53/wire';
import { replySizeLimit } from '../answer/respond.js';

interface Entry {
  bytes: Uint8Array;
  caseNeutral: boolean;
  rcode: number;
  qtype: string;
  cost: number;
}

/** What an entry costs beyond its reply and key octets (Map slot, objects), counted high as AnswerCache does. */
const ENTRY_OVERHEAD = 512;
const KEY_CAPACITY = 255 + 2 + 2 + 1 + 2;

export interface CachedAnswer {
  reply: Uint8Array;
  rcode: number;
  qtype: string;
}

/** Two generations (as AnswerCache): a full young map becomes the old one, a hit in the old one moves back. */
export class ReplyCache {
  private young = new Map<string, Entry>();
  private old = new Map<string, Entry>();
  private youngBytes = 0;
  private oldBytes = 0;
  private readonly scan = questionScan();
  private readonly key = Buffer.alloc(KEY_CAPACITY);
  private readonly perGeneration: { entries: number; bytes: number };
  readonly counters = { hits: 0, misses: 0 };

  constructor(limits: { entries: number; bytes: number }) {
    this.perGeneration = { entries: Math.max(1, Math.floor(limits.entries / 2)), bytes: Math.max(1, Math.floor(limits.bytes / 2)) };
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get bytes(): number {
    return this.youngBytes + this.oldBytes;
  }

  /** True when a reply to this query may be kept here: a QUERY of the plain shape without EDNS options (RFC 1035 §4.1.1). */
  cacheable(query: Uint8Array): boolean {
    const s = this.scan;
    return isStandardQuery(query) && scanQuestion(query, s) && (!s.edns || (s.ednsVersion === 0 && s.optionsLength === 0));
  }

  /** The kept reply patched for this query, or undefined (counted as a miss when the query could have been kept). */
  answer(query: Uint8Array): CachedAnswer | undefined {
    if (!this.cacheable(query)) return undefined;
    const nameEnd = this.scan.nameEnd;
    const key = this.keyOf(query);
    let entry = this.young.get(key);
    if (!entry) {
      entry = this.old.get(key);
      if (entry) {
        this.old.delete(key);
        this.oldBytes -= entry.cost;
        this.store(key, entry);
      }
    }
    if (entry) {
      const sameCase = sameQuestionName(query, entry.bytes, nameEnd);
      // The 0x20 case of the question is echoed (RFC 4343 §4.1): a reply that holds it elsewhere is asked afresh.
      if (sameCase || entry.caseNeutral) {
        this.counters.hits++;
        return { reply: replyFromTemplate(entry.bytes, query, nameEnd, !sameCase), rcode: entry.rcode, qtype: entry.qtype };
      }
    }
    this.counters.misses++;
    return undefined;
  }

  /** Keeps the main thread's reply to `query` (which it said may be kept). */
  insert(query: Uint8Array, reply: Uint8Array): void {
    if (!this.cacheable(query)) return;
    const key = this.keyOf(query);
    const bytes = Uint8Array.from(reply);
    const entry: Entry = { bytes, caseNeutral: isCaseNeutralReply(bytes, this.scan.nameEnd), rcode: decodeHeader(bytes).rcode, qtype: typeToString(this.scan.qtype), cost: 0 };
    entry.cost = bytes.length + key.length + ENTRY_OVERHEAD;
    this.store(key, entry);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
    this.youngBytes = 0;
    this.oldBytes = 0;
  }

  /** The name in lower case (RFC 4343 §3), type, class, EDNS shape and the UDP size limit: what the reply depends on. */
  private keyOf(query: Uint8Array): string {
    const s = this.scan;
    const k = this.key;
    let n = foldQuestionName(query, s.nameEnd, k);
    k[n++] = s.qtype >> 8;
    k[n++] = s.qtype;
    k[n++] = s.qclass >> 8;
    k[n++] = s.qclass;
    k[n++] = s.edns ? (s.do ? 3 : 1) : 0;
    const limit = replySizeLimit(s.edns ? { udpPayloadSize: s.udpPayloadSize } : undefined, 'udp');
    k[n++] = limit >> 8;
    k[n++] = limit;
    return k.toString('latin1', 0, n);
  }

  private store(key: string, entry: Entry): void {
    if (entry.cost > this.perGeneration.bytes) return;
    if (this.young.size >= this.perGeneration.entries || this.youngBytes + entry.cost > this.perGeneration.bytes) {
      this.old = this.young;
      this.oldBytes = this.youngBytes;
      this.young = new Map();
      this.youngBytes = 0;
    }
    const had = this.young.get(key);
    if (had) this.youngBytes -= had.cost;
    this.young.set(key, entry);
    this.youngBytes += entry.cost;
  }
}
