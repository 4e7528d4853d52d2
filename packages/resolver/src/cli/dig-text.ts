import { fqdn, formatRdata, formatRecord, opcodeToString, type Edns, type Question, type ResourceRecord } from '@port53/wire';
import type { Attempt } from '../errors.js';
import type { QueryResult } from '../query/result.js';
import { parseServer } from '../config/server-address.js';

/** The response as dig prints it: header, flags, OPT pseudosection, sections, statistics. */
export function formatDig(result: QueryResult, now: Date = new Date()): string {
  const out: string[] = [];
  const retries = result.attempts.slice(0, -1).map(describeAttempt);
  if (retries.length > 0) out.push(...retries);
  out.push(';; Got answer:');
  out.push(`;; ->>HEADER<<- opcode: ${opcodeToString(result.opcode)}, status: ${result.rcodeName}, id: ${result.id}`);
  const flags = (['qr', 'aa', 'tc', 'rd', 'ra', 'ad', 'cd'] as const).filter((f) => result.flags[f]);
  const additional = result.additionals.length + (result.edns ? 1 : 0);
  out.push(
    `;; flags: ${flags.join(' ')}; QUERY: ${result.questions.length}, ANSWER: ${result.answers.length}, ` +
      `AUTHORITY: ${result.authorities.length}, ADDITIONAL: ${additional}`,
  );
  if (result.flags.rd && !result.flags.ra) out.push(';; WARNING: recursion requested but not available');
  out.push('');
  if (result.edns) out.push(';; OPT PSEUDOSECTION:', ...formatEdns(result.edns), '');
  if (result.questions.length > 0) {
    out.push(';; QUESTION SECTION:', ...result.questions.map(formatQuestion), '');
  }
  section(out, 'ANSWER', result.answers);
  section(out, 'AUTHORITY', result.authorities);
  section(out, 'ADDITIONAL', result.additionals);
  const server = result.serverAddress;
  out.push(`;; Query time: ${result.elapsedMs} msec`);
  out.push(`;; SERVER: ${server.address}#${server.port}(${server.address}) (${result.transport.toUpperCase()})`);
  out.push(`;; WHEN: ${now.toUTCString()}`);
  out.push(`;; MSG SIZE  rcvd: ${result.size}`);
  return `${out.join('\n')}\n`;
}

/** dig +short: the answer rdata, one record per line. */
export function formatShort(result: QueryResult): string {
  return result.answers.map((rr) => `${formatRdata(rr)}\n`).join('');
}

/** One line per failed exchange, in dig's words. */
export function describeAttempt(a: Attempt): string {
  const where = digServer(a.server);
  switch (a.outcome) {
    case 'timeout':
      return `;; communications error to ${where}: timed out`;
    case 'connrefused':
      return `;; communications error to ${where}: connection refused`;
    case 'network-error':
      return `;; communications error to ${where}: ${a.errorCode ?? 'network error'}`;
    case 'truncated':
      return ';; Truncated, retrying in TCP mode.';
    case 'malformed':
      return `;; Warning: malformed reply from ${where}`;
    case 'formerr':
      return a.edns ? `;; Got FORMERR from ${where}, retrying without EDNS` : `;; Got FORMERR from ${where}, trying next server`;
    case 'servfail':
    case 'refused':
    case 'notimp':
      return `;; Got ${a.outcome.toUpperCase()} reply from ${where}, trying next server`;
    case 'questionless':
      return `;; Got an error reply without a question from ${where} on a shared socket, asking again from a socket of its own`;
    case 'superseded':
      return `;; query to ${where} not waited for: a late reply to an earlier query came first`;
    case 'cancelled':
      return `;; query to ${where} cancelled`;
    case 'answer':
      return `;; Got answer from ${where}`;
  }
}

function formatQuestion(q: Question): string {
  return `;${fqdn(q.name)}\t\t\t${q.class}\t${q.type}`;
}

function section(out: string[], title: string, records: readonly ResourceRecord[]): void {
  if (records.length === 0) return;
  out.push(`;; ${title} SECTION:`, ...records.map(formatRecord), '');
}

function formatEdns(edns: Edns): string[] {
  const flags = [edns.do ? 'do' : '', edns.flags !== 0 ? `MBZ: 0x${edns.flags.toString(16).padStart(4, '0')}` : '']
    .filter((f) => f !== '')
    .join(' ');
  const lines = [`; EDNS: version: ${edns.version}, flags:${flags ? ` ${flags}` : ''}; udp: ${edns.udpPayloadSize}`];
  for (const option of edns.options) {
    const hex = Buffer.from(option.data).toString('hex').toUpperCase();
    lines.push(`; ${OPTION_NAMES[option.code] ?? `OPT=${option.code}`}: ${hex}`);
  }
  return lines;
}

const OPTION_NAMES: Record<number, string> = { 3: 'NSID', 8: 'CLIENT-SUBNET', 9: 'EXPIRE', 10: 'COOKIE', 11: 'TCP-KEEPALIVE', 12: 'PADDING', 15: 'EDE' };

/** dig names a server ADDRESS#PORT ("127.0.0.1#5353"); attempts carry getServers() form. */
function digServer(server: string): string {
  const { address, port } = parseServer(server);
  return `${address}#${port}`;
}
