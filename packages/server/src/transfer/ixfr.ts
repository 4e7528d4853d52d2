/**
 * IXFR out (RFC 1995): the differences between the client's version and ours, condensed into one
 * (§4 allows it), as: our SOA, [the old SOA, removed records, our SOA, added records], our SOA.
 * When the history does not reach back to the client's serial, the whole zone goes out in AXFR
 * form over TCP (§4), and over UDP a single SOA tells the client to ask over TCP (§2).
 */
import { decodeHeader, encodeMessage, Rcode } from '@port53/wire';
import type { RecordOf, ResourceRecord, TsigStreamSigner } from '@port53/wire';
import { replySizeLimit } from '../answer/respond.js';
import { axfrMessages } from './axfr.js';
import { serialCompare } from './serial.js';
import { packMessages, type TransferRequest } from './pack.js';
import { apexSoa, type ZoneVersion } from './versions.js';

/** One version's changes: `from` → `to` (RFC 1995 §4: deletions, then additions). */
export interface ZoneDiff {
  fromSoa: RecordOf<'SOA'>;
  toSoa: RecordOf<'SOA'>;
  removed: readonly ResourceRecord[];
  added: readonly ResourceRecord[];
}

/** Where the differences between versions are kept (journal.ts). */
export interface Journal {
  /** The differences from serial `from` to serial `to`, condensed into one; undefined when not kept. */
  since(origin: string, from: number, to: number): ZoneDiff | undefined;
}

export interface IxfrResult {
  kind: 'IXFR' | 'IXFR-AXFR' | 'IXFR-SOA';
  /** One message (UDP, or the up-to-date answer). */
  reply?: Uint8Array;
  /** Several messages (TCP). */
  messages?: Iterator<Uint8Array>;
}

export function ixfrAnswer(
  version: ZoneVersion,
  clientSerial: number,
  journal: Journal | undefined,
  transport: 'udp' | 'tcp',
  request: TransferRequest,
  signer?: TsigStreamSigner,
): IxfrResult {
  const soa = apexSoa(version);
  const onlySoa = (): IxfrResult => {
    const reply = encodeMessage({
      id: request.id,
      flags: { qr: true, aa: true },
      rcode: Rcode.NOERROR,
      questions: [request.question],
      answers: [soa],
      edns: request.edns && { version: 0, udpPayloadSize: 1232, do: request.edns.do, flags: 0, options: [] },
    }).bytes;
    return { kind: 'IXFR-SOA', reply: signer ? signer.sign(reply) : reply };
  };
  // RFC 1995 §2: a client as new as we are gets our SOA alone.
  if (serialCompare(clientSerial, version.serial) >= 0) return onlySoa();
  const diff = journal?.since(version.origin, clientSerial, version.serial);
  if (!diff) {
    if (transport === 'udp') return onlySoa();
    return { kind: 'IXFR-AXFR', messages: axfrMessages(version, request, signer) };
  }
  const records = [soa, diff.fromSoa, ...diff.removed, soa, ...diff.added, soa];
  const reserve = signer?.overhead ?? 0;
  if (transport === 'udp') {
    // The whole difference in one datagram, or the SOA alone so the client asks again over TCP.
    const limit = replySizeLimit(request.edns, 'udp');
    const first = packMessages(records, request, reserve, limit, records.length).next();
    const fits = !first.done && decodeHeader(first.value).ancount === records.length;
    if (!fits) return onlySoa();
    return { kind: 'IXFR', reply: signer ? signer.sign(first.value) : first.value };
  }
  return { kind: 'IXFR', messages: signed(packMessages(records, request, reserve), signer) };
}

function* signed(messages: Iterable<Uint8Array>, signer?: TsigStreamSigner): Generator<Uint8Array> {
  for (const m of messages) yield signer ? signer.sign(m) : m;
}
