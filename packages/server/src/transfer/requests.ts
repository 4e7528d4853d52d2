/**
 * Which zone-transfer requests are answered and how (RFC 5936 §2.2, RFC 1995 §2-4): the zone
 * must be served, the client allowed (acl.ts), then AXFR streams the whole zone and IXFR sends
 * the differences since the client's serial, or the whole zone when they are not kept.
 */
import { canonicalName, decode, edeOption, encodeMessage, ExtendedError, Opcode, questionScan, Rcode, RRType, scanQuestion, TsigStreamSigner, WireError } from '@port53/wire';
import type { Message, ResourceRecord, TsigKey } from '@port53/wire';
import type { Outcome } from '../answer/respond.js';
import type { ReplyStream } from '../transport/tcp.js';
import { transferDenied, type TransferRule } from './acl.js';
import { axfrMessages } from './axfr.js';
import { ixfrAnswer, type Journal } from './ixfr.js';
import type { TransferRequest } from './pack.js';
import type { ZoneVersions } from './versions.js';

export interface TransferContext {
  versions: ZoneVersions;
  rules: readonly TransferRule[];
  /** Differences between versions, when kept. */
  journal?: Journal;
}

/** The request as the TSIG check left it: the key it was signed with, if any. */
export interface TransferSigning {
  key: TsigKey;
  mac: Uint8Array;
  clock: () => number;
}

export interface TransferAnswer {
  outcome: Outcome;
  /** Over TCP: the messages of the transfer (outcome.reply is then unset). */
  stream?: ReplyStream;
  /** What the log says about the transfer (zone, serial, kind, client). */
  log: { zone: string; kind: 'AXFR' | 'IXFR' | 'IXFR-AXFR' | 'IXFR-SOA' | 'refused' | 'notauth'; serial?: number; from?: number; reason?: string };
}

const scan = questionScan();

/** undefined when `query` is not an AXFR or IXFR request (it is answered as any other query). */
export function answerTransfer(query: Uint8Array, transport: 'udp' | 'tcp', clientAddress: string, signing: TransferSigning | undefined, ctx: TransferContext): TransferAnswer | undefined {
  // Nearly every query has the plain shape and another qtype: said without decoding it (issue 17).
  if (scanQuestion(query, scan) && scan.qtype !== RRType.AXFR && scan.qtype !== RRType.IXFR) return undefined;
  let message: Message;
  try {
    message = decode(query);
  } catch (e) {
    if (e instanceof WireError) return undefined; // the normal path answers FORMERR
    throw e;
  }
  if (message.opcode !== Opcode.QUERY || message.flags.qr || message.questions.length !== 1) return undefined;
  const question = message.questions[0];
  const kind = question.type === 'AXFR' ? 'AXFR' : question.type === 'IXFR' ? 'IXFR' : undefined;
  if (!kind || (kind === 'AXFR' && transport === 'udp')) return undefined; // AXFR over UDP: NOTIMP from respond()
  if (question.class !== 'IN' || (message.edns && message.edns.version > 0)) return undefined;
  const request: TransferRequest = { id: message.id, question, edns: message.edns };
  const described = { qname: question.name, qtype: question.type };

  const version = ctx.versions.current(question.name);
  if (!version || canonicalName(version.origin) !== canonicalName(question.name)) {
    // RFC 5936 §2.2.1: not authoritative for that zone.
    return { outcome: single(request, Rcode.NOTAUTH, [], 'refused', 'not a served zone', described, ExtendedError.NOT_AUTHORITATIVE), log: { zone: question.name, kind: 'notauth', reason: 'zone not served' } };
  }
  const denied = transferDenied(ctx.rules, clientAddress, signing?.key.name);
  if (denied) {
    // As NSD without a matching provide-xfr: REFUSED.
    return { outcome: single(request, Rcode.REFUSED, [], 'refused', denied, described, ExtendedError.PROHIBITED), log: { zone: version.origin, kind: 'refused', reason: denied } };
  }
  const signer = signing && new TsigStreamSigner(signing.key, signing.mac, signing.clock);
  const outcome = (): Outcome => ({ kind: 'answered', rcode: Rcode.NOERROR, ...described });

  if (kind === 'IXFR') {
    const clientSoa = message.authorities.find((r) => r.type === 'SOA');
    if (!clientSoa || clientSoa.type !== 'SOA') {
      return { outcome: single(request, Rcode.FORMERR, [], 'formerr', 'IXFR without the client SOA in the authority section', described), log: { zone: version.origin, kind: 'refused', reason: 'no SOA in IXFR' } };
    }
    const ixfr = ixfrAnswer(version, clientSoa.data.serial, ctx.journal, transport, request, signer);
    if (ixfr.reply) return { outcome: { ...outcome(), reply: ixfr.reply }, log: { zone: version.origin, kind: ixfr.kind, serial: version.serial, from: clientSoa.data.serial } };
    return { outcome: outcome(), stream: { messages: ixfr.messages! }, log: { zone: version.origin, kind: ixfr.kind, serial: version.serial, from: clientSoa.data.serial } };
  }
  return { outcome: outcome(), stream: { messages: axfrMessages(version, request, signer) }, log: { zone: version.origin, kind: 'AXFR', serial: version.serial } };
}

/** A one-message reply with `rcode` and `answers`. */
function single(request: TransferRequest, rcode: number, answers: ResourceRecord[], kind: Outcome['kind'], reason: string, described: { qname: string; qtype: string }, ede?: number): Outcome {
  const reply = encodeMessage({
    id: request.id,
    flags: { qr: true, aa: rcode === Rcode.NOERROR },
    rcode,
    questions: [request.question],
    answers,
    // RFC 8914: the reason as an Extended DNS Error, for clients that asked with EDNS.
    edns: request.edns && { version: 0, udpPayloadSize: 1232, do: request.edns.do, flags: 0, options: ede === undefined ? [] : [edeOption(ede)] },
  }).bytes;
  return { kind, reason, rcode, reply, ...described };
}
