/**
 * A secondary's side of the wire: the SOA query to a primary (UDP, RFC 1034 §4.3.5) and a zone
 * transfer request (TCP, RFC 5936 §4.1), signed when a key is given, every reply checked (ID,
 * question, RCODE, TSIG over the whole stream, RFC 8945 §5.3.1). Throws TransferError with the
 * reason a log line can carry.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { decode, encode, nowSeconds, rcodeToString, signMessage, TsigStreamVerifier, TsigVerifyError, WireError } from '@port53/wire';
import type { Message, Name, RecordOf, ResourceRecord, TsigKey } from '@port53/wire';

export interface Primary {
  address: string;
  port: number;
  key?: TsigKey;
}

export class TransferError extends Error {
  override readonly name = 'TransferError';
  constructor(
    readonly code: 'TIMEOUT' | 'CONNECTION' | 'RCODE' | 'TSIG' | 'MALFORMED' | 'TOO_LARGE',
    message: string,
  ) {
    super(message);
  }
}

/** Bounds on one exchange. */
export interface ClientLimits {
  /** The whole transfer (default 60 s). */
  totalMs: number;
  /** Silence between messages (default 10 s). */
  idleMs: number;
  /** Records in one transfer (default 1 000 000). */
  maxRecords: number;
}

export const CLIENT_LIMITS: ClientLimits = { totalMs: 60_000, idleMs: 10_000, maxRecords: 1_000_000 };

function signed(message: Uint8Array, key: TsigKey | undefined): { bytes: Uint8Array; verifier?: TsigStreamVerifier } {
  if (!key) return { bytes: message };
  const s = signMessage(message, key, { now: nowSeconds() });
  return { bytes: s.bytes, verifier: new TsigStreamVerifier(key, s.mac) };
}

/** Checks one reply's TSIG (when signed) and decodes it; throws TransferError. */
function open(bytes: Uint8Array, id: number, verifier: TsigStreamVerifier | undefined): Message {
  let body = bytes;
  try {
    if (verifier) body = verifier.verify(bytes);
    const m = decode(body);
    if (m.id !== id || !m.flags.qr) throw new TransferError('MALFORMED', `reply ID ${m.id} or QR does not match the request`);
    if (m.rcode !== 0) throw new TransferError('RCODE', `the primary answered ${rcodeToString(m.rcode)}`);
    return m;
  } catch (e) {
    if (e instanceof TsigVerifyError) throw new TransferError('TSIG', `TSIG: ${e.message}`);
    if (e instanceof WireError) throw new TransferError('MALFORMED', `undecodable reply: ${e.message}`);
    throw e;
  }
}

/** The primary's SOA serial for `origin`, over UDP (one try per call). */
export function querySoa(primary: Primary, origin: Name, timeoutMs = 2000): Promise<RecordOf<'SOA'>> {
  const id = Math.floor(Math.random() * 0x10000);
  const { bytes, verifier } = signed(encode({ id, questions: [{ name: origin, type: 'SOA', class: 'IN' }] }), primary.key);
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(primary.address) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => done(new TransferError('TIMEOUT', `no answer to the SOA query within ${timeoutMs} ms`)), timeoutMs);
    const done = (result: RecordOf<'SOA'> | Error) => {
      clearTimeout(timer);
      socket.close();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    socket.on('error', (err) => done(new TransferError('CONNECTION', err.message)));
    socket.on('message', (reply, from) => {
      if (from.port !== primary.port || reply.length < 2 || reply.readUInt16BE(0) !== id) return;
      try {
        const m = open(reply, id, verifier);
        const soa = m.answers.find((r): r is RecordOf<'SOA'> => r.type === 'SOA');
        if (!soa) throw new TransferError('MALFORMED', 'the SOA answer holds no SOA record');
        done(soa);
      } catch (e) {
        done(e as Error);
      }
    });
    socket.send(bytes, primary.port, primary.address);
  });
}

/**
 * Requests AXFR, or IXFR from `have` (our SOA, sent in the authority section, RFC 1995 §3), over
 * TCP and returns every answer record of the stream in order. The stream ends when its closing
 * SOA arrives (RFC 5936 §2.2); a connection that closes before that is an incomplete transfer.
 */
export function requestTransfer(primary: Primary, origin: Name, have: RecordOf<'SOA'> | undefined, limits: ClientLimits = CLIENT_LIMITS): Promise<ResourceRecord[]> {
  const id = Math.floor(Math.random() * 0x10000);
  const query = encode({
    id,
    questions: [{ name: origin, type: have ? 'IXFR' : 'AXFR', class: 'IN' }],
    authorities: have ? [have] : [],
  });
  const { bytes, verifier } = signed(query, primary.key);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: primary.address, port: primary.port });
    const records: ResourceRecord[] = [];
    let input: Buffer = Buffer.alloc(0);
    let finished = false;
    let first = true;
    const total = setTimeout(() => fail(new TransferError('TIMEOUT', `transfer not complete after ${limits.totalMs} ms`)), limits.totalMs);
    socket.setTimeout(limits.idleMs, () => fail(new TransferError('TIMEOUT', `primary silent for ${limits.idleMs} ms mid-transfer`)));
    const fail = (err: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(total);
      socket.destroy();
      reject(err);
    };
    const succeed = () => {
      finished = true;
      clearTimeout(total);
      socket.destroy();
      resolve(records);
    };
    socket.on('error', (err) => fail(new TransferError('CONNECTION', err.message)));
    socket.on('close', () => fail(new TransferError('CONNECTION', `connection closed after ${records.length} records, before the closing SOA`)));
    socket.on('connect', () => {
      const frame = Buffer.alloc(2 + bytes.length);
      frame.writeUInt16BE(bytes.length, 0);
      frame.set(bytes, 2);
      socket.write(frame);
    });
    socket.on('data', (chunk: Buffer) => {
      input = input.length === 0 ? chunk : Buffer.concat([input, chunk]);
      try {
        while (!finished && input.length >= 2 && input.length >= 2 + input.readUInt16BE(0)) {
          const length = input.readUInt16BE(0);
          const message = open(input.subarray(2, 2 + length), id, verifier);
          input = input.subarray(2 + length);
          records.push(...message.answers);
          if (records.length > limits.maxRecords) throw new TransferError('TOO_LARGE', `more than ${limits.maxRecords} records`);
          if (first && records.length > 0 && records[0].type !== 'SOA') throw new TransferError('MALFORMED', `the transfer starts with ${records[0].type}, not SOA`);
          first = false;
          if (isComplete(records, have)) {
            if (verifier) verifier.finish();
            succeed();
          }
        }
      } catch (e) {
        fail(e instanceof TsigVerifyError ? new TransferError('TSIG', `TSIG: ${e.message}`) : (e as Error));
      }
    });
  });
}

/**
 * The stream is over: a lone SOA as new as ours (IXFR: up to date), or the first SOA seen again
 * at the end (AXFR, and IXFR whose last record is the new SOA after at least one sequence).
 */
function isComplete(records: readonly ResourceRecord[], have: RecordOf<'SOA'> | undefined): boolean {
  const first = records[0];
  if (!first || first.type !== 'SOA') return false;
  if (records.length === 1) return have !== undefined && first.data.serial === have.data.serial;
  const last = records[records.length - 1];
  if (last.type !== 'SOA' || last.data.serial !== first.data.serial) return false;
  // IXFR: [new, old, ..., new, ..., new]; the new SOA also closes each addition list, so count it.
  if (have && records[1].type === 'SOA' && records[1].data.serial !== first.data.serial) {
    const newSoas = records.filter((r) => r.type === 'SOA' && r.data.serial === first.data.serial).length;
    return newSoas >= 3;
  }
  return true;
}
