import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ZoneSpec } from './reference-servers.mjs';

const root = join(import.meta.dirname, '..', '..');

/**
 * The zones the differential battery runs over: every *.zone in zones/ and in
 * test/interop/zones/served/ (when it exists), each named after its file.
 */
export function servedZoneSpecs(): ZoneSpec[] {
  const specs: ZoneSpec[] = [];
  for (const dir of [join(root, 'zones'), join(root, 'test', 'interop', 'zones', 'served')]) {
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.zone')).sort();
    } catch {
      continue;
    }
    for (const f of files) specs.push({ origin: f.slice(0, -'.zone'.length), file: join(dir, f) });
  }
  return specs;
}
