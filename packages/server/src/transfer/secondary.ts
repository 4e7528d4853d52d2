/**
 * Secondary zones (RFC 1034 §4.3.5, RFC 1996, RFC 5936): `--secondary ORIGIN=ADDR[:PORT][@KEYNAME]`.
 * Each zone is copied from its primary (IXFR when we hold a copy, AXFR otherwise), checked by the
 * same zone-file checks as a loaded zone, written to disk (temporary file, fsync, rename) and only
 * then served. The SOA's refresh and retry time the next check; past expire without a successful
 * check the zone is answered SERVFAIL. A NOTIFY from the primary starts a check at once. A
 * transfer that fails in any way (cut, bad TSIG, garbage, a serial that does not increase)
 * leaves the served copy as it was, and the log says why.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { canonicalName, formatRecord, parseName } from '@port53/wire';
import type { Name, RecordOf, ResourceRecord, TsigKeyring } from '@port53/wire';
import type { Logger } from '../log.js';
import { loadZone, ZoneLoadError, type LoadedZone } from '../zonefile/index.js';
import { CLIENT_LIMITS, querySoa, requestTransfer, TransferError, type ClientLimits, type Primary } from './client.js';
import { parseNotifyTarget } from './notify.js';
import { recordKey } from './records.js';
import { serialCompare } from './serial.js';
import { apexSoa } from './versions.js';

export interface SecondarySpec {
  origin: Name;
  address: string;
  port: number;
  /** Canonical key name. */
  key?: Name;
  text: string;
}

export class SecondarySpecError extends Error {
  override readonly name = 'SecondarySpecError';
  readonly code = 'BAD_SECONDARY';
}

/** Parses `ORIGIN=ADDR[:PORT][@KEYNAME]`. */
export function parseSecondarySpec(text: string): SecondarySpec {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new SecondarySpecError(`--secondary ${JSON.stringify(text)}: not ORIGIN=ADDR[:PORT][@KEYNAME]`);
  let origin: Name;
  try {
    const o = text.slice(0, eq);
    origin = parseName(o.endsWith('.') ? o : `${o}.`);
  } catch (e) {
    throw new SecondarySpecError(`--secondary ${JSON.stringify(text)}: bad origin: ${(e as Error).message}`);
  }
  try {
    const target = parseNotifyTarget(text.slice(eq + 1));
    return { origin, address: target.address, port: target.port, key: target.key, text };
  } catch (e) {
    throw new SecondarySpecError(`--secondary ${JSON.stringify(text)}: ${(e as Error).message.replace(/^--notify "[^"]*": /, '')}`);
  }
}

export interface SecondaryOptions {
  /** Where the copies live (created when missing). */
  dir: string;
  keys: TsigKeyring;
  logger: Logger;
  /** A new copy is served: swap it in (and tell our own secondaries). */
  onUpdate: (zone: LoadedZone, previous: LoadedZone | undefined) => void;
  /** The zone expired or came back (its answers become SERVFAIL or data again). */
  onExpiry: () => void;
  limits?: ClientLimits;
  /** Floor on SOA timers, in seconds (default 1; tests use small SOA timers). */
  minTimerSeconds?: number;
}

/** What a secondary zone says about itself. */
export interface SecondaryStatus {
  origin: Name;
  serial?: number;
  expired: boolean;
  lastRefresh?: number;
  lastError?: string;
}

interface State {
  /** When the primary last confirmed our copy (ms since the epoch). */
  refreshed: number;
}

export class SecondaryZone {
  current: LoadedZone | undefined;
  expired = false;
  private refreshed = 0;
  private timer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private lastError: string | undefined;
  readonly primary: Primary;
  private readonly zoneFile: string;
  private readonly stateFile: string;

  constructor(
    readonly spec: SecondarySpec,
    private readonly options: SecondaryOptions,
  ) {
    const key = spec.key === undefined ? undefined : options.keys.get(spec.key);
    if (spec.key !== undefined && !key) throw new SecondarySpecError(`--secondary ${spec.text}: no TSIG key named ${spec.key}`);
    this.primary = { address: spec.address, port: spec.port, key };
    const base = canonicalName(spec.origin).replace(/[^a-z0-9.-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    this.zoneFile = path.join(options.dir, `${base === '.' ? 'root' : base}.zone`);
    this.stateFile = `${this.zoneFile}.state`;
  }

  get origin(): Name {
    return this.spec.origin;
  }

  status(): SecondaryStatus {
    return { origin: this.origin, serial: this.current?.serial, expired: this.expired, lastRefresh: this.refreshed || undefined, lastError: this.lastError };
  }

  /** Loads the copy on disk, if any (served at once unless it has expired); begin() then checks the primary. */
  async load(): Promise<void> {
    mkdirSync(this.options.dir, { recursive: true });
    try {
      const zone = await loadZone({ file: this.zoneFile, origin: this.origin });
      const state = this.readState();
      this.current = zone;
      this.refreshed = state?.refreshed ?? 0;
      this.options.logger.info({ event: 'secondary-loaded', zone: this.origin, serial: zone.serial, file: this.zoneFile }, `secondary zone ${this.origin}: serving the copy on disk, serial ${zone.serial}`);
      this.checkExpiry();
    } catch (err) {
      if (!(err instanceof ZoneLoadError) || !err.errors.every((e) => e.code === 'FILE_UNREADABLE')) {
        this.options.logger.warn({ event: 'secondary-copy-unusable', zone: this.origin, file: this.zoneFile, reason: (err as Error).message }, `secondary zone ${this.origin}: the copy on disk is unusable; transferring afresh`);
      }
    }
  }

  /** Starts the refresh cycle: the primary is asked now, then as the SOA timers say. */
  begin(): void {
    this.schedule(0);
  }

  /** A NOTIFY arrived (RFC 1996 §3.11): check the primary now. */
  notified(serial: number | undefined): void {
    this.options.logger.info({ event: 'notify-received', zone: this.origin, serial }, `NOTIFY for ${this.origin}${serial === undefined ? '' : ` serial ${serial}`} from its primary`);
    this.schedule(0);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
  }

  private schedule(seconds: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), seconds * 1000);
    this.timer.unref?.();
  }

  private soaTimer(which: 'refresh' | 'retry' | 'expire', fallback: number): number {
    const soa = this.current && apexSoa(this.current);
    const v = soa ? soa.data[which] : fallback;
    return Math.max(v, this.options.minTimerSeconds ?? 1);
  }

  /** One check of the primary; overlapping calls coalesce into one more run. */
  async refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.refreshOnce().finally(() => {
      this.running = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  private async refreshOnce(): Promise<void> {
    const log = this.options.logger;
    try {
      const theirs = await querySoa(this.primary, this.origin);
      const ours = this.current && apexSoa(this.current);
      if (ours && serialCompare(theirs.data.serial, ours.data.serial) <= 0) {
        if (serialCompare(theirs.data.serial, ours.data.serial) < 0) {
          log.warn({ event: 'secondary-refresh', zone: this.origin, outcome: 'primary-older', serial: ours.data.serial, primarySerial: theirs.data.serial }, `secondary zone ${this.origin}: the primary has serial ${theirs.data.serial}, older than our ${ours.data.serial}; keeping ours`);
        }
        this.confirmed();
        return;
      }
      await this.transfer(ours);
      this.confirmed();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.lastError = reason;
      log.warn({ event: 'secondary-refresh-failed', zone: this.origin, reason, serial: this.current?.serial ?? null, primary: `${this.primary.address}:${this.primary.port}` }, `secondary zone ${this.origin}: refresh failed, still serving ${this.current ? `serial ${this.current.serial}` : 'nothing'}: ${reason}`);
      this.schedule(this.soaTimer('retry', 10));
      this.checkExpiry();
    }
  }

  /** The primary confirmed our copy (or gave us a new one): the expire clock restarts. */
  private confirmed(): void {
    this.refreshed = Date.now();
    this.lastError = undefined;
    this.writeState();
    this.schedule(this.soaTimer('refresh', 3600));
    this.checkExpiry();
  }

  /** Fetches, checks, stores and installs a new copy; throws with the reason otherwise. */
  private async transfer(ours: RecordOf<'SOA'> | undefined): Promise<void> {
    const log = this.options.logger;
    const records = await requestTransfer(this.primary, this.origin, ours, this.options.limits ?? CLIENT_LIMITS);
    const { zoneRecords, kind } = applyTransfer(this.origin, records, this.current, ours);
    const newSoa = zoneRecords.find((r): r is RecordOf<'SOA'> => r.type === 'SOA' && canonicalName(r.name) === canonicalName(this.origin));
    if (!newSoa) throw new TransferError('MALFORMED', 'the transferred zone has no SOA at its apex');
    if (ours && serialCompare(newSoa.data.serial, ours.data.serial) <= 0) {
      throw new TransferError('MALFORMED', `the transfer carries serial ${newSoa.data.serial}, not newer than our ${ours.data.serial}`);
    }
    const zone = await this.store(zoneRecords);
    const previous = this.current;
    this.current = zone;
    log.info({ event: 'secondary-updated', zone: this.origin, kind, serial: zone.serial, from: previous?.serial ?? null, records: zone.records.length }, `secondary zone ${this.origin}: ${kind} from ${this.primary.address}:${this.primary.port}, serial ${previous?.serial ?? 'none'} -> ${zone.serial}`);
    this.options.onUpdate(zone, previous);
  }

  /** Writes the records as a master file, fsyncs, checks it with the zone loader, then renames it in place. */
  private async store(records: readonly ResourceRecord[]): Promise<LoadedZone> {
    const temp = `${this.zoneFile}.new`;
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, `; ${this.origin} from ${this.primary.address}:${this.primary.port}, written by port53d\n`);
      let chunk = '';
      for (const r of records) {
        chunk += `${formatRecord(r)}\n`;
        if (chunk.length > 1 << 16) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      writeSync(fd, chunk);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    let zone: LoadedZone;
    try {
      zone = await loadZone({ file: temp, origin: this.origin });
    } catch (err) {
      rmSync(temp, { force: true });
      const detail = err instanceof ZoneLoadError ? err.errors.slice(0, 3).map((e) => e.message).join('; ') : (err as Error).message;
      throw new TransferError('MALFORMED', `the transferred zone fails the zone checks: ${detail}`);
    }
    renameSync(temp, this.zoneFile);
    fsyncDir(this.options.dir);
    return { ...zone, file: this.zoneFile };
  }

  private checkExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (!this.current || this.closed) return;
    const expireMs = this.soaTimer('expire', 604800) * 1000;
    const left = this.refreshed + expireMs - Date.now();
    const expired = left <= 0;
    if (expired !== this.expired) {
      this.expired = expired;
      this.options.logger[expired ? 'error' : 'info']({ event: expired ? 'secondary-expired' : 'secondary-unexpired', zone: this.origin, serial: this.current.serial }, expired ? `secondary zone ${this.origin} expired: no answer from its primary for the SOA expire time; answering SERVFAIL` : `secondary zone ${this.origin} is fresh again`);
      this.options.onExpiry();
    }
    if (!expired) {
      this.expiryTimer = setTimeout(() => this.checkExpiry(), left + 10);
      this.expiryTimer.unref?.();
    }
  }

  private readState(): State | undefined {
    try {
      const s = JSON.parse(readFileSync(this.stateFile, 'utf8')) as State;
      return typeof s.refreshed === 'number' ? s : undefined;
    } catch {
      return undefined;
    }
  }

  private writeState(): void {
    try {
      const temp = `${this.stateFile}.new`;
      const fd = openSync(temp, 'w');
      try {
        writeSync(fd, JSON.stringify({ refreshed: this.refreshed, serial: this.current?.serial }));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.stateFile);
    } catch (err) {
      this.options.logger.error({ event: 'secondary-state-write-failed', zone: this.origin, err }, `secondary zone ${this.origin}: cannot write ${this.stateFile}`);
    }
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every file system lets a directory be fsynced; the rename is still atomic
  }
}

/**
 * The zone after a transfer: an AXFR (or AXFR-style IXFR) is the zone itself; an incremental
 * IXFR (RFC 1995 §4) is applied to our copy sequence by sequence, each deletion required to
 * exist and each sequence required to start at the serial reached so far.
 */
export function applyTransfer(origin: Name, records: readonly ResourceRecord[], current: LoadedZone | undefined, ours: RecordOf<'SOA'> | undefined): { zoneRecords: ResourceRecord[]; kind: 'AXFR' | 'IXFR' | 'up-to-date' } {
  const first = records[0];
  if (!first || first.type !== 'SOA' || canonicalName(first.name) !== canonicalName(origin)) throw new TransferError('MALFORMED', 'the transfer does not start with the zone\'s SOA');
  if (records.length === 1) return { zoneRecords: current ? [...current.records] : [], kind: 'up-to-date' };
  const second = records[1];
  const incremental = ours !== undefined && current !== undefined && second.type === 'SOA' && second.data.serial !== first.data.serial;
  if (!incremental) {
    // AXFR: SOA, the zone, SOA again; the apex SOA once in the result.
    return { zoneRecords: records.slice(0, -1), kind: 'AXFR' };
  }
  const zone = new Map<string, ResourceRecord>();
  const apex = canonicalName(origin);
  for (const r of current.records) if (!(r.type === 'SOA' && canonicalName(r.name) === apex)) zone.set(recordKey(r), r);
  let serial = ours.data.serial;
  let i = 1;
  let soa: RecordOf<'SOA'> = ours;
  while (i < records.length - 1) {
    const from = records[i];
    if (from.type !== 'SOA' || from.data.serial !== serial) throw new TransferError('MALFORMED', `IXFR sequence starts at serial ${from.type === 'SOA' ? from.data.serial : from.type}, not at ${serial}`);
    i++;
    for (; i < records.length && records[i].type !== 'SOA'; i++) {
      const k = recordKey(records[i]);
      if (!zone.delete(k)) throw new TransferError('MALFORMED', `IXFR deletes ${records[i].name} ${records[i].type}, which our copy does not have`);
    }
    const to = records[i];
    if (!to || to.type !== 'SOA') throw new TransferError('MALFORMED', 'IXFR sequence without its new SOA');
    i++;
    for (; i < records.length && !(records[i].type === 'SOA' && canonicalName(records[i].name) === apex); i++) zone.set(recordKey(records[i]), records[i]);
    serial = to.data.serial;
    soa = to;
  }
  if (serial !== first.data.serial) throw new TransferError('MALFORMED', `IXFR ends at serial ${serial}, not ${first.data.serial}`);
  return { zoneRecords: [soa, ...zone.values()], kind: 'IXFR' };
}
