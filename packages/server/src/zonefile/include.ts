import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { MAX_FILE_BYTES } from './limits.js';

/** Why an $INCLUDE file could not be read; the parser reports it at the file-name token. */
export class IncludeError extends Error {
  constructor(
    readonly code: 'INCLUDE_OUTSIDE_ROOT' | 'INCLUDE_UNREADABLE' | 'BAD_ENCODING',
    message: string,
  ) {
    super(message);
  }
}

/** RFC 1035 §5.1 leaves it open; like BIND and NSD, a relative $INCLUDE is taken from the including file's directory. */
export function resolveInclude(fromFile: string, target: string): string {
  return path.isAbsolute(target) ? path.normalize(target) : path.join(path.dirname(fromFile), target);
}

/** True when `file` is `root` or below it (by path text; symlinks are checked when reading). */
export function isInside(root: string, file: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A reader for $INCLUDE that refuses files whose real path (after symlinks) leaves `root`. */
export function confinedReader(root: string): (file: string) => string {
  return (file) => {
    let real: string;
    let realRoot: string;
    try {
      real = realpathSync(file);
      realRoot = realpathSync(root);
    } catch (e) {
      throw new IncludeError('INCLUDE_UNREADABLE', `cannot read "${file}": ${(e as Error).message}`);
    }
    if (!isInside(realRoot, real)) {
      throw new IncludeError('INCLUDE_OUTSIDE_ROOT', `"${file}" resolves to "${real}", outside the zones directory "${realRoot}"`);
    }
    let bytes: Uint8Array;
    try {
      const { size } = statSync(real);
      if (size > MAX_FILE_BYTES) throw new IncludeError('INCLUDE_UNREADABLE', `"${file}" has ${size} octets, over the limit of ${MAX_FILE_BYTES}`);
      bytes = readFileSync(real);
    } catch (e) {
      throw new IncludeError('INCLUDE_UNREADABLE', `cannot read "${file}": ${(e as Error).message}`);
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
