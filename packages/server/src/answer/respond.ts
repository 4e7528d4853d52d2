import { decode, decodeHeader, edeOption, EdnsOptionCode, encodeMessage, ExtendedError, findOption, HEADER_LENGTH, nsidOption, Opcode, Rcode, RRType, typeFromString, WireError } from '@port53/wire';
import type { Edns, EdnsOptionData, Header, Message, MessageInit, Question } from '@port53/wire';
import type { Catalog } from '../store/catalog.js';
import { checkCookie, type CookieContext, type CookieState } from './cookie.js';
import { chaosAnswer, type ServerIdentity } from './identity.js';
import { OUR_UDP_PAYLOAD, TCP_MAX_SIZE, UDP_SIZE_WITHOUT_EDNS } from './defaults.js';
import { lookup } from './lookup.js';
import type { Answer, AnswerSource } from './lookup.js';

export type Transport = 'udp' | 'tcp';

/** What became of one query: the transport sends `reply` when present and counts `kind`. */
export interface Outcome {
  reply?: Uint8Array;
  kind: 'answered' | 'formerr' | 'notimp' | 'refused' | 'badvers' | 'dropped';
  /** Why a query was dropped, refused or malformed (for logs and counters). */
  reason?: string;
  /** The reply's full RCODE. */
  rcode?: number;
  qname?: string;
  qtype?: string;
  /** What the query's COOKIE option was, when it had one and cookies are on (RFC 7873). */
  cookie?: CookieState;
  /** For an answer from the zones: its kind and source name, which RRL counts by. */
  source?: AnswerSource;
}

/** What a reply may add beyond the zones' data; without them respond() answers as a plain server. */
export interface RespondExtras {
  /** CHAOS identity answers and NSID. */
  identity?: ServerIdentity;
  /** Server cookies (RFC 7873, RFC 9018): the secrets, the time and the client's address. */
  cookies?: CookieContext;
}

/** The OPT options a reply carries (NSID, COOKIE) and what the cookie said; 'malformed' is FORMERR. */
interface ReplyOptions {
  options: EdnsOptionData[];
  cookie?: CookieState | 'malformed';
}

/**
 * The whole server decision for one query: bytes in, bytes out, nothing else (no clock, socket
 * or logger). RFC 8906: everything that has a readable header and is a query gets a reply.
 */
export function respond(query: Uint8Array, catalog: Catalog, transport: Transport, extras: RespondExtras = {}): Outcome {
  // Shorter than a header: no ID to reply to (RFC 8906 §3.1.1), so dropped, not answered.
  if (query.length < HEADER_LENGTH) return { kind: 'dropped', reason: `${query.length} octets: shorter than a DNS header` };
  const header = decodeHeader(query);
  // A response sent to us; answering could start a loop between two servers (RFC 1035 §7.3).
  if (header.flags.qr) return { kind: 'dropped', reason: 'QR is set: a response, not a query' };

  let message: Message;
  try {
    // Header, question and OPT only: other records are stepped over, never decoded (issue 12).
    message = decode(query, { query: true });
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    // RFC 8906 §3.1.4: an unknown opcode says NOTIMP even when the body is not a query we can read.
    const rcode = header.opcode === Opcode.QUERY ? Rcode.FORMERR : Rcode.NOTIMP;
    return {
      kind: rcode === Rcode.FORMERR ? 'formerr' : 'notimp',
      reason: `undecodable: ${e.message}`,
      rcode,
      reply: reply(header, rcode, [], undefined, transport),
    };
  }

  const question: Question | undefined = message.questions.length === 1 ? message.questions[0] : undefined;
  const described = question ? { qname: question.name, qtype: question.type } : {};
  const echoed = question ? [question] : [];
  const edns = message.edns;
  const extra = replyOptions(edns, extras);
  const cookie = extra.cookie === 'malformed' ? undefined : extra.cookie;

  if (message.opcode !== Opcode.QUERY) {
    return {
      kind: 'notimp',
      reason: `opcode ${message.opcode} is not implemented`,
      rcode: Rcode.NOTIMP,
      reply: reply(header, Rcode.NOTIMP, echoed, edns, transport, undefined, withEde(extra, ExtendedError.NOT_SUPPORTED)),
      cookie,
      ...described,
    };
  }
  // RFC 7873 §5.2.2: a COOKIE option of a length no cookie has is FORMERR.
  if (extra.cookie === 'malformed') return formerr(header, 'malformed COOKIE option', edns, transport, extra.options);
  if (!question) {
    return formerr(header, `QDCOUNT is ${message.questions.length}, not 1`, edns, transport, extra.options);
  }
  // RFC 6891 §6.1.3: BADVERS carries our highest version, 0, and no answer.
  if (edns && edns.version > 0) {
    return {
      kind: 'badvers',
      reason: `EDNS version ${edns.version}`,
      rcode: Rcode.BADVERS,
      reply: reply(header, Rcode.BADVERS, echoed, edns, transport, undefined, extra.options),
      cookie,
      ...described,
    };
  }
  // CH: the identity names as NSD and Knot answer them; a hidden one REFUSED with EDE Prohibited,
  // anything else there REFUSED with EDE Not Supported, as NSD sends.
  if (question.class === 'CH') {
    const txt = chaosAnswer(question.name, question.type, extras.identity);
    if (txt === 'hidden') return refused(header, echoed, edns, transport, `CH ${question.name} is hidden`, described, withEde(extra, ExtendedError.PROHIBITED), cookie);
    if (!txt) return refused(header, echoed, edns, transport, `CH ${question.type} ${question.name} is not offered`, described, withEde(extra, ExtendedError.NOT_SUPPORTED), cookie);
    const answer: Answer = { rcode: Rcode.NOERROR, aa: false, answers: [txt], authorities: [], additionals: [], source: { kind: 'answer', name: question.name.toLowerCase() } };
    return { kind: 'answered', rcode: Rcode.NOERROR, reply: reply(header, Rcode.NOERROR, echoed, edns, transport, answer, extra.options), cookie, ...described };
  }
  // Class ANY is answered from IN data (NSD, Knot; with AA as Knot sets it). Every other class is REFUSED.
  if (question.class !== 'IN' && question.class !== 'ANY') {
    return refused(header, echoed, edns, transport, `class ${question.class} is not served`, described, withEde(extra, ExtendedError.NOT_AUTHORITATIVE), cookie);
  }
  // Every other qtype, meta-types such as OPT and TYPE0 included, is looked up like data and
  // gets NODATA where there is none, as NSD and Knot do.
  const qtype = typeFromString(question.type) ?? 0;
  // AXFR exists only over TCP (RFC 5936 §4.2): NSD and Knot both say NOTIMP over UDP.
  if (qtype === RRType.AXFR && transport === 'udp') {
    return {
      kind: 'notimp',
      reason: 'AXFR over UDP',
      rcode: Rcode.NOTIMP,
      reply: reply(header, Rcode.NOTIMP, echoed, edns, transport, undefined, withEde(extra, ExtendedError.NOT_SUPPORTED)),
      cookie,
      ...described,
    };
  }
  // No zone transfers are offered; NSD without provide-xfr refuses them the same way.
  if (qtype === RRType.AXFR || qtype === RRType.IXFR) {
    return refused(header, echoed, edns, transport, 'zone transfers are not offered', described, withEde(extra, ExtendedError.PROHIBITED), cookie);
  }

  const answer = lookup(catalog, question.name, qtype, { fullAny: transport === 'tcp', dnssec: edns?.do === true });
  // EDE 20 Not Authoritative, as NSD and Knot send for a name outside their zones.
  if (!answer) return refused(header, echoed, edns, transport, 'not authoritative for the name', described, withEde(extra, ExtendedError.NOT_AUTHORITATIVE), cookie);
  return {
    kind: 'answered',
    rcode: answer.rcode,
    reply: reply(header, answer.rcode, echoed, edns, transport, answer, extra.options),
    cookie,
    source: answer.source,
    ...described,
  };
}

/**
 * BADCOOKIE (RFC 7873 §5.2.3, choice 2): the question, a fresh server cookie and no answer; for a
 * UDP query with a client cookie that the response rate limit would otherwise truncate or drop.
 * undefined when the query has no well-formed cookie or cookies are off.
 */
export function badCookieReply(query: Uint8Array, extras: RespondExtras): Uint8Array | undefined {
  let message: Message;
  try {
    // Header, question and OPT only: other records are stepped over, never decoded (issue 12).
    message = decode(query, { query: true });
  } catch (e) {
    if (e instanceof WireError) return undefined;
    throw e;
  }
  const extra = replyOptions(message.edns, extras);
  if (!extra.cookie || extra.cookie === 'malformed') return undefined;
  return reply(decodeHeader(query), Rcode.BADCOOKIE, message.questions.slice(0, 1), message.edns, 'udp', undefined, extra.options);
}

/** NSID when asked for and configured (RFC 5001 §2.1), the cookie's reply (RFC 7873 §5.2). */
function replyOptions(edns: Edns | undefined, extras: RespondExtras): ReplyOptions {
  if (!edns || edns.options.length === 0) return { options: [] };
  const options: EdnsOptionData[] = [];
  let cookie: ReplyOptions['cookie'];
  const nsid = extras.identity?.nsid;
  if (nsid && findOption(edns, EdnsOptionCode.NSID)) options.push(nsidOption(nsid));
  const asked = extras.cookies && findOption(edns, EdnsOptionCode.COOKIE);
  if (asked) {
    const checked = checkCookie(asked.data, extras.cookies!);
    if (checked) {
      options.push(checked.reply);
      cookie = checked.state;
    } else {
      cookie = 'malformed';
    }
  }
  return { options, cookie };
}

/** The reply's options plus an Extended DNS Error (RFC 8914); no text, as NSD and Knot send none. */
function withEde(extra: ReplyOptions, infoCode: number, text?: string): EdnsOptionData[] {
  return [...extra.options, edeOption(infoCode, text)];
}

/** FORMERR with EDE 0 (Other) and the reason: RFC 8914 has no code for a malformed query. */
function formerr(header: Header, reason: string, edns: Edns | undefined, transport: Transport, options: EdnsOptionData[] = []): Outcome {
  return { kind: 'formerr', reason, rcode: Rcode.FORMERR, reply: reply(header, Rcode.FORMERR, [], edns, transport, undefined, [...options, edeOption(ExtendedError.OTHER, reason)]) };
}

function refused(
  header: Header,
  echoed: Question[],
  edns: Edns | undefined,
  transport: Transport,
  reason: string,
  described: { qname?: string; qtype?: string },
  options: EdnsOptionData[],
  cookie: CookieState | undefined,
): Outcome {
  return { kind: 'refused', reason, rcode: Rcode.REFUSED, reply: reply(header, Rcode.REFUSED, echoed, edns, transport, undefined, options), cookie, ...described };
}

/** The largest reply the client can take (RFC 1035 §4.2.1, RFC 6891 §6.2.3–6.2.5). */
export function replySizeLimit(edns: Pick<Edns, 'udpPayloadSize'> | undefined, transport: Transport): number {
  if (transport === 'tcp') return TCP_MAX_SIZE;
  if (!edns) return UDP_SIZE_WITHOUT_EDNS;
  return Math.max(UDP_SIZE_WITHOUT_EDNS, Math.min(edns.udpPayloadSize, OUR_UDP_PAYLOAD));
}

/**
 * Builds and encodes the reply. Header: ID, opcode and RD copied (RFC 1035 §4.1.1); CD copied
 * (RFC 4035 §3: MUST; NSD 4.6 and Knot 3.2 clear it); RA never (no recursion); Z and AD cleared:
 * we validate nothing (RFC 4035 §3.1.6). RD and CD are copied only for QUERY: they mean
 * nothing to another opcode (ISC's genreport grades echoed flags on opcode 15 as a fault). OPT
 * only when the query had one: version 0, our payload size, DO copied (RFC 3225 §3), other flags
 * dropped, options only those we write (NSID, COOKIE, EDE). Over the size limit the codec drops
 * RRsets from the end and sets TC, keeping question and OPT.
 */
function reply(
  header: Header,
  rcode: number,
  questions: Question[],
  queryEdns: Edns | undefined,
  transport: Transport,
  answer?: Answer,
  options: EdnsOptionData[] = [],
): Uint8Array {
  const message: MessageInit = {
    id: header.id,
    opcode: header.opcode,
    flags: { qr: true, aa: answer?.aa ?? false, rd: header.flags.rd && header.opcode === Opcode.QUERY, cd: header.flags.cd && header.opcode === Opcode.QUERY },
    rcode,
    questions,
    answers: answer?.answers ?? [],
    authorities: answer?.authorities ?? [],
    additionals: answer?.additionals ?? [],
  };
  if (queryEdns) message.edns = { version: 0, udpPayloadSize: OUR_UDP_PAYLOAD, do: queryEdns.do, flags: 0, options };
  const maxSize = replySizeLimit(queryEdns, transport);
  try {
    return encodeMessage(message, { maxSize, foldCase: true }).bytes;
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    // Zone data the codec cannot write: say SERVFAIL rather than stay silent (RFC 8906 §3), with
    // EDE 0 and why, RFC 8914 having no closer code.
    const edns = message.edns && { ...message.edns, options: [...options, edeOption(ExtendedError.OTHER, 'zone data could not be encoded')] };
    return encodeMessage({ ...message, edns, rcode: Rcode.SERVFAIL, flags: { ...message.flags, aa: false }, answers: [], authorities: [], additionals: [] }, { maxSize }).bytes;
  }
}
