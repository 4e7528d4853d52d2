import { decode, encodeMessage, Rcode } from '@port53/wire';
import type { Message, MessageInit, Question, RecordOf } from '@port53/wire';
import type { QueryHook } from '../query-hook.js';
import type { Transport } from '../transport/bind-error.js';
import { ActiveFault, rcodeName, type FaultKind } from './faults.js';

/** One query the test server received, in arrival order. */
export interface QueryRecord {
  /** The question's name as sent ('' when the query could not be decoded). */
  name: string;
  type: string;
  class: string;
  transport: Transport;
  id: number;
  /** RD, and EDNS's DO when the query had OPT. */
  rd: boolean;
  edns: boolean;
  /** The RCODE of the reply sent ('NOERROR', 'NXDOMAIN', ...); undefined while none was sent (dropped, closed, still delayed). */
  rcode?: string;
  /** The fault that applied to this query, if any. */
  fault?: FaultKind;
  client: { address: string; port: number };
  /** Date.now() when it arrived. */
  at: number;
}

/**
 * The test server's query hook: logs every query and applies the latest matching fault.
 * Faulty replies are made with the codec from the true answer or the query; delays are timers
 * that close() cancels.
 */
export class Interceptor {
  readonly queries: QueryRecord[] = [];
  private readonly faults: ActiveFault[] = [];
  private readonly timers = new Map<NodeJS.Timeout, () => void>();

  constructor(private readonly soaFor: (name: string) => RecordOf<'SOA'> | undefined) {}

  add(fault: ActiveFault): void {
    this.faults.push(fault);
  }

  remove(fault: ActiveFault): void {
    const i = this.faults.indexOf(fault);
    if (i >= 0) this.faults.splice(i, 1);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Cancels pending delays: their replies are never sent. */
  close(): void {
    for (const [timer, cancel] of this.timers) {
      clearTimeout(timer);
      cancel();
    }
    this.timers.clear();
  }

  readonly hook: QueryHook = (query, client, answer) => {
    let message: Message | undefined;
    try {
      message = decode(query);
    } catch {
      message = undefined; // the server answers (FORMERR) or drops it; logged without a question
    }
    // A response sent to the server is no query: it is dropped unanswered (RFC 1035 §7.3), not logged.
    if (message?.flags.qr) return answer();
    const question = message?.questions.length === 1 ? message.questions[0] : undefined;
    const entry: QueryRecord = {
      name: question?.name ?? '',
      type: question?.type ?? '',
      class: question?.class ?? '',
      transport: client.transport,
      id: message?.id ?? 0,
      rd: message?.flags.rd ?? false,
      edns: message?.edns !== undefined,
      client: { address: client.address, port: client.port },
      at: Date.now(),
    };
    this.queries.push(entry);

    let fault: ActiveFault | undefined;
    // The latest fault added wins, so a test can narrow a broad one for a while.
    for (let i = this.faults.length - 1; i >= 0 && !fault; i--) if (this.faults[i].take(question, client.transport)) fault = this.faults[i];
    if (!fault) return logged(entry, answer());
    entry.fault = fault.kind;
    if (fault.kind === 'drop') return undefined;
    if (fault.kind === 'closeTcp') return 'close';
    const reply = message ? this.faulty(fault, message, question, answer) : answer();
    if (fault.delay === 0) return logged(entry, reply);
    return this.later(fault.delay, () => logged(entry, reply));
  };

  private faulty(fault: ActiveFault, query: Message, question: Question | undefined, answer: () => Uint8Array | undefined): Uint8Array | undefined {
    switch (fault.kind) {
      case 'rcode':
        return made(rcodeReply(query, fault.rcode!, question && this.soaFor(question.name)));
      case 'truncate':
        return edited(answer(), (m) => ({ ...m, flags: { ...m.flags, tc: true }, answers: [], authorities: [], additionals: [] }));
      case 'wrongId':
        return edited(answer(), (m) => ({ ...m, id: (m.id + 1) & 0xffff }));
      case 'wrongQuestion':
        return edited(answer(), (m) => ({ ...m, questions: m.questions.map((q) => ({ ...q, name: fault.wrongName! })) }));
      default:
        return answer(); // delay alone: the true answer, late
    }
  }

  private later(ms: number, send: () => Uint8Array | undefined): Promise<Uint8Array | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(send());
      }, ms);
      this.timers.set(timer, () => resolve(undefined));
    });
  }
}

function logged(entry: QueryRecord, reply: Uint8Array | undefined): Uint8Array | undefined {
  if (reply) entry.rcode = rcodeName(decode(reply).rcode);
  return reply;
}

/** An answer with this RCODE and no records; a negative one (NXDOMAIN, NOERROR) carries the zone's SOA (RFC 2308 §3). */
function rcodeReply(query: Message, rcode: number, soa: RecordOf<'SOA'> | undefined): MessageInit {
  const negative = rcode === Rcode.NXDOMAIN || rcode === Rcode.NOERROR;
  const reply: MessageInit = {
    id: query.id,
    opcode: query.opcode,
    flags: { qr: true, aa: negative && soa !== undefined, rd: query.flags.rd },
    rcode,
    questions: query.questions,
    authorities: negative && soa ? [soa] : [],
  };
  if (query.edns) reply.edns = { version: 0, udpPayloadSize: 1232, do: query.edns.do, flags: 0, options: [] };
  return reply;
}

function made(message: MessageInit): Uint8Array {
  return encodeMessage(message).bytes;
}

function edited(reply: Uint8Array | undefined, edit: (m: Message) => MessageInit): Uint8Array | undefined {
  return reply && made(edit(decode(reply)));
}
