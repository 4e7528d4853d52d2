/**
 * Signed queries (RFC 8945 §5.2): a query whose last record is a TSIG is checked against the
 * server's keys before it is answered; a failed check is answered NOTAUTH with the TSIG error
 * (BADKEY, BADSIG, BADTIME, BADTRUNC), as NSD and Knot do, and a good one gets a signed reply.
 * Pure: the time comes in as an argument.
 */
import { decode, decodeHeader, encodeMessage, findTsig, HEADER_LENGTH, Rcode, signMessage, truncatedReply, tsigErrorReply, tsigLength, verifyRequest, WireError } from '@port53/wire';
import type { MessageInit, SignedMessage, TsigKey, TsigKeyring } from '@port53/wire';
import type { Outcome } from './respond.js';

/** What the TSIG check made of a query. */
export type SignedQuery =
  /** No TSIG: answer as usual. */
  | { kind: 'unsigned' }
  /** A good TSIG: answer `query` (the message without its TSIG) and sign the reply with `key`. */
  | { kind: 'signed'; query: Uint8Array; key: TsigKey; mac: Uint8Array; keyName: string }
  /** A bad TSIG, or one in the wrong place: send this outcome. */
  | { kind: 'rejected'; outcome: Outcome };

/** Checks the query's TSIG, if it has one. `now` is seconds since the epoch. */
export function checkSignedQuery(query: Uint8Array, keys: TsigKeyring, now: number): SignedQuery {
  if (query.length < HEADER_LENGTH || decodeHeader(query).flags.qr) return { kind: 'unsigned' }; // responses are dropped later
  let signed: SignedMessage | undefined;
  try {
    signed = findTsig(query);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    return { kind: 'rejected', outcome: errorOutcome(query, Rcode.FORMERR, 'formerr', `TSIG: ${e.message}`) };
  }
  if (!signed) return { kind: 'unsigned' };
  let check;
  try {
    check = verifyRequest(signed, keys, now);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    return { kind: 'rejected', outcome: errorOutcome(signed.unsigned, Rcode.FORMERR, 'formerr', `TSIG: ${e.message}`) };
  }
  if (check.ok) return { kind: 'signed', query: signed.unsigned, key: check.key, mac: signed.tsig.mac, keyName: check.key.name };
  const base = errorOutcome(signed.unsigned, Rcode.NOTAUTH, 'refused', `TSIG ${check.error}: ${check.reason}`);
  const reply = base.reply && tsigErrorReply(base.reply, check, now);
  return { kind: 'rejected', outcome: { ...base, reply } };
}

/** Signs a reply to a signed query; a reply too large for UDP once signed goes out truncated (TC). */
export function signReply(reply: Uint8Array, signed: Extract<SignedQuery, { kind: 'signed' }>, now: number, maxSize: number): Uint8Array {
  let body = reply;
  if (reply.length + tsigLength(signed.key) > maxSize) body = truncatedReply(reply) ?? reply;
  return signMessage(body, signed.key, { now, requestMac: signed.mac }).bytes;
}

/** A header-and-question reply with `rcode` (OPT echoed as ours when the query had one). */
function errorOutcome(query: Uint8Array, rcode: number, kind: 'formerr' | 'refused', reason: string): Outcome {
  let init: MessageInit;
  try {
    const m = decode(query);
    init = {
      id: m.id,
      opcode: m.opcode,
      flags: { qr: true, rd: m.flags.rd },
      rcode,
      questions: m.questions.slice(0, 1),
      edns: m.edns && { version: 0, udpPayloadSize: 1232, do: m.edns.do, flags: 0, options: [] },
    };
  } catch {
    const h = decodeHeader(query);
    init = { id: h.id, opcode: h.opcode, flags: { qr: true }, rcode: Rcode.FORMERR };
  }
  const q = init.questions?.[0];
  return { kind, reason, rcode: init.rcode, reply: encodeMessage(init).bytes, qname: q?.name, qtype: q?.type };
}
