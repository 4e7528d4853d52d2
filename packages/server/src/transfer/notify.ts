/**
 * NOTIFY out (RFC 1996): when a zone's serial changes, each `--notify ADDR[:PORT][@KEYNAME]`
 * target is told over UDP, signed when a key is named, and told again with a doubling interval
 * until it acknowledges (§3.6: same ID, opcode NOTIFY, QR) or the tries run out. A newer serial
 * replaces a notification still being retried.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import {
  canonicalName, decode, decodeHeader, encode, HEADER_LENGTH, nowSeconds, Opcode, parseIPv4, parseIPv6, parseName, rcodeToString, signMessage,
  TsigStreamVerifier, TsigVerifyError, WireError,
} from '@port53/wire';
import type { Name, RecordOf, TsigKey, TsigKeyring } from '@port53/wire';
import type { Logger } from '../log.js';

export interface NotifyTarget {
  address: string;
  port: number;
  /** Canonical name of the key to sign with. */
  key?: Name;
  text: string;
}

/** A bad `--notify` text. */
export class NotifyTargetError extends Error {
  override readonly name = 'NotifyTargetError';
  readonly code = 'BAD_NOTIFY';
}

/** Parses `ADDR[:PORT][@KEYNAME]` (IPv6 with a port as `[ADDR]:PORT`; the port defaults to 53). */
export function parseNotifyTarget(text: string): NotifyTarget {
  const at = text.indexOf('@');
  const where = at < 0 ? text : text.slice(0, at);
  const keyText = at < 0 ? undefined : text.slice(at + 1);
  let address = where;
  let portText = '53';
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(where);
  if (bracketed) {
    address = bracketed[1];
    portText = bracketed[2] ?? '53';
  } else if (!isIPv6(where)) {
    const colon = where.lastIndexOf(':');
    if (colon >= 0) {
      address = where.slice(0, colon);
      portText = where.slice(colon + 1);
    }
  }
  if (!parseIPv4(address) && !parseIPv6(address)) throw new NotifyTargetError(`--notify ${JSON.stringify(text)}: ${JSON.stringify(address)} is not an IPv4 or IPv6 address`);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new NotifyTargetError(`--notify ${JSON.stringify(text)}: port must be 1 to 65535`);
  let key: Name | undefined;
  if (keyText !== undefined) {
    try {
      key = canonicalName(parseName(keyText.endsWith('.') ? keyText : `${keyText}.`));
    } catch (e) {
      throw new NotifyTargetError(`--notify ${JSON.stringify(text)}: bad key name: ${(e as Error).message}`);
    }
  }
  return { address, port, key, text };
}

export interface NotifyTiming {
  /** The first wait for an acknowledgement; doubled after each try (default 1000 ms). */
  firstTimeoutMs: number;
  /** The longest wait between tries (default 60 000 ms). */
  maxTimeoutMs: number;
  /** Tries before giving up (default 10: about five minutes). */
  tries: number;
}

export const NOTIFY_TIMING: NotifyTiming = { firstTimeoutMs: 1000, maxTimeoutMs: 60_000, tries: 10 };

/** One notification being sent: cancel() stops it. */
interface Pending {
  serial: number;
  cancel(): void;
}

export class Notifier {
  private readonly pending = new Map<string, Pending>();
  private closed = false;
  /** Notifications acknowledged, and given up. */
  readonly counters = { sent: 0, acknowledged: 0, failed: 0 };

  constructor(
    private readonly targets: readonly NotifyTarget[],
    private readonly keys: TsigKeyring,
    private readonly logger: Logger,
    private readonly timing: NotifyTiming = NOTIFY_TIMING,
  ) {}

  /** Tells every target that `origin` is now at `soa`'s serial. */
  notify(origin: Name, soa: RecordOf<'SOA'>): void {
    if (this.closed) return;
    for (const target of this.targets) {
      const id = `${canonicalName(origin)} ${target.text}`;
      this.pending.get(id)?.cancel();
      const key = target.key === undefined ? undefined : this.keys.get(target.key);
      const pending = this.send(origin, soa, target, key, () => this.pending.delete(id));
      this.pending.set(id, pending);
    }
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) p.cancel();
    this.pending.clear();
  }

  private send(origin: Name, soa: RecordOf<'SOA'>, target: NotifyTarget, key: TsigKey | undefined, done: () => void): Pending {
    const socket = dgram.createSocket(isIPv6(target.address) ? 'udp6' : 'udp4');
    const messageId = Math.floor(Math.random() * 0x10000);
    const serial = soa.data.serial;
    const where = `${target.address.includes(':') ? `[${target.address}]` : target.address}:${target.port}`;
    const log = { event: 'notify', zone: origin, serial, target: where, key: key?.name };
    let tries = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    let requestMac: Uint8Array | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      socket.close();
      done();
    };
    const attempt = () => {
      if (finished) return;
      if (tries >= this.timing.tries) {
        this.counters.failed++;
        this.logger.warn({ ...log, outcome: 'gave-up', tries }, `NOTIFY ${origin} serial ${serial} to ${where}: no acknowledgement after ${tries} tries`);
        finish();
        return;
      }
      tries++;
      // RFC 1996 §3.7: the SOA in the answer section is a hint of the new serial.
      const message = encode({ id: messageId, opcode: Opcode.NOTIFY, flags: { aa: true }, questions: [{ name: origin, type: 'SOA', class: 'IN' }], answers: [soa] });
      let bytes: Uint8Array = message;
      if (key) {
        const signed = signMessage(message, key, { now: nowSeconds() });
        bytes = signed.bytes;
        requestMac = signed.mac;
      }
      this.counters.sent++;
      socket.send(bytes, target.port, target.address);
      const wait = Math.min(this.timing.firstTimeoutMs * 2 ** (tries - 1), this.timing.maxTimeoutMs);
      timer = setTimeout(attempt, wait);
    };
    socket.on('error', (err) => {
      this.logger.warn({ ...log, err }, `NOTIFY ${origin} to ${where}: ${err.message}`);
    });
    socket.on('message', (reply, from) => {
      if (finished || from.port !== target.port || reply.length < HEADER_LENGTH) return;
      const header = decodeHeader(reply);
      if (header.id !== messageId || !header.flags.qr || header.opcode !== Opcode.NOTIFY) return; // not our answer (§3.6)
      if (key && requestMac) {
        try {
          new TsigStreamVerifier(key, requestMac).verify(reply);
        } catch (e) {
          if (!(e instanceof TsigVerifyError || e instanceof WireError)) throw e;
          this.logger.warn({ ...log, reason: e.message }, `NOTIFY ${origin} to ${where}: answer ignored: ${e.message}`);
          return;
        }
      }
      let rcode = header.rcode;
      try {
        rcode = decode(reply).rcode;
      } catch {
        // the header's RCODE will do
      }
      if (rcode === 0) {
        this.counters.acknowledged++;
        this.logger.info({ ...log, outcome: 'acknowledged', tries }, `NOTIFY ${origin} serial ${serial} acknowledged by ${where}`);
      } else {
        // NOTAUTH or REFUSED: the target does not take NOTIFY from us for this zone; trying again will not change that.
        this.counters.failed++;
        this.logger.warn({ ...log, outcome: 'rejected', rcode: rcodeToString(rcode) }, `NOTIFY ${origin} serial ${serial}: ${where} answered ${rcodeToString(rcode)}`);
      }
      finish();
    });
    socket.bind(0, () => attempt());
    return { serial, cancel: finish };
  }
}
