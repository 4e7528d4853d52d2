import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDig, type DigResult } from './dig.js';

/** dig 9.18 ends the output of every query with one of these lines. */
const END_OF_QUERY = /^;; (MSG SIZE|.*no servers could be reached)/;
const ECHO = /^; <<>> DiG [^<]* <<>> (.*)$/;

/**
 * Runs many queries in one dig process (`dig -f FILE`) and parses each query's output with
 * parseDig, in the order of `lines`. Each line is a query's arguments ("name type +opts").
 * dig 9.18 ignores +tcp on a batch line and keeps a -p from one line for the next, so options
 * that must hold for every line (+tcp, the port) go in `globalArgs`; dig asks ANY over TCP
 * unless `globalArgs` has +notcp. Bounded: +time=2 +tries=1
 * and a hard timeout for the whole process.
 */
export function digBatch(digPath: string, port: number, globalArgs: string[], lines: string[][]): Promise<DigResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'port53-dig-'));
  const file = join(dir, 'batch');
  writeFileSync(file, lines.map((l) => `${l.join(' ')}\n`).join(''));
  const args = ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...globalArgs, '-f', file];
  return new Promise((resolve, reject) => {
    execFile(digPath, args, { timeout: 60_000, maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => {
      rmSync(dir, { recursive: true, force: true });
      if (err && !stdout) return reject(err);
      try {
        resolve(splitBatch(stdout, lines));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/**
 * Cuts dig's batch output into one block per query: everything up to and including the line that
 * ends a query, so ";; Truncated, retrying in TCP mode." and ";; communications error" (printed
 * before the query's own header) stay with their query. Blocks are checked against the echoed
 * command line, so a query dig skipped cannot shift the others onto the wrong lines.
 */
export function splitBatch(stdout: string, lines: string[][]): DigResult[] {
  const blocks: string[] = [];
  let current: string[] = [];
  for (const line of stdout.split('\n')) {
    current.push(line);
    if (END_OF_QUERY.test(line)) {
      blocks.push(current.join('\n'));
      current = [];
    }
  }
  const results: DigResult[] = [];
  let next = 0;
  for (const line of lines) {
    const wanted = line.join(' ');
    const at = blocks.findIndex((b, i) => i >= next && echoOf(b) === wanted);
    if (at < 0) throw new Error(`dig printed nothing for "${wanted}"`);
    results.push(parseDig(blocks[at]));
    next = at + 1;
  }
  return results;
}

function echoOf(block: string): string | undefined {
  for (const line of block.split('\n')) {
    const m = ECHO.exec(line);
    if (m) return m[1].trim();
  }
  return undefined;
}
