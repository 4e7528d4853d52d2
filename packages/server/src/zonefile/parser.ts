import path from 'node:path';
import {
  classFromString,
  parseName,
  parseRdata,
  parseTtl,
  TextError,
  typeFromString,
  typeToString,
  type Name,
  type ResourceRecord,
  type TypeName,
} from '@port53/wire';
import { ZoneError, type ZoneErrorCode, type ZoneErrorSeverity } from './errors.js';
import { lexZone, TokenArray, ZoneScanner, type EntryTokens, type ZoneToken } from './lexer.js';
import { parseRange, rangeCount, substitute } from './generate.js';
import { confinedReader, IncludeError, includeCandidates, isInside, isMissing } from './include.js';
import type { ReadBudget } from './read.js';
import { RecordPlaces, type Place } from './places.js';
import { servedRdata } from './rdata-case.js';
import { DEFAULT_MAX_RECORDS, MAX_ERRORS, MAX_GENERATE_RECORDS, MAX_INCLUDE_DEPTH } from './limits.js';

export interface ParseOptions {
  file: string;
  /** The zone's name; without it, a $ORIGIN before the first record, else the file name minus ".zone". */
  origin?: Name;
  /** $INCLUDE files must resolve inside this directory (default: the file's directory). */
  root?: string;
  /** Where a relative $INCLUDE not found beside the including file is looked for (default: `root`). */
  includeBase?: string;
  /** Reads an $INCLUDE file (default: from disk, confined to `root` after resolving symlinks). */
  readInclude?: (file: string) => string;
  /** What the default $INCLUDE reader may still read (shared with the zone file's own read). */
  budget?: ReadBudget;
  maxRecords?: number;
}

/** A parsed record and the place of its owner (or of the line, for a continued owner). */
export interface LocatedRecord extends Place {
  rr: ResourceRecord;
}

export interface ParseResult {
  origin: Name;
  records: LocatedRecord[];
  errors: ZoneError[];
}

/** Parsed records and their places side by side (index i of each is one record). */
export interface ParsedRecords {
  origin: Name;
  records: ResourceRecord[];
  places: RecordPlaces;
  errors: ZoneError[];
}

/** The owner-less fields of a record line: [TTL] [class] type, in either order (RFC 1035 §5.1). */
interface Fields {
  ttl?: number;
  type: TypeName;
  /** Indices of the type token and of the first rdata token. */
  typeAt: number;
  next: number;
}

class Stop extends Error {}

const IN = 1;
const DOLLAR = 0x24;

/** Parses master-file text (RFC 1035 §5) into located records; never throws on bad input. */
export function parseZone(text: string, options: ParseOptions): ParseResult {
  const { origin, records, places, errors } = parseZoneRecords(text, options);
  return { origin, records: records.map((rr, i) => ({ rr, ...places.at(i) })), errors };
}

/** parseZone with the places kept apart from the records, as the loader wants them. */
export function parseZoneRecords(text: string, options: ParseOptions): ParsedRecords {
  const parser = new ZoneParser(options);
  parser.reserve(lineCount(text));
  try {
    parser.parseFile(text, options.file, 0);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return { origin: parser.zoneOrigin(), records: parser.takeRecords(), places: parser.places, errors: parser.errors };
}

/** The zone name implied by a file name: "example.test.zone" → example.test. */
function originFromFileName(file: string): Name {
  return parseName(path.basename(file).replace(/\.zone$/i, ''));
}

class ZoneParser {
  /** Records parsed so far: the first `count` entries (the array is sized before parsing). */
  private records: ResourceRecord[] = [];
  private count = 0;
  places = new RecordPlaces();
  readonly errors: ZoneError[] = [];
  private errorCount = 0;
  private apex: Name | undefined;
  private origin: Name | undefined;
  private defaultTtl: number | undefined;
  private lastTtl: number | undefined;
  /** Owner of the previous record; null after an owner that did not parse (its continuations are skipped). */
  private lastOwner: Name | null | undefined;
  /** Type tokens already read (as written) and the types they name, side by side; a few dozen at most. */
  private readonly typeTexts: string[] = [];
  private readonly typeNames: TypeName[] = [];
  /** The last owner text parsed, the origin it was completed with, and the name it gave. */
  private ownerText: string | undefined;
  private ownerOrigin: Name | undefined;
  private ownerName: Name | undefined;
  private readonly root: string;
  private readonly includeBase: string;
  private readonly read: (file: string) => string;
  private readonly maxRecords: number;

  constructor(private readonly options: ParseOptions) {
    this.root = options.root ?? path.dirname(options.file);
    this.includeBase = options.includeBase ?? this.root;
    this.read = options.readInclude ?? confinedReader(this.root, options.budget);
    this.maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    if (options.origin !== undefined) this.apex = this.origin = parseName(options.origin);
  }

  /**
   * Room for about `records` records up front: a million pushes would leave a trail of ever
   * larger copies of the array for the garbage collector.
   */
  reserve(records: number): void {
    const expected = Math.min(records, this.maxRecords);
    this.records = new Array<ResourceRecord>(expected);
    this.places = new RecordPlaces(expected);
  }

  /** The parsed records, the array trimmed to their number. */
  takeRecords(): ResourceRecord[] {
    this.records.length = this.count;
    return this.records;
  }

  zoneOrigin(): Name {
    if (this.apex === undefined) {
      try {
        this.apex = originFromFileName(this.options.file);
      } catch {
        return '.';
      }
    }
    return this.apex;
  }

  parseFile(text: string, file: string, depth: number): void {
    const report = (code: ZoneErrorCode, reason: string, line: number, column: number) =>
      this.report(code, reason, { file, line, column });
    const scanner = new ZoneScanner(text, report);
    while (scanner.next()) {
      if (!scanner.blankOwner && !scanner.quoted(0) && scanner.firstCode(0) === DOLLAR) this.directive(scanner.tokens(), file, depth);
      else this.record(scanner, file);
    }
  }

  private report(code: ZoneErrorCode, reason: string, at: Place, severity: ZoneErrorSeverity = 'error'): void {
    this.errors.push(new ZoneError(code, reason, at.file, at.line, at.column, severity));
    if (severity === 'error' && ++this.errorCount >= MAX_ERRORS) {
      this.errors.push(new ZoneError('TOO_MANY_ERRORS', `${MAX_ERRORS} errors, giving up on this file`, at.file, at.line, at.column));
      throw new Stop();
    }
  }

  /** The origin relative names are completed with; the first use fixes the zone's name if nothing did. */
  private currentOrigin(file: string, line: number, column: number): Name {
    if (this.origin === undefined) {
      try {
        this.origin = this.apex = originFromFileName(this.options.file);
      } catch {
        this.report('NO_ORIGIN', `no $ORIGIN and the file name "${path.basename(this.options.file)}" is not a zone name`, { file, line, column });
        throw new Stop();
      }
    }
    return this.origin;
  }

  private directive(tokens: ZoneToken[], file: string, depth: number): void {
    const [name, ...args] = tokens;
    const at = place(file, name);
    switch (name.text.toUpperCase()) {
      case '$ORIGIN': {
        if (args.length !== 1) return this.report('BAD_DIRECTIVE', '$ORIGIN takes one domain name', at);
        const origin = this.tokenName(args[0], file, this.origin);
        if (origin === undefined) return;
        this.origin = origin;
        this.apex ??= origin; // a $ORIGIN before any record names the zone
        return;
      }
      case '$TTL': {
        if (args.length !== 1) return this.report('BAD_DIRECTIVE', '$TTL takes one TTL', at);
        const ttl = parseTtl(args[0].text);
        if (ttl === undefined) return this.badTtl(args[0].text, file, args[0].line, args[0].column);
        this.defaultTtl = ttl;
        return;
      }
      case '$INCLUDE':
        return this.include(args, at, depth);
      case '$GENERATE':
        return this.generate(args, at, file);
      default:
        return this.report('UNKNOWN_DIRECTIVE', `unknown directive ${name.text}`, at);
    }
  }

  /** RFC 1035 §5.1 $INCLUDE <file> [<origin>]: the origin and owner revert afterwards; $TTL does not (as BIND). */
  private include(args: ZoneToken[], at: Place, depth: number): void {
    if (args.length < 1 || args.length > 2) return this.report('BAD_DIRECTIVE', '$INCLUDE takes a file name and an optional origin', at);
    const target = args[0];
    const targetAt = place(at.file, target);
    if (depth + 1 > MAX_INCLUDE_DEPTH) {
      return this.report('INCLUDE_DEPTH', `$INCLUDE nested more than ${MAX_INCLUDE_DEPTH} deep (an include loop?)`, targetAt);
    }
    // Never outside the directory that holds the zones, whichever place would have the file.
    const places = includeCandidates(at.file, target.text, this.includeBase);
    const candidates = places.filter((c) => isInside(this.root, c));
    if (candidates.length === 0) {
      return this.report('INCLUDE_OUTSIDE_ROOT', `$INCLUDE "${target.text}" is outside the zones directory "${this.root}"`, targetAt);
    }
    let origin = this.currentOrigin(at.file, at.line, at.column);
    if (args.length === 2) {
      const named = this.tokenName(args[1], at.file, origin);
      if (named === undefined) return;
      origin = named;
    }
    let text: string | undefined;
    let resolved = candidates[0];
    for (const candidate of candidates) {
      try {
        text = this.read(candidate);
        resolved = candidate;
        break;
      } catch (e) {
        if (isMissing(e) && candidate !== candidates.at(-1)) continue;
        const code = e instanceof IncludeError ? e.code : 'INCLUDE_UNREADABLE';
        const outside = places.filter((c) => !candidates.includes(c)).map((c) => `; "${c}" is outside the zones directory "${this.root}"`).join('');
        const why = places.length > 1 && isMissing(e) ? `$INCLUDE "${target.text}" is in none of ${candidates.map((c) => `"${c}"`).join(', ')}${outside}` : (e as Error).message;
        return this.report(code, why, targetAt);
      }
    }
    if (text === undefined) return;
    const saved = { origin: this.origin, lastOwner: this.lastOwner };
    this.origin = origin;
    try {
      this.parseFile(text, resolved, depth + 1);
    } finally {
      this.origin = saved.origin;
      this.lastOwner = saved.lastOwner;
    }
  }

  /** BIND's $GENERATE range owner [ttl] [class] type rdata: one record per value, `$` replaced. */
  private generate(args: ZoneToken[], at: Place, file: string): void {
    if (args.length < 4) return this.report('BAD_DIRECTIVE', '$GENERATE takes a range, an owner, [TTL] [class] a type and rdata', at);
    const range = parseRange(args[0].text);
    if (range === undefined) {
      return this.report('BAD_DIRECTIVE', `bad $GENERATE range "${args[0].text}" (expected start-stop[/step])`, place(file, args[0]));
    }
    const count = rangeCount(range);
    if (count > MAX_GENERATE_RECORDS) {
      return this.report('GENERATE_TOO_MANY', `$GENERATE range gives ${count} records (max ${MAX_GENERATE_RECORDS})`, place(file, args[0]));
    }
    const lhs = args[1];
    const fields = this.fields(new TokenArray(args), 2, file);
    if (fields === undefined) return;
    const templates = args.slice(fields.next);
    if (templates.length === 0) return this.report('MISSING_FIELD', `no rdata for ${fields.type}`, place(file, args[fields.typeAt]));
    const head = args.slice(0, fields.next);
    const origin = this.currentOrigin(at.file, at.line, at.column);
    for (let value = range.start; value <= range.stop; value += range.step) {
      let ownerText: string;
      let tokens: ZoneToken[];
      try {
        ownerText = substitute(lhs.text, value);
        tokens = templates.map((t) => ({ ...t, text: substitute(t.text, value) }));
      } catch (e) {
        return this.report('BAD_DIRECTIVE', (e as Error).message, at);
      }
      // BIND takes the rdata as one token; a quoted one with blanks holds several fields.
      if (tokens.length === 1 && tokens[0].quoted && /\s/.test(tokens[0].text)) tokens = relex(tokens[0]);
      const owner = this.name(ownerText, lhs.quoted, file, lhs.line, lhs.column, origin);
      if (owner === undefined) return;
      // The rdata read at its index after the fields, whose indices (the type's) are the directive's.
      if (!this.add(owner, fields, new TokenArray(head.concat(tokens)), origin, file, lhs.line, lhs.column)) return;
    }
  }

  private record(entry: ZoneScanner, file: string): void {
    let owner: Name | undefined;
    let next = 0;
    const line = entry.entryLine;
    if (entry.blankOwner) {
      if (this.lastOwner === null) return; // the previous owner was already reported
      if (this.lastOwner === undefined) return this.report('NO_OWNER', 'no owner: a line starting with a blank continues a previous record', placeAt(file, entry, 0));
      owner = this.lastOwner;
    } else {
      const quoted = entry.quoted(0);
      const origin = this.currentOrigin(file, line, 1);
      // Consecutive lines often repeat an owner: one parse, and one string shared by its records.
      if (!quoted && this.ownerText !== undefined && origin === this.ownerOrigin && entry.is(0, this.ownerText)) owner = this.ownerName;
      else {
        const text = entry.text(0);
        owner = this.name(text, quoted, file, entry.line(0), entry.column(0), origin);
        if (owner !== undefined && !quoted) {
          this.ownerText = text;
          this.ownerOrigin = origin;
          this.ownerName = owner;
        }
      }
      this.lastOwner = owner ?? null;
      if (owner === undefined) return;
      next = 1;
    }
    const fields = this.fields(entry, next, file);
    if (fields === undefined) return;
    this.add(owner, fields, entry, this.currentOrigin(file, line, 1), file, line, 1);
  }

  /** Parses the rdata (tokens from fields.next on) and appends the record; false when it failed (reported). */
  private add(owner: Name, fields: Fields, tokens: EntryTokens, origin: Name, file: string, line: number, column: number): boolean {
    const { type, typeAt, next } = fields;
    let data: ResourceRecord['data'];
    const rdata = tokens.rest(next);
    try {
      data = servedRdata(type, parseRdata(type, rdata, origin));
    } catch (e) {
      if (!(e instanceof TextError)) throw e;
      const n = rdata.length;
      const k = e.token === undefined ? 0 : Math.min(e.token, n - 1);
      this.report(e.code, e.message, placeAt(file, tokens, n === 0 || k < 0 ? typeAt : next + k));
      return false;
    }
    let ttl = fields.ttl ?? this.defaultTtl ?? this.lastTtl;
    if (ttl === undefined) {
      if (type !== 'SOA') {
        this.report('NO_TTL', 'no TTL: give one, or a $TTL before the first record', placeAt(file, tokens, typeAt));
        return false;
      }
      ttl = (data as { minimum: number }).minimum;
      this.report('NO_TTL', `no TTL and no $TTL: the SOA takes its MINIMUM, ${ttl}`, placeAt(file, tokens, typeAt), 'warning');
    }
    this.lastTtl = ttl;
    if (this.count >= this.maxRecords) {
      this.report('TOO_MANY_RECORDS', `more than ${this.maxRecords} records in the zone`, { file, line, column });
      throw new Stop();
    }
    const rr = { name: owner, type, class: 'IN', ttl, data } as ResourceRecord;
    this.records[this.count++] = rr;
    this.places.push(file, line, column);
    return true;
  }

  /** [TTL] [class] type starting at tokens[start]; undefined when reported. */
  private fields(tokens: EntryTokens, start: number, file: string): Fields | undefined {
    let ttl: number | undefined;
    let classSeen = false;
    let i = start;
    for (; i < tokens.length && i < start + 2; i++) {
      if (tokens.quoted(i)) break;
      const c = tokens.firstCode(i);
      if (ttl === undefined && c >= 0x30 && c <= 0x39) {
        ttl = parseTtl(tokens.text(i));
        if (ttl === undefined) return this.badTtl(tokens.text(i), file, tokens.line(i), tokens.column(i));
        continue;
      }
      const cls = classSeen ? undefined : tokens.is(i, 'IN') ? IN : classFromString(tokens.text(i));
      if (cls === undefined) break;
      if (cls !== IN) {
        this.report('WRONG_CLASS', `class ${tokens.text(i)} in an IN zone (every record of a zone has the zone's class)`, placeAt(file, tokens, i));
        return undefined;
      }
      classSeen = true;
    }
    if (i >= tokens.length) {
      this.report('MISSING_FIELD', 'no type', placeAt(file, tokens, tokens.length - 1));
      return undefined;
    }
    const quoted = tokens.quoted(i);
    if (!quoted) {
      for (let k = 0; k < this.typeTexts.length; k++) {
        if (tokens.is(i, this.typeTexts[k])) return { ttl, type: this.typeNames[k], typeAt: i, next: i + 1 };
      }
    }
    const text = tokens.text(i);
    const code = quoted ? undefined : typeFromString(text);
    if (code === undefined) {
      const what = /^\d/.test(text) ? 'a second TTL' : `unknown type "${text}"`;
      this.report('BAD_TYPE', `${what} (unknown types are written TYPEn with \\# rdata, RFC 3597)`, placeAt(file, tokens, i));
      return undefined;
    }
    // RFC 6895 §3.1: 0 is reserved, OPT is a pseudo-record, 128-255 are query and meta types.
    if (code === 0 || code === 41 || (code >= 128 && code <= 255)) {
      this.report('BAD_TYPE', `${typeToString(code)} is not a record type that can be in a zone`, placeAt(file, tokens, i));
      return undefined;
    }
    const type = typeToString(code) as TypeName;
    if (this.typeTexts.length < 64) {
      this.typeTexts.push(text);
      this.typeNames.push(type);
    }
    return { ttl, type, typeAt: i, next: i + 1 };
  }

  private tokenName(token: ZoneToken, file: string, origin: Name | undefined): Name | undefined {
    return this.name(token.text, token.quoted, file, token.line, token.column, origin);
  }

  private name(text: string, quoted: boolean, file: string, line: number, column: number, origin: Name | undefined): Name | undefined {
    try {
      if (quoted) throw new TextError('BAD_NAME', `a domain name cannot be quoted: "${text}"`);
      return parseName(text, origin);
    } catch (e) {
      if (!(e instanceof TextError)) throw e;
      this.report(e.code, e.message, { file, line, column });
      return undefined;
    }
  }

  private badTtl(text: string, file: string, line: number, column: number): undefined {
    this.report('BAD_TTL', `bad TTL "${text}" (seconds up to 2147483647, or units like 1w2d3h4m5s)`, { file, line, column });
    return undefined;
  }
}

/** Lines in the text: at most one record each, unless $GENERATE or $INCLUDE add more. */
function lineCount(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

function place(file: string, token: ZoneToken): Place {
  return { file, line: token.line, column: token.column };
}

function placeAt(file: string, tokens: EntryTokens, i: number): Place {
  return { file, line: tokens.line(i), column: tokens.column(i) };
}

/** Splits a substituted $GENERATE rdata string into tokens, all placed at the original token. */
function relex(token: ZoneToken): ZoneToken[] {
  const out: ZoneToken[] = [];
  for (const entry of lexZone(token.text, () => undefined)) {
    for (const t of entry.tokens) out.push({ ...t, line: token.line, column: token.column });
  }
  return out;
}
