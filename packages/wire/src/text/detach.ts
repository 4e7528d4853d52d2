/** V8 makes slices of this many characters or more share the text of the string they came from. */
const SHARED_SLICE = 13;

/**
 * `text` as a string of its own. A token sliced from a zone file and kept as a name or an
 * address would otherwise keep the whole file's text alive for as long as the record is served.
 * Array join writes one new flat string.
 */
export function detach(text: string): string {
  return text.length < SHARED_SLICE ? text : [text.slice(0, 1), text.slice(1)].join('');
}
