/**
 * Pre-encoded replies: a query of the plain shape whose answer was encoded before is answered by
 * copying those octets and patching in its ID, its RD bit and its question's case. A cache
 * belongs to one catalog: a reload makes a new catalog and with it an empty cache.
 */
import { foldQuestionName, isCaseNeutralReply, isStandardQuery, questionName, questionScan, replyFromTemplate, sameQuestionName, scanQuestion } from '@port53/wire';
import type { QuestionScan } from '@port53/wire';
import type { Catalog } from '../store/catalog.js';
import { ANSWER_CACHE_BYTES, ANSWER_CACHE_ENTRIES } from './defaults.js';
import { replySizeLimit, respond } from './respond.js';
import type { Outcome, RespondExtras, Transport } from './respond.js';
import type { AnswerSource } from './lookup.js';

export interface AnswerCacheLimits {
  /** Replies kept at most (default ANSWER_CACHE_ENTRIES). */
  entries: number;
  /** Octets the entries take at most, all counted: key, reply, names, per-entry overhead (default ANSWER_CACHE_BYTES). */
  bytes: number;
}

interface CachedReply {
  /** The reply as encoded for the query that filled the entry. */
  bytes: Uint8Array;
  /** End of the question's name (it starts at octet 12 in both query and reply). */
  nameEnd: number;
  /** The reply holds no name but its owners that point at the question: any case of it gives these octets. */
  caseNeutral: boolean;
  rcode: number;
  qname: string;
  qtype: string;
  source?: AnswerSource;
  /** What the entry costs in memory, as the byte limit counts it (see entryCost). */
  cost: number;
}

/**
 * Memory an entry takes beyond its key, reply and name texts: the Map slot, the entry object, the
 * reply's Uint8Array object and its share of Buffer's 8 KiB pool. Measured (100,000 NXDOMAIN
 * entries, replies of 97 octets): 364 octets of heap and 154 outside it per entry, about 520 in
 * all; counted high, so that the limit holds with the garbage collector's slack.
 */
const ENTRY_OVERHEAD = 512;

/** The octets an entry is counted for: UTF-16 worst case for the strings, then the overhead. */
function entryCost(key: string, entry: Omit<CachedReply, 'cost'>): number {
  return entry.bytes.length + key.length + 2 * entry.qname.length + entry.qtype.length + ENTRY_OVERHEAD;
}

/** Octets of a key: the name (at most 255), type, class, transport, EDNS shape, size limit. */
const KEY_CAPACITY = 255 + 2 + 2 + 1 + 1 + 2;

/**
 * Two generations of entries: new ones go into the young map; when it is full it becomes the old
 * one and the previous old one is dropped; a hit in the old one moves the entry back to the young.
 * So at most twice the per-generation bound is kept, and what is asked for often stays.
 */
export class AnswerCache {
  private young = new Map<string, CachedReply>();
  private old = new Map<string, CachedReply>();
  private youngBytes = 0;
  private oldBytes = 0;
  private readonly perGeneration: AnswerCacheLimits;
  private readonly scan: QuestionScan = questionScan();
  private readonly key = Buffer.alloc(KEY_CAPACITY);
  /** Replies answered from the cache, and queries of the plain shape that had to be answered afresh. */
  readonly counters = { hits: 0, misses: 0 };

  constructor(
    readonly catalog: Catalog,
    limits: Partial<AnswerCacheLimits> = {},
  ) {
    const entries = limits.entries ?? ANSWER_CACHE_ENTRIES;
    const bytes = limits.bytes ?? ANSWER_CACHE_BYTES;
    this.perGeneration = { entries: Math.max(1, Math.floor(entries / 2)), bytes: Math.max(1, Math.floor(bytes / 2)) };
  }

  /** Replies held now. */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /** Octets the entries held now are counted for (at most the `bytes` limit). */
  get bytes(): number {
    return this.youngBytes + this.oldBytes;
  }

  /** respond() over this cache's catalog, from a pre-encoded reply when there is one. */
  respond(query: Uint8Array, transport: Transport, extras?: RespondExtras): Outcome {
    const scan = this.scan;
    // RFC 1035 §4.1.1: only a QUERY (opcode 0, QR clear) is answered from the cache; and only
    // without EDNS options, since a reply carries NSID, a cookie made for the client, or EDE.
    if (!isStandardQuery(query) || !scanQuestion(query, scan) || (scan.edns && (scan.ednsVersion !== 0 || scan.optionsLength !== 0))) {
      return respond(query, this.catalog, transport, extras);
    }
    const key = this.keyOf(query, scan, transport);
    const entry = this.find(key);
    if (entry) {
      const outcome = patched(entry, query, scan.nameEnd);
      if (outcome) {
        this.counters.hits++;
        return outcome;
      }
    }
    this.counters.misses++;
    const outcome = respond(query, this.catalog, transport, extras);
    if (!entry && outcome.kind === 'answered' && outcome.reply) this.add(key, outcome, scan.nameEnd);
    return outcome;
  }

  /** The name in lower case (ASCII only, RFC 4343 §3), then everything else the reply depends on. */
  private keyOf(query: Uint8Array, scan: QuestionScan, transport: Transport): string {
    const k = this.key;
    let n = foldQuestionName(query, scan.nameEnd, k);
    k[n++] = scan.qtype >> 8;
    k[n++] = scan.qtype;
    k[n++] = scan.qclass >> 8;
    k[n++] = scan.qclass;
    k[n++] = transport === 'udp' ? 0 : 1;
    k[n++] = scan.edns ? (scan.do ? 3 : 1) : 0;
    const limit = replySizeLimit(scan.edns ? { udpPayloadSize: scan.udpPayloadSize } : undefined, transport);
    k[n++] = limit >> 8;
    k[n++] = limit;
    return k.toString('latin1', 0, n);
  }

  private find(key: string): CachedReply | undefined {
    const young = this.young.get(key);
    if (young) return young;
    const old = this.old.get(key);
    if (old) {
      this.old.delete(key);
      this.oldBytes -= old.cost;
      this.store(key, old);
    }
    return old;
  }

  private add(key: string, outcome: Outcome, nameEnd: number): void {
    const bytes = outcome.reply!;
    const entry = {
      bytes,
      nameEnd,
      caseNeutral: isCaseNeutralReply(bytes, nameEnd),
      rcode: outcome.rcode!,
      qname: outcome.qname!,
      qtype: outcome.qtype!,
      source: outcome.source,
      cost: 0,
    };
    entry.cost = entryCost(key, entry);
    this.store(key, entry);
  }

  private store(key: string, entry: CachedReply): void {
    const size = entry.cost;
    if (size > this.perGeneration.bytes) return;
    if (this.young.size >= this.perGeneration.entries || this.youngBytes + size > this.perGeneration.bytes) {
      this.old = this.young;
      this.oldBytes = this.youngBytes;
      this.young = new Map();
      this.youngBytes = 0;
    }
    this.young.set(key, entry);
    this.youngBytes += size;
  }
}

/** The cached reply for this query, or undefined when its question's case would change the octets. */
function patched(entry: CachedReply, query: Uint8Array, nameEnd: number): Outcome | undefined {
  const sameCase = sameQuestionName(query, entry.bytes, nameEnd);
  if (!sameCase && !entry.caseNeutral) return undefined;
  // The 0x20 case of the question is echoed (RFC 4343 §4.1).
  const reply = replyFromTemplate(entry.bytes, query, nameEnd, !sameCase);
  return { kind: 'answered', rcode: entry.rcode, reply, qname: sameCase ? entry.qname : questionName(query), qtype: entry.qtype, source: entry.source };
}
