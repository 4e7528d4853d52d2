import { Rcode, type RecordOf, type ResourceRecord, type TypeName } from '@port53/wire';
import type { QueryResult } from '../index.js';
import { parseNaptr } from '../results/naptr.js';
import { nodeName, toMx, toName, toSoa, toSrv } from '../results/node-shapes.js';

/** node:dns's names for its queries: each is also the error's `syscall` ('queryA ENOTFOUND name'). */
export const BINDINGS = {
  resolveAny: ['queryAny', 'ANY'],
  resolve4: ['queryA', 'A'],
  resolve6: ['queryAaaa', 'AAAA'],
  resolveCaa: ['queryCaa', 'CAA'],
  resolveCname: ['queryCname', 'CNAME'],
  resolveMx: ['queryMx', 'MX'],
  resolveNs: ['queryNs', 'NS'],
  resolveTxt: ['queryTxt', 'TXT'],
  resolveSrv: ['querySrv', 'SRV'],
  resolvePtr: ['queryPtr', 'PTR'],
  resolveNaptr: ['queryNaptr', 'NAPTR'],
  resolveSoa: ['querySoa', 'SOA'],
  reverse: ['getHostByAddr', 'PTR'],
} as const satisfies Record<string, readonly [string, TypeName]>;

export type MethodName = keyof typeof BINDINGS;

/** The query methods of node:dns's Resolvers (callback and promise), `resolve` included. */
export const RESOLVER_METHODS = [
  'resolve',
  'resolve4',
  'resolve6',
  'resolveAny',
  'resolveCaa',
  'resolveCname',
  'resolveMx',
  'resolveNaptr',
  'resolveNs',
  'resolvePtr',
  'resolveSoa',
  'resolveSrv',
  'resolveTxt',
  'reverse',
] as const;

export type ResolverMethodName = (typeof RESOLVER_METHODS)[number];

/** The rrtype argument of resolve(): node:dns's map, case-sensitive as node's. */
export const RESOLVE_MAP: Record<string, MethodName> = {
  A: 'resolve4',
  AAAA: 'resolve6',
  ANY: 'resolveAny',
  CAA: 'resolveCaa',
  CNAME: 'resolveCname',
  MX: 'resolveMx',
  NAPTR: 'resolveNaptr',
  NS: 'resolveNs',
  PTR: 'resolvePtr',
  SOA: 'resolveSoa',
  SRV: 'resolveSrv',
  TXT: 'resolveTxt',
};

/** Why a response gives no value: a node:dns code ('ENODATA', 'EBADRESP', ...). */
export class NoValue {
  constructor(readonly code: string) {}
}

const RCODE_CODES: Partial<Record<number, string>> = {
  [Rcode.FORMERR]: 'EFORMERR',
  [Rcode.SERVFAIL]: 'ESERVFAIL',
  [Rcode.NXDOMAIN]: 'ENOTFOUND',
  [Rcode.NOTIMP]: 'ENOTIMP',
  [Rcode.REFUSED]: 'EREFUSED',
};

/** Latin-1, as node:dns turns c-ares' octets into strings (one char per octet). */
const latin1 = new TextDecoder('latin1');

/**
 * The value node:dns gives for `result`, read as c-ares 1.34 reads a response (ares_addrinfo,
 * ares_parse_*_reply): records are taken from the whole answer section whatever their owner (c-ares
 * dropped its owner checks, issue #683); an empty answer section is ENODATA; an answer without the
 * type asked for is [] (ENODATA for NS and PTR, EBADRESP for SOA). Returns a NoValue when node:dns
 * would fail; the caller turns it into the error.
 */
export function answerValue(method: MethodName, result: QueryResult, ttl: boolean): unknown {
  if (result.rcode !== Rcode.NOERROR) return new NoValue(RCODE_CODES[result.rcode] ?? 'EBADRESP');
  const answers = result.answers;
  if (answers.length === 0) return new NoValue('ENODATA');
  switch (method) {
    case 'resolve4':
    case 'resolve6': {
      const list = addressList(answers, method === 'resolve4' ? 'A' : 'AAAA', ttl);
      // Neither an address nor a CNAME: ENODATA; a CNAME alone: [] (its target's records were not sent).
      return list.length === 0 && ofType(answers, 'CNAME').length === 0 ? new NoValue('ENODATA') : list;
    }
    case 'resolveCname': {
      const name = aliasTarget(answers, result);
      return name === undefined ? new NoValue('ENODATA') : [name];
    }
    case 'resolveMx':
      return ofType(answers, 'MX').map(toMx);
    case 'resolveNs':
      return some(ofType(answers, 'NS').map(toName));
    case 'resolveTxt':
      return ofType(answers, 'TXT').map(txtEntries);
    case 'resolveSrv':
      return ofType(answers, 'SRV').map(toSrv);
    case 'resolvePtr':
    case 'reverse':
      return some(ofType(answers, 'PTR').map(toName));
    case 'resolveNaptr':
      return answers.map(parseNaptr).filter((r) => r !== undefined);
    case 'resolveCaa':
      return ofType(answers, 'CAA').map(caa);
    case 'resolveSoa': {
      const soa = ofType(answers, 'SOA')[0];
      return soa ? toSoa(soa) : new NoValue('EBADRESP');
    }
    case 'resolveAny':
      return anyList(answers, result);
  }
}

/** A or AAAA records of any owner; each TTL capped by the answer's CNAMEs' (ares_addrinfo2addrttl). */
function addressList(answers: readonly ResourceRecord[], type: 'A' | 'AAAA', ttl: boolean): string[] | { address: string; ttl: number }[] {
  const records = ofType(answers, type);
  if (!ttl) return records.map((r) => r.data);
  const cnameTtl = Math.min(...ofType(answers, 'CNAME').map((r) => r.ttl));
  return records.map((r) => ({ address: r.data, ttl: Math.min(r.ttl, cnameTtl) }));
}

/**
 * resolveCname's one name (ares_parse_a_reply's h_name): the first CNAME's target; with no CNAME
 * but addresses, the question's name; undefined when there is neither.
 */
function aliasTarget(answers: readonly ResourceRecord[], result: QueryResult): string | undefined {
  const cname = ofType(answers, 'CNAME')[0];
  if (cname) return nodeName(cname.data);
  if (answers.some((r) => r.type === 'A')) return result.questions[0]?.name;
  return undefined;
}

/**
 * resolveAny's list in node's order (cares_wrap.cc QueryAnyWrap): A (or, when the answer has a
 * CNAME, that CNAME instead), AAAA, MX, NS, TXT, SRV, PTR, NAPTR, one SOA, CAA; `type` last.
 */
function anyList(answers: readonly ResourceRecord[], result: QueryResult): unknown[] {
  const out: unknown[] = [];
  const cname = aliasTarget(answers, result);
  if (ofType(answers, 'CNAME').length > 0 && cname !== undefined) out.push({ value: cname, type: 'CNAME' });
  else for (const a of addressList(answers, 'A', true) as { address: string; ttl: number }[]) out.push({ ...a, type: 'A' });
  for (const a of addressList(answers, 'AAAA', true) as { address: string; ttl: number }[]) out.push({ ...a, type: 'AAAA' });
  for (const r of ofType(answers, 'MX')) out.push({ ...toMx(r), type: 'MX' });
  for (const r of ofType(answers, 'NS')) out.push({ value: toName(r), type: 'NS' });
  for (const r of ofType(answers, 'TXT')) out.push({ entries: txtEntries(r), type: 'TXT' });
  for (const r of ofType(answers, 'SRV')) out.push({ ...toSrv(r), type: 'SRV' });
  for (const r of ofType(answers, 'PTR')) out.push({ value: toName(r), type: 'PTR' });
  for (const r of answers) {
    const naptr = parseNaptr(r);
    if (naptr) out.push({ ...naptr, type: 'NAPTR' });
  }
  const soa = ofType(answers, 'SOA')[0];
  if (soa) out.push({ ...toSoa(soa), type: 'SOA' });
  for (const r of ofType(answers, 'CAA')) out.push({ ...caa(r), type: 'CAA' });
  return out;
}

function ofType<T extends 'A' | 'AAAA' | 'CNAME' | 'MX' | 'NS' | 'TXT' | 'SRV' | 'PTR' | 'CAA' | 'SOA'>(answers: readonly ResourceRecord[], type: T): RecordOf<T>[] {
  return answers.filter((r): r is RecordOf<T> => r.type === type);
}

function some<T>(list: T[]): T[] | NoValue {
  return list.length > 0 ? list : new NoValue('ENODATA');
}

const txtEntries = (r: RecordOf<'TXT'>): string[] => r.data.map((s) => latin1.decode(s));

/** node's CAA shape, the value's octets one char each as node makes them. */
function caa(r: RecordOf<'CAA'>): { critical: number; [tag: string]: string | number } {
  return { critical: r.data.flags, [r.data.tag]: latin1.decode(r.data.value) };
}
