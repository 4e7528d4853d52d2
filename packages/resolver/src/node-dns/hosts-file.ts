import { statSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** One address of a hosts(5) line. */
export interface HostsAddress {
  address: string;
  family: 4 | 6;
}

/** hosts(5): `address name [aliases...]`, '#' to the end of a line is a comment; names match case-insensitively. */
export function parseHosts(text: string): Map<string, HostsAddress[]> {
  const byName = new Map<string, HostsAddress[]>();
  for (const raw of text.split(/\r?\n/)) {
    const words = raw.replace(/#.*$/, '').trim().split(/\s+/).filter((w) => w !== '');
    if (words.length < 2) continue;
    const [addressText, ...names] = words;
    // glibc accepts a scope on link-local IPv6 addresses ('fe80::1%eth0').
    const family = isIP(addressText.replace(/%.*$/, ''));
    if (family !== 4 && family !== 6) continue;
    for (const name of names) {
      const key = canonical(name);
      const list = byName.get(key) ?? [];
      if (!list.some((a) => a.address === addressText)) list.push({ address: addressText, family });
      byName.set(key, list);
    }
  }
  return byName;
}

/** The name as the map keys it: lower case, no final dot. */
export function canonical(name: string): string {
  return (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
}

/**
 * The hosts file, re-read when its modification time, size or inode change. The check is a
 * stat() at most every `checkMs` (default 1 s: a stat per lookup would cost more than a cache hit).
 */
export class HostsFile {
  private entries = new Map<string, HostsAddress[]>();
  private stamp = '';
  private checkedAt = -Infinity;

  constructor(
    readonly path: string,
    private readonly checkMs = 1000,
  ) {}

  /** The addresses the file gives `name`, in file order; undefined when it does not list the name. */
  get(name: string): readonly HostsAddress[] | undefined {
    this.refresh();
    return this.entries.get(canonical(name));
  }

  /** The first name the file gives `address` (for lookupService), undefined if none. */
  nameOf(address: string): string | undefined {
    this.refresh();
    for (const [name, list] of this.entries) if (list.some((a) => a.address === address)) return name;
    return undefined;
  }

  private refresh(): void {
    const now = performance.now();
    if (now - this.checkedAt < this.checkMs) return;
    this.checkedAt = now;
    let stamp: string;
    try {
      const st = statSync(this.path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      stamp = 'absent';
    }
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    try {
      this.entries = parseHosts(readFileSync(this.path, 'utf8'));
    } catch {
      this.entries = new Map(); // a missing or unreadable file lists nothing, as glibc's files backend
    }
  }
}
