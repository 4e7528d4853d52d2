import { realpathSync } from 'node:fs';
import path from 'node:path';
import { FileReadError, readRegularFile, ReadBudget } from './read.js';

/** Why an $INCLUDE file could not be read; the parser reports it at the file-name token. */
export class IncludeError extends Error {
  constructor(
    readonly code: 'INCLUDE_OUTSIDE_ROOT' | 'INCLUDE_UNREADABLE' | 'INCLUDE_LIMIT' | 'NOT_REGULAR_FILE' | 'FILE_TOO_LARGE' | 'BAD_ENCODING',
    message: string,
    /** The file does not exist (the next place to look may have it). */
    readonly missing = false,
  ) {
    super(message);
  }
}

/**
 * Where a relative $INCLUDE may be, in order (RFC 1035 §5.1 leaves it open): beside the including
 * file, as Knot looks; then in `base`, as NSD and BIND look in the directory they run in (the
 * zones directory, or the working directory for zones named one by one).
 */
export function includeCandidates(fromFile: string, target: string, base: string): string[] {
  if (path.isAbsolute(target)) return [path.normalize(target)];
  const beside = path.join(path.dirname(fromFile), target);
  const inBase = path.join(base, target);
  return path.resolve(beside) === path.resolve(inBase) ? [beside] : [beside, inBase];
}

/** True when a reader's error says the file is not there. */
export function isMissing(e: unknown): boolean {
  return e instanceof IncludeError ? e.missing : (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** True when `file` is `root` or below it (by path text; symlinks are checked when reading). */
export function isInside(root: string, file: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * A reader for $INCLUDE that refuses files whose real path (after symlinks) leaves `root`, and
 * anything but regular files; `budget` (shared with the zone file) caps their number and octets.
 */
export function confinedReader(root: string, budget: ReadBudget = new ReadBudget()): (file: string) => string {
  return (file) => {
    if (budget.includesLeft <= 0) {
      throw new IncludeError('INCLUDE_LIMIT', `more than ${budget.maxIncludes} $INCLUDE files in one zone`);
    }
    let real: string;
    let realRoot: string;
    try {
      real = realpathSync(file);
      realRoot = realpathSync(root);
    } catch (e) {
      throw new IncludeError('INCLUDE_UNREADABLE', `cannot read "${file}": ${(e as Error).message}`, (e as NodeJS.ErrnoException).code === 'ENOENT');
    }
    if (!isInside(realRoot, real)) {
      throw new IncludeError('INCLUDE_OUTSIDE_ROOT', `"${file}" resolves to "${real}", outside the zones directory "${realRoot}"`);
    }
    // Counted once found: a candidate place that lacks the file is not an include.
    budget.includesLeft--;
    let bytes: Uint8Array;
    try {
      bytes = readRegularFile(real, budget);
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      const code = e.code === 'FILE_UNREADABLE' ? 'INCLUDE_UNREADABLE' : e.code === 'INCLUDE_LIMIT' ? 'INCLUDE_LIMIT' : e.code;
      throw new IncludeError(code, `"${file}": ${e.message}`);
    }
    const decoded = decodeZoneBytes(bytes);
    if (decoded.badLine !== undefined) {
      throw new IncludeError('BAD_ENCODING', `${file}:${decoded.badLine}: not UTF-8 (write such octets as \\DDD)`);
    }
    return decoded.text;
  };
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** Zone files are UTF-8; other bytes would silently become U+FFFD, so name the first line that has them. */
export function decodeZoneBytes(bytes: Uint8Array): { text: string; badLine?: number } {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const text = lenient.decode(bytes);
    const before = text.slice(0, text.indexOf('\ufffd'));
    return { text, badLine: before.split('\n').length };
  }
}
