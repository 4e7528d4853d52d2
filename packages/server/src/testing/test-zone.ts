import { canonicalName, formatRecord, fqdn, isSubdomain, parseName, typeFromString, typeToString } from '@port53/wire';
import type { Name, RecordOf, ResourceRecord } from '@port53/wire';
import { parseZone } from '../zonefile/parser.js';
import { loadZoneText, ZoneError, ZoneLoadError, type LoadedZone } from '../zonefile/index.js';
import { TestServerError } from './errors.js';

/** One or more records' rdata in presentation format ("10 mail", "192.0.2.1"). */
export type RecordValues = string | readonly string[];

/** The records at one name: type mnemonic → values, e.g. `{ A: ['192.0.2.1'], TXT: '"hi"' }`. */
export type NameRecords = Readonly<Record<string, RecordValues>>;

/** A zone as an object (owner → records; "@" is the apex, names without a final dot are relative) or as master-file text. */
export type TestZoneInput = Readonly<Record<string, NameRecords>> | string;

/** The made-up SOA's timers: short, as a test wants (refresh, retry, expire). */
const SOA_TIMERS = '3600 600 86400';

/**
 * One test zone: its records as loaded (checked by the zone parser, names absolute) and the
 * master-file text the server serves. Every change builds the whole new text, loads it to check
 * it and only then replaces the old one, with the SOA serial one higher (RFC 1982 wrap).
 */
export class TestZone {
  readonly origin: Name;
  private zone: LoadedZone;
  private current: string;

  private constructor(origin: Name, loaded: { zone: LoadedZone; text: string }) {
    this.origin = origin;
    this.zone = loaded.zone;
    this.current = loaded.text;
  }

  static create(origin: string, input: TestZoneInput, ttl: number): TestZone {
    let apex: Name;
    try {
      apex = parseName(origin);
    } catch (err) {
      throw new TestServerError('EBADZONE', `zone name "${origin}" is not a domain name: ${(err as Error).message}`);
    }
    const lines = typeof input === 'string' ? textLines(apex, input, ttl) : objectLines(apex, input, ttl);
    return new TestZone(apex, load(apex, lines.join('\n') + '\n'));
  }

  /** The master-file text served now. */
  text(): string {
    return this.current;
  }

  get serial(): number {
    return this.zone.serial;
  }

  /** The SOA record (for negative answers made up by faults). */
  soa(): RecordOf<'SOA'> {
    return this.zone.records.find((r): r is RecordOf<'SOA'> => r.type === 'SOA')!;
  }

  contains(name: Name): boolean {
    return isSubdomain(name, this.origin);
  }

  /** The TTL of the RRset `name`/`type` now, if it exists. */
  ttlOf(name: Name, type: string | undefined): number | undefined {
    if (type === undefined) return undefined;
    const key = canonicalName(name);
    const code = typeCode(type);
    return this.zone.records.find((rr) => canonicalName(rr.name) === key && typeFromString(rr.type) === code)?.ttl;
  }

  /** Replaces the RRset `name`/`type` with `values` (none: removes it), or every RRset at `name` when `type` is undefined. */
  change(name: Name, type: string | undefined, values: readonly string[], ttl: number): void {
    const key = canonicalName(name);
    const code = type === undefined ? undefined : typeCode(type);
    const touched = (rr: ResourceRecord) => canonicalName(rr.name) === key && (code === undefined || typeFromString(rr.type) === code);
    const setsSoa = code !== undefined && typeToString(code) === 'SOA';
    const kept = this.zone.records.filter((rr) => !touched(rr));
    const lines = [`$ORIGIN ${fqdn(this.origin)}`];
    for (const rr of kept) lines.push(formatRecord(rr.type === 'SOA' && !setsSoa ? bumped(rr) : rr));
    for (const value of values) lines.push(`${fqdn(name)} ${ttl} IN ${typeToString(code!)} ${value}`);
    this.replace(load(this.origin, lines.join('\n') + '\n'));
  }

  private replace(loaded: { zone: LoadedZone; text: string }): void {
    this.zone = loaded.zone;
    this.current = loaded.text;
  }
}

/** The type's code for a mnemonic or TYPEnn, any case; a TestServerError otherwise. */
export function typeCode(type: string): number {
  const code = typeof type === 'string' ? typeFromString(type.toUpperCase()) : undefined;
  if (code === undefined) throw new TestServerError('EBADTYPE', `"${String(type)}" is not a record type`);
  return code;
}

function bumped(soa: RecordOf<'SOA'>): RecordOf<'SOA'> {
  return { ...soa, data: { ...soa.data, serial: (soa.data.serial + 1) >>> 0 } };
}

function madeUpSoa(apex: Name, ttl: number): string {
  return `${fqdn(apex)} ${ttl} IN SOA localhost. hostmaster.${fqdn(apex)} 1 ${SOA_TIMERS} ${ttl}`;
}

function madeUpNs(apex: Name, ttl: number): string {
  return `${fqdn(apex)} ${ttl} IN NS localhost.`;
}

/** Object form: one line per value; a SOA and an apex NS are added when the object has none. */
function objectLines(apex: Name, input: Readonly<Record<string, NameRecords>>, ttl: number): string[] {
  if (input === null || typeof input !== 'object') throw new TestServerError('EBADZONE', `zone ${apex}: expected an object of names or zone text`);
  const lines = [`$ORIGIN ${fqdn(apex)}`, `$TTL ${ttl}`];
  let soa = false;
  let ns = false;
  for (const [owner, records] of Object.entries(input)) {
    if (records === null || typeof records !== 'object') throw new TestServerError('EBADZONE', `zone ${apex}, name "${owner}": expected an object of types, e.g. { A: ['192.0.2.1'] }`);
    const atApex = owner === '@' || canonicalName(parseOwner(apex, owner)) === canonicalName(apex);
    for (const [type, values] of Object.entries(records)) {
      const name = typeToString(typeCode(type));
      if (atApex && name === 'SOA') soa = true;
      if (atApex && name === 'NS') ns = true;
      for (const value of valueList(values, `${owner} ${name}`)) lines.push(`${owner} IN ${name} ${value}`);
    }
  }
  if (!soa) lines.splice(2, 0, madeUpSoa(apex, ttl));
  if (!ns) lines.splice(soa ? 2 : 3, 0, madeUpNs(apex, ttl));
  return lines;
}

/** Text form: the text as written, after a made-up SOA and apex NS when it has none. */
function textLines(apex: Name, text: string, ttl: number): string[] {
  const parsed = parseZone(text, { file: testFile(apex), origin: apex, readInclude: noInclude });
  const key = canonicalName(apex);
  const atApex = (rr: ResourceRecord, type: string) => rr.type === type && canonicalName(rr.name) === key;
  const head = [`$ORIGIN ${fqdn(apex)}`, `$TTL ${ttl}`];
  if (!parsed.records.some((r) => r.rr.type === 'SOA')) head.push(madeUpSoa(apex, ttl));
  if (!parsed.records.some((r) => atApex(r.rr, 'NS'))) head.push(madeUpNs(apex, ttl));
  return [...head, text];
}

/** Loads text to check it; errors name the offending line's text (object zones have no file to look at). */
function load(apex: Name, text: string): { zone: LoadedZone; text: string } {
  const file = testFile(apex);
  try {
    return { zone: loadZoneText(text, { file, origin: apex, readInclude: noInclude }), text };
  } catch (err) {
    if (!(err instanceof ZoneLoadError)) throw err;
    const lines = text.split('\n');
    const quoted = (e: ZoneError) =>
      e.line > 0 && lines[e.line - 1] !== undefined ? new ZoneError(e.code, `${e.reason} in "${lines[e.line - 1].trim()}"`, e.file, e.line, e.column, e.severity) : e;
    throw new ZoneLoadError(file, err.errors.map(quoted), err.warnings);
  }
}

function parseOwner(apex: Name, owner: string): Name {
  try {
    return parseName(owner, apex);
  } catch (err) {
    throw new TestServerError('EBADZONE', `zone ${apex}: "${owner}" is not a domain name: ${(err as Error).message}`);
  }
}

function valueList(values: RecordValues, what: string): readonly string[] {
  const list = typeof values === 'string' ? [values] : values;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
    throw new TestServerError('EBADRECORD', `${what}: values must be a string or an array of strings (presentation format)`);
  }
  for (const v of list) if (/[\n\r]/.test(v)) throw new TestServerError('EBADRECORD', `${what}: a value must be one line: ${JSON.stringify(v)}`);
  return list;
}

function testFile(apex: Name): string {
  return `${apex} (test zone)`;
}

function noInclude(): never {
  throw new TestServerError('EBADZONE', 'a test zone cannot $INCLUDE files');
}
