import { createHash } from 'node:crypto';
import type { FileStamp } from '../zonefile/read.js';

/** A text source's stamp: its length and an FNV-1a hash of its text stand for size and time. */
export function textStamp(file: string, text: string): FileStamp {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  const hash = String(h >>> 0);
  // readAtNs far after mtimeNs: the same text is the same zone, whenever it was given.
  return { file, dev: 0, ino: 0, size: text.length, mtimeNs: hash, ctimeNs: hash, readAtNs: String(BigInt(hash) + 10_000_000_000n), digest: createHash('sha1').update(text).digest('hex') };
}
