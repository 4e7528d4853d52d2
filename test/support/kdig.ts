import { execFile } from 'node:child_process';
import type { DigResult } from './dig.js';

/**
 * Runs several queries in one kdig process (kdig takes any number of "name type +opts" groups on
 * one command line; options before the first name hold for all) and parses each reply into the
 * same shape as dig's. kdig 3.2 sends names in lower case and no EDNS unless asked (+edns,
 * +bufsize). Bounded: +time=2 +retry=0 and a hard timeout for the whole process.
 */
export function kdigMany(kdigPath: string, port: number, globalArgs: string[], queries: string[][]): Promise<DigResult[]> {
  const args = ['@127.0.0.1', '-p', String(port), '+time=2', '+retry=0', ...globalArgs, ...queries.flat()];
  return new Promise((resolve, reject) => {
    execFile(kdigPath, args, { timeout: 60_000, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && !stdout) return reject(err);
      const blocks = stdout.split(/^(?=;; ->>HEADER<<-)/m).filter((b) => b.startsWith(';; ->>HEADER<<-'));
      // A query kdig could not complete prints only to stderr: the counts would no longer line up.
      if (blocks.length !== queries.length) {
        return reject(new Error(`kdig printed ${blocks.length} replies for ${queries.length} queries; stderr:\n${stderr}`));
      }
      resolve(blocks.map(parseKdig));
    });
  });
}

/** Parses kdig's default output for one reply. */
export function parseKdig(text: string): DigResult {
  const sections: Record<string, string[]> = { QUESTION: [], ANSWER: [], AUTHORITY: [], ADDITIONAL: [] };
  let current: string[] | undefined;
  let status = '';
  let flags: string[] = [];
  for (const line of text.split('\n')) {
    const header = /status: (\w+)/.exec(line);
    if (header) status = header[1];
    const f = /^;; Flags: ([^;]*);/.exec(line);
    if (f) flags = f[1].trim().split(/\s+/).filter(Boolean);
    const section = /^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:/.exec(line);
    if (section) {
      current = sections[section[1]];
      continue;
    }
    if (line.trim() === '' || line.startsWith(';; EDNS PSEUDOSECTION')) {
      current = undefined;
      continue;
    }
    if (current) current.push(line.replace(/^;; /, '').trim().replace(/\s+/g, ' '));
  }
  const from = /^;; From .*\((UDP|TCP)\)/m.exec(text);
  return {
    status,
    flags,
    question: sections.QUESTION,
    answer: sections.ANSWER,
    authority: sections.AUTHORITY,
    additional: sections.ADDITIONAL,
    edns: text.includes(';; EDNS PSEUDOSECTION:'),
    // kdig says "truncated reply ..., retrying over TCP" on stderr; the final transport shows it.
    retriedOverTcp: false,
    transport: from ? (from[1] as 'UDP' | 'TCP') : undefined,
    raw: text,
  };
}
