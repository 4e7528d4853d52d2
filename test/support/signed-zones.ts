/**
 * Signed fixture zones for the DNSSEC interop tests: one template of our own (test/interop/zones/
 * signed.zone.in) signed by ldns-signzone and by BIND's dnssec-signzone with NSEC, NSEC3 and NSEC3
 * opt-out, each under its own origin, plus the unsigned child zone of each insecure delegation.
 * Keys are ECDSA P-256 (fast to make), made afresh in a temporary directory for every run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ZoneSpec } from './reference-servers.mjs';

const TEMPLATE = join(import.meta.dirname, '..', 'interop', 'zones', 'signed.zone.in');
const CHILD = join(import.meta.dirname, '..', 'interop', 'zones', 'unsigned-child.zone.in');

export type Signer = 'ldns' | 'bind';
export type Denial = 'nsec' | 'nsec3' | 'optout';

export interface SignedZone extends ZoneSpec {
  signer: Signer;
  denial: Denial;
  /** The KSK as delv's trust anchor: `flags protocol algorithm base64`. */
  ksk: string;
  /** The unsigned zone below its insecure delegation `insecure.<origin>`. */
  child: ZoneSpec;
}

/** The tools signing needs: ldns-keygen, ldns-signzone, dnssec-keygen, dnssec-signzone. */
export const SIGNING_TOOLS = ['ldns-keygen', 'ldns-signzone', 'dnssec-keygen', 'dnssec-signzone'];

/** Writes and signs the six variants in `dir`; `tools` maps tool names to paths. */
export function signFixtureZones(dir: string, tools: Record<string, string>): SignedZone[] {
  const template = readFileSync(TEMPLATE, 'utf8');
  const child = readFileSync(CHILD, 'utf8');
  const zones: SignedZone[] = [];
  for (const signer of ['ldns', 'bind'] as const) {
    for (const denial of ['nsec', 'nsec3', 'optout'] as const) {
      const origin = `${signer}-${denial}.test`;
      const work = join(dir, origin);
      mkdirSync(work, { recursive: true });
      const unsigned = join(work, 'unsigned.zone');
      writeFileSync(unsigned, template.replaceAll('@ORIGIN@', origin));
      const childSpec = { origin: `insecure.${origin}`, file: join(work, 'child.zone') };
      writeFileSync(childSpec.file, child.replaceAll('@ORIGIN@', childSpec.origin));
      const file = join(work, 'signed.zone');
      const ksk = signer === 'ldns' ? signWithLdns(tools, work, origin, unsigned, file, denial) : signWithBind(tools, work, origin, unsigned, file, denial);
      zones.push({ origin, file, signer, denial, ksk, child: childSpec });
    }
  }
  return zones;
}

function run(tool: string, args: string[], cwd: string): string {
  return execFileSync(tool, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function signWithLdns(tools: Record<string, string>, work: string, origin: string, unsigned: string, out: string, denial: Denial): string {
  const ksk = run(tools['ldns-keygen'], ['-a', 'ECDSAP256SHA256', '-k', origin], work).trim();
  const zsk = run(tools['ldns-keygen'], ['-a', 'ECDSAP256SHA256', origin], work).trim();
  // -n NSEC3 (-s salt, -t iterations), -p opt-out.
  const nsec3 = denial === 'nsec' ? [] : ['-n', '-s', 'c0ffee', '-t', '3', ...(denial === 'optout' ? ['-p'] : [])];
  run(tools['ldns-signzone'], [...nsec3, '-f', out, unsigned, ksk, zsk], work);
  return anchorOf(join(work, `${ksk}.key`));
}

function signWithBind(tools: Record<string, string>, work: string, origin: string, unsigned: string, out: string, denial: Denial): string {
  run(tools['dnssec-keygen'], ['-q', '-a', 'ECDSAP256SHA256', '-f', 'KSK', '-K', work, origin], work);
  run(tools['dnssec-keygen'], ['-q', '-a', 'ECDSAP256SHA256', '-K', work, origin], work);
  // -3 salt with -H iterations, -A opt-out; -S finds the keys in -K and adds their DNSKEYs.
  const nsec3 = denial === 'nsec' ? [] : ['-3', 'beef', '-H', '2', ...(denial === 'optout' ? ['-A'] : [])];
  run(tools['dnssec-signzone'], ['-q', '-S', '-K', work, '-o', origin, '-f', out, ...nsec3, unsigned], work);
  const kskFile = readdirSync(work).find((f) => f.endsWith('.key') && /\sDNSKEY\s+257\s/.test(readFileSync(join(work, f), 'utf8')));
  if (!kskFile) throw new Error(`dnssec-keygen made no KSK for ${origin}`);
  return anchorOf(join(work, kskFile));
}

/** The DNSKEY rdata of a key file (`origin. [ttl] IN DNSKEY 257 3 13 base64...`, comments dropped). */
function anchorOf(keyFile: string): string {
  const line = readFileSync(keyFile, 'utf8')
    .split('\n')
    .map((l) => l.replace(/;.*/, '').trim())
    .find((l) => /\sDNSKEY\s/.test(l));
  if (!line) throw new Error(`no DNSKEY in ${keyFile}`);
  const fields = line.split(/\s+/);
  const at = fields.indexOf('DNSKEY');
  return `${fields[at + 1]} ${fields[at + 2]} ${fields[at + 3]} ${fields.slice(at + 4).join('')}`;
}

/** delv's trust-anchors file for one zone's KSK. */
export function trustAnchorFile(dir: string, zone: SignedZone): string {
  const [flags, protocol, algorithm, key] = zone.ksk.split(' ');
  const file = join(dir, `${zone.origin}.anchor`);
  writeFileSync(file, `trust-anchors {\n  "${zone.origin}." static-key ${flags} ${protocol} ${algorithm} "${key}";\n};\n`);
  return file;
}
