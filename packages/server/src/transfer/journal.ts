/**
 * The history IXFR answers from (RFC 1995 §4): for each zone, the differences between the
 * versions loaded one after another, the most recent `maxDiffs` kept. With a directory, each
 * zone's history is also a file (`<origin>.ixfr`: one JSON line per difference, its records as
 * encoded DNS messages), written to a temporary file, fsynced and renamed, so a restart keeps
 * it; a file that does not end at the version loaded at start is dropped.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, openSync, writeSync, fsyncSync, closeSync, rmSync } from 'node:fs';
import path from 'node:path';
import { canonicalName, decode, RRType, typeFromString } from '@port53/wire';
import type { Name, RecordOf, ResourceRecord } from '@port53/wire';
import type { Logger } from '../log.js';
import { packMessages } from './pack.js';
import { recordKey } from './records.js';
import type { Journal, ZoneDiff } from './ixfr.js';
import { apexSoa, type ZoneVersion } from './versions.js';

export interface JournalOptions {
  /** Keep the history in files here (created when missing); without it, in memory only. */
  dir?: string;
  /** Differences kept per zone (default 20). */
  maxDiffs?: number;
  /** Zones with more records than this keep no history (a difference costs a pass over both versions, done in ~10 ms slices; default 100 000). */
  maxRecords?: number;
  logger?: Logger;
}

interface Stored extends ZoneDiff {
  /** Digest of the whole `to` version, to tell whether a restart loaded that very version. */
  toDigest: string;
}

/** A version's records by key (the apex SOA left out) and a digest of the whole version. */
interface Indexed {
  records: Map<string, ResourceRecord>;
  digest: string;
}

/** Records keyed between two yields to the event loop: ~10 ms of work, so answering never waits long. */
const CHUNK = 1024;

export class ZoneJournal implements Journal {
  private readonly diffs = new Map<Name, Stored[]>();
  private readonly maxDiffs: number;
  private readonly maxRecords: number;
  /** Each version is indexed once: as the newer side of one difference and the older side of the next. */
  private readonly indexed = new WeakMap<ZoneVersion, Promise<Indexed>>();
  /** Differences are recorded one after another, in the order the versions were loaded. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: JournalOptions = {}) {
    this.maxDiffs = options.maxDiffs ?? 20;
    this.maxRecords = options.maxRecords ?? 100_000;
    if (options.dir) mkdirSync(options.dir, { recursive: true });
  }

  /** Reads the zone's history file, keeping it only when it ends at `current` (the version loaded now). */
  async open(current: ZoneVersion): Promise<void> {
    const dir = this.options.dir;
    if (!dir || current.records.length > this.maxRecords) return;
    const file = this.fileOf(current.origin);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    try {
      const stored = text.split('\n').filter(Boolean).map((line) => fromJson(JSON.parse(line) as StoredJson));
      const last = stored.at(-1);
      if (!last || last.toSoa.data.serial !== current.serial || last.toDigest !== (await this.index(current)).digest) {
        this.options.logger?.warn({ event: 'journal-dropped', zone: current.origin, file }, `journal ${file} does not end at the loaded serial ${current.serial}: dropped`);
        rmSync(file, { force: true });
        return;
      }
      this.diffs.set(canonicalName(current.origin), stored);
    } catch (err) {
      this.options.logger?.warn({ event: 'journal-dropped', zone: current.origin, file, reason: (err as Error).message }, `journal ${file} unreadable: dropped`);
      rmSync(file, { force: true });
    }
  }

  /**
   * Records what changed from `older` to `newer` (one zone, a new serial). The work is done in
   * slices between which queries are answered; the promise resolves once IXFR can send it.
   */
  record(older: ZoneVersion, newer: ZoneVersion): Promise<void> {
    const run = this.queue.then(() => this.recordNow(older, newer));
    this.queue = run.catch((err: unknown) => {
      this.options.logger?.error({ event: 'journal-failed', zone: newer.origin, err }, `journal of ${newer.origin}: ${(err as Error).message}`);
    });
    return this.queue;
  }

  private async recordNow(older: ZoneVersion, newer: ZoneVersion): Promise<void> {
    const key = canonicalName(newer.origin);
    if (older.records.length > this.maxRecords || newer.records.length > this.maxRecords) {
      this.diffs.delete(key);
      return;
    }
    const before = (await this.index(older)).records;
    const after = await this.index(newer);
    const removed = await missingFrom(before, after.records);
    const added = await missingFrom(after.records, before);
    this.indexed.delete(older); // only the newest version is the older side of a later difference
    const list = this.diffs.get(key) ?? [];
    // A history that does not end where this difference starts (a reload we did not see) is of no use.
    if (list.length > 0 && list.at(-1)!.toSoa.data.serial !== older.serial) list.length = 0;
    list.push({ fromSoa: apexSoa(older), toSoa: apexSoa(newer), removed, added, toDigest: after.digest });
    if (list.length > this.maxDiffs) list.splice(0, list.length - this.maxDiffs);
    this.diffs.set(key, list);
    this.persist(newer.origin, list);
  }

  /** The version's records by key and its digest, computed once, in slices. */
  private index(version: ZoneVersion): Promise<Indexed> {
    let done = this.indexed.get(version);
    if (!done) {
      done = indexVersion(version);
      this.indexed.set(version, done);
    }
    return done;
  }

  /** The zone is no longer served: its history goes. */
  forget(origin: Name): void {
    this.diffs.delete(canonicalName(origin));
    if (this.options.dir) rmSync(this.fileOf(origin), { force: true });
  }

  since(origin: Name, from: number, to: number): ZoneDiff | undefined {
    const list = this.diffs.get(canonicalName(origin));
    if (!list) return undefined;
    const start = list.findIndex((d) => d.fromSoa.data.serial === from);
    if (start < 0 || list.at(-1)!.toSoa.data.serial !== to) return undefined;
    return condense(list.slice(start));
  }

  private fileOf(origin: Name): string {
    const name = canonicalName(origin).replace(/[^a-z0-9.-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    return path.join(this.options.dir!, `${name === '.' ? 'root' : name}.ixfr`);
  }

  /** Write, fsync, rename: a crash leaves the old file or the new one, never half of one. */
  private persist(origin: Name, list: Stored[]): void {
    if (!this.options.dir) return;
    const file = this.fileOf(origin);
    const temp = `${file}.tmp`;
    try {
      const fd = openSync(temp, 'w');
      try {
        for (const d of list) writeSync(fd, `${JSON.stringify(toJson(origin, d))}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, file);
    } catch (err) {
      this.options.logger?.error({ event: 'journal-write-failed', zone: origin, file, err }, `cannot write journal ${file}: ${(err as Error).message}`);
    }
  }

  /** The files in the directory (for tests and the logs). */
  files(): string[] {
    return this.options.dir ? readdirSync(this.options.dir).filter((f) => f.endsWith('.ixfr')) : [];
  }
}

/**
 * The version's records but the apex SOA, by a key that is equal exactly when the records are
 * (owner case aside), and a digest of every record's key in the version's order (a file loaded
 * again gives the same order, so the same digest).
 */
async function indexVersion(version: ZoneVersion): Promise<Indexed> {
  const apex = canonicalName(version.origin);
  const records = new Map<string, ResourceRecord>();
  const h = createHash('sha256');
  const all = version.records;
  for (let i = 0; i < all.length; i++) {
    if (i > 0 && i % CHUNK === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const r = all[i];
    const k = recordKey(r);
    h.update(k).update('\n');
    if (typeFromString(r.type) === RRType.SOA && canonicalName(r.name) === apex) continue;
    records.set(k, r);
  }
  return { records, digest: h.digest('hex') };
}

/** The records of `a` whose keys `b` lacks, in slices. */
async function missingFrom(a: Map<string, ResourceRecord>, b: Map<string, ResourceRecord>): Promise<ResourceRecord[]> {
  const out: ResourceRecord[] = [];
  let n = 0;
  for (const [k, r] of a) {
    if (++n % CHUNK === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (!b.has(k)) out.push(r);
  }
  return out;
}

/** A run of differences as one (RFC 1995 §4 lets a server condense them): what was added and then removed cancels out. */
function condense(chain: readonly ZoneDiff[]): ZoneDiff {
  if (chain.length === 1) return chain[0];
  const net = new Map<string, { record: ResourceRecord; state: 'removed' | 'added' }>();
  for (const d of chain) {
    for (const r of d.removed) {
      const k = recordKey(r);
      if (net.get(k)?.state === 'added') net.delete(k);
      else net.set(k, { record: r, state: 'removed' });
    }
    for (const r of d.added) {
      const k = recordKey(r);
      if (net.get(k)?.state === 'removed') net.delete(k);
      else net.set(k, { record: r, state: 'added' });
    }
  }
  const all = [...net.values()];
  return {
    fromSoa: chain[0].fromSoa,
    toSoa: chain.at(-1)!.toSoa,
    removed: all.filter((e) => e.state === 'removed').map((e) => e.record),
    added: all.filter((e) => e.state === 'added').map((e) => e.record),
  };
}

/** One difference in its file: the records [fromSoa, removed..., toSoa, added...] as encoded messages. */
interface StoredJson {
  origin: string;
  from: number;
  to: number;
  toDigest: string;
  removed: number;
  added: number;
  messages: string[];
}

function toJson(origin: Name, d: Stored): StoredJson {
  const records = [d.fromSoa, ...d.removed, d.toSoa, ...d.added];
  const request = { id: 0, question: { name: origin, type: 'IXFR' as const, class: 'IN' as const } };
  const messages = [...packMessages(records, request, 0)].map((m) => Buffer.from(m).toString('base64'));
  return { origin, from: d.fromSoa.data.serial, to: d.toSoa.data.serial, toDigest: d.toDigest, removed: d.removed.length, added: d.added.length, messages };
}

function fromJson(j: StoredJson): Stored {
  const records = j.messages.flatMap((m) => decode(Buffer.from(m, 'base64')).answers);
  if (records.length !== j.removed + j.added + 2) throw new Error(`${records.length} records, expected ${j.removed + j.added + 2}`);
  const fromSoa = records[0];
  const toSoa = records[1 + j.removed];
  if (fromSoa.type !== 'SOA' || toSoa.type !== 'SOA') throw new Error('SOA records missing');
  return {
    fromSoa: fromSoa as RecordOf<'SOA'>,
    toSoa: toSoa as RecordOf<'SOA'>,
    removed: records.slice(1, 1 + j.removed),
    added: records.slice(2 + j.removed),
    toDigest: j.toDigest,
  };
}
