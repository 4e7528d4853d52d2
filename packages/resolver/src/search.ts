import { labelCount, parseName, type Name } from '@port53/wire';

/**
 * The names to try for user input, as res_search does (resolv.conf(5)): an absolute name (final
 * dot) alone; a name with at least `ndots` dots as given first, then with each search domain;
 * a shorter one with the search domains first and as given last.
 */
export function searchCandidates(input: string, absolute: boolean, domains: readonly Name[], ndots: number): Name[] {
  const name = parseName(input);
  if (absolute || domains.length === 0 || name === '.') return [name];
  const expanded = domains.map((d) => parseName(input, d));
  return labelCount(name) - 1 >= ndots ? [name, ...expanded] : [...expanded, name];
}
