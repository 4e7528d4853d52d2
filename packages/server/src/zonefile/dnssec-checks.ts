/**
 * Warnings about a pre-signed zone, as `kzonecheck -d on` and `ldns-verify-zone` give them:
 * signatures outside their validity window (RFC 4034 §3.1.5), and an NSEC (RFC 4034 §4.1.1) or
 * NSEC3 (RFC 5155 §3.1.7) chain that does not link every authoritative name in order. They are
 * warnings: the zone is served as signed, and validators will say what they make of it.
 */
import {
  canonicalName, canonicalOrderKey, compareCanonicalKeys, compareOctets, fqdn, fromBase32Hex, isCanonicalSubdomain,
  nsec3Hash, NSEC3_OPT_OUT, readNsec, readNsec3, readNsec3Params, readRrsigTimes, sameNsec3Chain, splitName, toBase32Hex,
  typeToString,
} from '@port53/wire';
import type { Name, Nsec3Params, ResourceRecord } from '@port53/wire';
import type { ZoneErrorCode } from './errors.js';

/** A warning about the record at `index` of the records given. */
export type SignedZoneReport = (index: number, code: ZoneErrorCode, reason: string) => void;

/** RFC 1982 serial comparison of two 32-bit times: negative when a is before b. */
function serialCompare(a: number, b: number): number {
  const d = (a - b) >>> 0;
  return d === 0 ? 0 : d < 0x80000000 ? 1 : -1;
}

function timeText(t: number): string {
  return new Date(t * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * Checks the signed parts of a zone's records (those at `indices`, all inside the zone); `now` is
 * seconds since 1970. Each kind of problem is reported once, at its first record, with a count.
 */
export function checkSignedZone(origin: Name, records: readonly ResourceRecord[], indices: ArrayLike<number>, now: number, report: SignedZoneReport): void {
  const apex = canonicalName(origin);
  const now32 = now >>> 0;
  const expired: number[] = [];
  const early: number[] = [];
  const nsec: number[] = [];
  const nsec3: number[] = [];
  const owners = new Set<Name>();
  const cuts = new Set<Name>();
  const withDs = new Set<Name>();
  let param: Nsec3Params | undefined;
  let signed = false;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const rr = records[i];
    const key = canonicalName(rr.name);
    if (rr.type === 'RRSIG' && rr.data instanceof Uint8Array) {
      signed = true;
      const times = readRrsigTimes(rr.data);
      if (times && serialCompare(times.expiration, now32) < 0) expired.push(i);
      else if (times && serialCompare(times.inception, now32) > 0) early.push(i);
      continue;
    }
    if (rr.type === 'NSEC') nsec.push(i);
    else if (rr.type === 'NSEC3') {
      nsec3.push(i);
      continue;
    } else if (rr.type === 'NSEC3PARAM' && key === apex && rr.data instanceof Uint8Array) param ??= readNsec3Params(rr.data);
    else if (rr.type === 'NS' && key !== apex) cuts.add(key);
    else if (rr.type === 'DS') withDs.add(key);
    owners.add(key);
  }
  const first = (list: number[], what: string) => `${list.length} ${what} (the first: ${fqdn(records[list[0]].name)} ${rrsigCovers(records[list[0]])})`;
  if (expired.length > 0) report(expired[0], 'RRSIG_EXPIRED', `${first(expired, 'signatures have expired')}, expired ${timeText(readRrsigTimes(records[expired[0]].data as Uint8Array)!.expiration)}`);
  if (early.length > 0) report(early[0], 'RRSIG_NOT_YET_VALID', `${first(early, 'signatures are not valid yet')}, valid from ${timeText(readRrsigTimes(records[early[0]].data as Uint8Array)!.inception)}`);

  // Authoritative names: every owner except those below a cut (glue), and the empty non-terminals above them.
  // Chains matter to validators only: NSEC or NSEC3 records without any RRSIG are data, not a chain.
  if (!signed) return;
  const glue = (key: Name) => [...cuts].some((cut) => key !== cut && isCanonicalSubdomain(key, cut));
  const authoritative = [...owners].filter((o) => !glue(o));
  if (nsec.length > 0) checkNsecChain(apex, records, nsec, authoritative, report);
  if (nsec3.length > 0) {
    if (!param) report(nsec3[0], 'NSEC3_CHAIN', `NSEC3 records but no NSEC3PARAM at ${fqdn(origin)}: no chain is selected`);
    else checkNsec3Chain(apex, records, nsec3, param, authoritative, cuts, withDs, report);
  }
}

function rrsigCovers(rr: ResourceRecord): string {
  const times = rr.data instanceof Uint8Array ? readRrsigTimes(rr.data) : undefined;
  return times ? `RRSIG ${typeToString(times.typeCovered)}` : 'RRSIG';
}

/** Every authoritative name has an NSEC, and each names the next owner in canonical order, the last the apex. */
function checkNsecChain(apex: Name, records: readonly ResourceRecord[], nsec: number[], authoritative: Name[], report: SignedZoneReport): void {
  const byOwner = new Map<Name, number>();
  for (const i of nsec) byOwner.set(canonicalName(records[i].name), i);
  const missing = authoritative.filter((o) => !byOwner.has(o));
  if (missing.length > 0) report(nsec[0], 'NSEC_CHAIN', `${missing.length} names have no NSEC (the first: ${fqdn(missing[0])})`);
  const sorted = [...byOwner.keys()].map((name) => ({ name, key: canonicalOrderKey(name) })).sort((a, b) => compareCanonicalKeys(a.key, b.key));
  const broken: string[] = [];
  let firstBroken = -1;
  for (let s = 0; s < sorted.length; s++) {
    const i = byOwner.get(sorted[s].name)!;
    const fields = records[i].data instanceof Uint8Array ? readNsec(records[i].data as Uint8Array) : undefined;
    const expected = s + 1 < sorted.length ? sorted[s + 1].name : apex;
    if (!fields || canonicalName(fields.next) !== expected) {
      if (firstBroken < 0) firstBroken = i;
      broken.push(`${fqdn(sorted[s].name)} points to ${fields ? fqdn(fields.next) : 'nothing readable'}, not ${fqdn(expected)}`);
    }
  }
  if (broken.length > 0) report(firstBroken, 'NSEC_CHAIN', `the NSEC chain is broken in ${broken.length} places (the first: ${broken[0]})`);
}

/**
 * The NSEC3 records of NSEC3PARAM's chain link their hashes in order, the last back to the first,
 * and every authoritative name's hash is among them, except insecure delegations (and the empty
 * non-terminals above them) that an opt-out span covers (RFC 5155 §6).
 */
function checkNsec3Chain(
  apex: Name, records: readonly ResourceRecord[], nsec3: number[], param: Nsec3Params, authoritative: Name[],
  cuts: ReadonlySet<Name>, withDs: ReadonlySet<Name>, report: SignedZoneReport,
): void {
  const links: { hash: Uint8Array; next: Uint8Array; optOut: boolean; index: number }[] = [];
  for (const i of nsec3) {
    const rr = records[i];
    const fields = rr.data instanceof Uint8Array ? readNsec3(rr.data) : undefined;
    if (!fields || !sameNsec3Chain(fields, param)) continue;
    const labels = splitName(canonicalName(rr.name));
    const hash = fromBase32Hex(labels[0] ?? '');
    if (!hash || labels.length !== splitName(apex).length + 1 || !isCanonicalSubdomain(canonicalName(rr.name), apex)) {
      report(i, 'NSEC3_CHAIN', `${fqdn(rr.name)}: an NSEC3 owner must be one base32hex label below the apex`);
      continue;
    }
    links.push({ hash, next: fields.nextHashed, optOut: (fields.flags & NSEC3_OPT_OUT) !== 0, index: i });
  }
  if (links.length === 0) {
    report(nsec3[0], 'NSEC3_CHAIN', `no NSEC3 record matches NSEC3PARAM (${param.iterations} iterations, salt ${Buffer.from(param.salt).toString('hex') || '-'})`);
    return;
  }
  links.sort((a, b) => compareOctets(a.hash, b.hash));
  const broken: string[] = [];
  let firstBroken = -1;
  for (let s = 0; s < links.length; s++) {
    const expected = links[(s + 1) % links.length].hash;
    if (compareOctets(links[s].next, expected) !== 0) {
      if (firstBroken < 0) firstBroken = links[s].index;
      broken.push(`${toBase32Hex(links[s].hash)} points to ${toBase32Hex(links[s].next)}, not ${toBase32Hex(expected)}`);
    }
  }
  if (broken.length > 0) report(firstBroken, 'NSEC3_CHAIN', `the NSEC3 chain is broken in ${broken.length} places (the first: ${broken[0]})`);
  const optOut = links.some((l) => l.optOut);
  const hashes = new Set(links.map((l) => toBase32Hex(l.hash)));
  // Opt-out lets insecure delegations go without an NSEC3; empty non-terminals are not checked then.
  const names = new Set(authoritative.filter((o) => !(optOut && cuts.has(o) && !withDs.has(o))));
  if (!optOut) for (const o of authoritative) for (let p = parentOf(o); p !== undefined && p !== apex && isCanonicalSubdomain(p, apex); p = parentOf(p)) names.add(p);
  const missing = [...names].filter((n) => !hashes.has(toBase32Hex(nsec3Hash(n, param.salt, param.iterations))));
  if (missing.length > 0) report(links[0].index, 'NSEC3_CHAIN', `${missing.length} names have no NSEC3 in the chain (the first: ${fqdn(missing[0])})`);
}

function parentOf(key: Name): Name | undefined {
  const labels = splitName(key);
  return labels.length <= 1 ? undefined : labels.slice(1).join('.');
}
