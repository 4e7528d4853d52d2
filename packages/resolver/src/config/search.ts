import { labelCount, parseName, type Name } from '@port53/wire';

/**
 * The names to try for user input, as res_search does (resolv.conf(5)): an absolute name (final
 * dot) alone; a name with at least `ndots` dots as given first, then with each search domain;
 * a shorter one with the search domains first and as given last.
 */
export function searchCandidates(input: string, absolute: boolean, domains: readonly Name[], ndots: number): Name[] {
  const name = plainName(input) ?? parseName(input);
  if (absolute || domains.length === 0 || name === '.') return [name];
  const expanded = domains.map((d) => parseName(input, d));
  return labelCount(name) - 1 >= ndots ? [name, ...expanded] : [...expanded, name];
}

const PLAIN = /^[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*\.?$/;

/**
 * A host name of letters, digits, hyphens and underscores is its own normal form (less a final
 * dot): parseName's octet-by-octet work is skipped on the hot path. Undefined for anything else.
 */
export function plainName(input: string): Name | undefined {
  if (input.length > 254 || !PLAIN.test(input)) return undefined;
  const name = input.endsWith('.') ? input.slice(0, -1) : input;
  return name.length <= 253 ? name : undefined; // 255 octets with the length octets and the root
}
