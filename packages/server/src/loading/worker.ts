/**
 * A loading worker: reads, parses and checks zone files off the answering thread, then streams
 * each zone's records back in small packed chunks, one per acknowledgement, so the answering
 * thread never has more than one chunk to take in at a time. One worker per load; the zone set
 * terminates it when the load runs too long or the process stops.
 */
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { canonicalName } from '@port53/wire';
import { IncludeError } from '../zonefile/include.js';
import { checkZoneSource, ZoneLoadError, type ZoneError } from '../zonefile/index.js';
import type { FileStamp } from '../zonefile/read.js';
import { packRecords, transferList } from './packed.js';
import type { LoadRequest, ParentMessage, PlainZoneError, WorkerMessage } from './protocol.js';
import { serialGreater } from './serial.js';
import { textStamp } from './stamps.js';

const port = parentPort!;
/** File times tick in jiffies: a stamp taken this close to a write proves nothing (see sameStamp). */
const RACY_NS = 2_000_000_000n;
const request = workerData as LoadRequest;
let acked: (() => void) | undefined;
port.on('message', (m: ParentMessage) => {
  if (m.kind === 'ack') acked?.();
});
const post = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
const ack = () => new Promise<void>((resolve) => (acked = resolve));

for (const entry of request.entries) {
  const previous = request.previous[entry.key];
  const stamp = entry.text === undefined ? undefined : textStamp(entry.file, entry.text);
  if (previous && unchanged(previous.files, stamp)) {
    post({ kind: 'unchanged', key: entry.key, files: previous.files });
    continue;
  }
  const started = performance.now();
  try {
    const { zone, names } = checkZoneSource({ file: entry.file, origin: entry.origin, text: entry.text }, { root: entry.root, includeBase: entry.includeBase, readInclude: entry.text === undefined ? undefined : refuseInclude, maxFileBytes: request.maxFileBytes, maxIncludes: request.maxIncludes, maxRecords: request.maxRecords });
    const files = stamp ? [stamp] : (zone.files ?? []);
    // Read again (touched, or too recently written to trust its stamp) but the same octets.
    if (previous && sameContents(previous.files, files)) {
      post({ kind: 'unchanged', key: entry.key, files });
      continue;
    }
    // Files only: text given in memory is never half-written, and its giver chose the serial.
    if (request.serialCheck && entry.text === undefined && previous && !serialGreater(zone.serial, previous.serial)) {
      const reason = `the zone changed but its SOA serial ${zone.serial} is not greater than ${previous.serial} (RFC 1982): still serving ${previous.serial}; raise the serial, or start with --no-serial-check`;
      post({ kind: 'failed', key: entry.key, file: entry.file, errors: [{ code: 'SERIAL_NOT_INCREASED', reason, file: entry.file, line: 0, column: 0, severity: 'error' }], warnings: [], ms: ms(started) });
      continue;
    }
    const parts = names.names.parts([canonicalName(zone.origin)]);
    const nameOf = names.nameOf;
    post({ kind: 'zone', key: entry.key, origin: zone.origin, file: zone.file, serial: zone.serial, count: zone.records.length, warnings: zone.warnings.map(plain), files, ms: ms(started), names: parts, nameOf }, [parts.slots.buffer, parts.hashes.buffer, nameOf.buffer] as ArrayBuffer[]);
    for (let i = 0; i < zone.records.length; i += request.chunkRecords) {
      const packed = packRecords(zone.records, i, Math.min(zone.records.length, i + request.chunkRecords));
      const next = ack();
      post({ kind: 'records', key: entry.key, packed }, transferList(packed));
      await next;
    }
  } catch (e) {
    if (!(e instanceof ZoneLoadError)) throw e;
    post({ kind: 'failed', key: entry.key, file: entry.file, errors: e.errors.map(plain), warnings: e.warnings.map(plain), ms: ms(started) });
  }
}
post({ kind: 'done' });
port.close();

function plain(e: ZoneError): PlainZoneError {
  return { code: e.code, reason: e.reason, file: e.file, line: e.line, column: e.column, severity: e.severity };
}

function ms(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/** True when every file read last time is still as it was then (a text source: the same text). */
function unchanged(files: readonly FileStamp[], text: FileStamp | undefined): boolean {
  if (files.length === 0) return false;
  if (text) return files.length === 1 && sameStamp(files[0], text);
  return files.every((f) => {
    try {
      const st = statSync(f.file, { bigint: true });
      return sameStamp(f, { file: f.file, dev: Number(st.dev), ino: Number(st.ino), size: Number(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs), readAtNs: f.readAtNs });
    } catch {
      return false;
    }
  });
}

function sameContents(before: readonly FileStamp[], now: readonly FileStamp[]): boolean {
  return before.length === now.length && before.every((f, i) => f.file === now[i].file && f.digest !== undefined && f.digest === now[i].digest);
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  if (a.dev !== b.dev || a.ino !== b.ino || a.size !== b.size || a.mtimeNs !== b.mtimeNs || a.ctimeNs !== b.ctimeNs) return false;
  // File times tick in jiffies: a file written again within one tick of being read keeps its
  // stamp, so a stamp that close to the read proves nothing (git's "racy" entries).
  return BigInt(a.readAtNs) - BigInt(a.mtimeNs) > RACY_NS;
}

/** A zone given as text has no directory to $INCLUDE from (as zone-set.ts refuses on the first load). */
function refuseInclude(): never {
  throw new IncludeError('INCLUDE_UNREADABLE', 'a zone given as text cannot $INCLUDE files');
}
