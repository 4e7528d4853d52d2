import { execFile } from 'node:child_process';

/** What dig printed, in the fields a person reads. */
export interface DigResult {
  status: string;
  flags: string[];
  /** "owner ttl class type rdata" with runs of whitespace collapsed, as dig prints each record. */
  question: string[];
  answer: string[];
  authority: string[];
  additional: string[];
  /** dig printed an OPT pseudo-section (the reply had EDNS). */
  edns: boolean;
  /** ";; Truncated, retrying in TCP mode." */
  retriedOverTcp: boolean;
  /** The transport of the final reply, from the SERVER line. */
  transport: 'UDP' | 'TCP' | undefined;
  raw: string;
}

/** Runs dig (bounded: +time=2 +tries=1 and a hard timeout) and parses its default output. */
export function dig(digPath: string, port: number, args: string[]): Promise<DigResult> {
  return new Promise((resolve, reject) => {
    execFile(digPath, ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', ...args], { timeout: 10_000 }, (err, stdout) => {
      if (err && !stdout) reject(err);
      else resolve(parseDig(stdout));
    });
  });
}

export function parseDig(text: string): DigResult {
  const sections: Record<string, string[]> = { QUESTION: [], ANSWER: [], AUTHORITY: [], ADDITIONAL: [] };
  let current: string[] | undefined;
  let status = '';
  let flags: string[] = [];
  for (const line of text.split('\n')) {
    const header = /status: (\w+)/.exec(line);
    if (header) status = header[1];
    const f = /^;; flags: ([^;]*);/.exec(line);
    if (f) flags = f[1].trim().split(/\s+/).filter(Boolean);
    const section = /^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:/.exec(line);
    if (section) {
      current = sections[section[1]];
      continue;
    }
    if (line.trim() === '') {
      current = undefined;
      continue;
    }
    if (current) current.push(line.replace(/^;/, '').trim().replace(/\s+/g, ' '));
  }
  const server = /^;; SERVER: .*\((UDP|TCP)\)/m.exec(text);
  return {
    status,
    flags,
    question: sections.QUESTION,
    answer: sections.ANSWER,
    authority: sections.AUTHORITY,
    additional: sections.ADDITIONAL,
    edns: text.includes(';; OPT PSEUDOSECTION:'),
    retriedOverTcp: text.includes('Truncated, retrying in TCP mode'),
    transport: server ? (server[1] as 'UDP' | 'TCP') : undefined,
    raw: text,
  };
}
