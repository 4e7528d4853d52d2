import { closeSync, openSync, readSync } from 'node:fs';

/**
 * node:crypto's randomFillSync and randomBytes, as the CLI bundle gets them in place of node:crypto
 * (scripts/bundle-cli.mjs): the kernel's CSPRNG read from /dev/urandom, the source OpenSSL's own
 * generator is seeded from, without loading node:crypto and its seventeen internal modules (about
 * 1.3 ms of a one-lookup run: docs/performance.md, "resolve start-up"). Where there is no
 * /dev/urandom to read, node:crypto itself. The library keeps importing node:crypto.
 */
export function randomFillSync<T extends NodeJS.ArrayBufferView>(buffer: T): T {
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      for (let done = 0; done < bytes.length; ) {
        const n = readSync(fd, bytes, done, bytes.length - done, null);
        if (n <= 0) throw new Error('/dev/urandom: short read');
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    return buffer;
  } catch {
    return nodeCrypto().randomFillSync(buffer);
  }
}

export function randomBytes(size: number): Buffer {
  return randomFillSync(Buffer.allocUnsafe(size));
}

function nodeCrypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}
