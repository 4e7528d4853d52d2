import { expect } from 'vitest';
import { TextError, type Message, type MessageInit, type ResourceRecord } from '@port53/wire';

/** Hex with optional spaces and newlines → octets. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** Asserts that `parse` throws a TextError with `code` and, when given, at token index `token`. */
export function expectTextError(parse: () => unknown, code: string, token?: number): void {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(TextError);
    expect((err as TextError).code).toBe(code);
    if (token !== undefined) expect((err as TextError).token).toBe(token);
    return;
  }
  expect.unreachable(`no TextError ${code}`);
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

/** What decode() returns for a MessageInit: every field filled with encode()'s default. */
export function full(m: MessageInit): Message {
  const out: Message = {
    id: m.id ?? 0,
    opcode: m.opcode ?? 0,
    flags: { qr: false, aa: false, tc: false, rd: false, ra: false, z: false, ad: false, cd: false, ...m.flags },
    rcode: m.rcode ?? 0,
    questions: m.questions ?? [],
    answers: m.answers ?? [],
    authorities: m.authorities ?? [],
    additionals: m.additionals ?? [],
  };
  if (m.edns) out.edns = m.edns;
  return out;
}

export function a(name: string, address: string, ttl = 3600): ResourceRecord {
  return { name, type: 'A', class: 'IN', ttl, data: address };
}

/** The answer to "host1.example.test A IN" used by the size checks (issue 2, NSD's sizes). */
export function hostResponse(addresses: string[]): MessageInit {
  return {
    id: 0x1234,
    flags: { qr: true, aa: true },
    questions: [{ name: 'host1.example.test', type: 'A', class: 'IN' }],
    answers: addresses.map((ip) => a('host1.example.test', ip)),
  };
}

/** A hex vector written with spaces between fields, without them. */
export const plain = (spaced: string): string => spaced.replace(/\s+/g, '');
