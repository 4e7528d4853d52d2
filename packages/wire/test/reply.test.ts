import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decode,
  encode,
  foldQuestionName,
  isCaseNeutralReply,
  isStandardQuery,
  nameFromOctets,
  questionScan,
  replyFromTemplate,
  sameQuestionName,
  scanQuestion,
  servfailReply,
  truncatedReply,
  type MessageInit,
} from '@port53/wire';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const header = (id: number, b2: number, b3 = 0, counts = [0, 0, 0, 0]) =>
  Uint8Array.from([id >> 8, id & 0xff, b2, b3, ...counts.flatMap((c) => [c >> 8, c & 0xff])]);

describe('servfailReply: the SERVFAIL of last resort', () => {
  it.each([
    ['QUERY with RD', header(0xabcd, 0x01), hex('abcd 8102 0000 0000 0000 0000')],
    ['NOTIFY (opcode 4), AA and TC in the query are not copied', header(0x0102, 0x26), hex('0102 a002 0000 0000 0000 0000')],
    ['a question and records are not echoed', Uint8Array.from([...header(7, 0, 0, [1, 0, 0, 0]), 0, 0, 1, 0, 1]), hex('0007 8002 0000 0000 0000 0000')],
  ])('%s', (_, query, reply) => {
    expect(servfailReply(query)).toEqual(reply);
  });

  it.each([
    ['11 octets: no whole header', header(1, 0).subarray(0, 11)],
    ['a response (QR set): answering could loop', header(1, 0x80)],
  ])('none for %s', (_, query) => {
    expect(servfailReply(query)).toBeUndefined();
  });
});

describe('truncatedReply: header and question, TC set, nothing else', () => {
  const reply = (init: Partial<MessageInit>) =>
    encode({ id: 0x1234, flags: { qr: true, aa: true }, questions: [{ name: 'a.example', type: 'A', class: 'IN' }], answers: [{ name: 'a.example', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' }], ...init });

  it.each([
    ['without EDNS', {}, false],
    ['with an OPT (kept)', { edns: { version: 0, udpPayloadSize: 1232, do: true, flags: 0, options: [] } }, true],
  ])('%s', (_, init, edns) => {
    const cut = truncatedReply(reply(init))!;
    const d = decode(cut);
    expect(d).toMatchObject({ id: 0x1234, answers: [], authorities: [], additionals: [], questions: [{ name: 'a.example', type: 'A', class: 'IN' }] });
    expect(d.flags).toMatchObject({ qr: true, aa: true, tc: true });
    expect(d.edns?.do).toBe(edns ? true : undefined);
  });

  it.each([
    ['11 octets', header(1, 0x80).subarray(0, 11)],
    ['two questions', Uint8Array.from([...header(1, 0x80, 0, [2, 0, 0, 0]), 0, 0, 1, 0, 1, 0, 0, 1, 0, 1])],
    ['a compressed question name', Uint8Array.from([...header(1, 0x80, 0, [1, 0, 0, 0]), 0xc0, 0x0c, 0, 1, 0, 1])],
    ['a question past the end', Uint8Array.from([...header(1, 0x80, 0, [1, 0, 0, 0]), 3, 0x61, 0x62])],
  ])('none for %s', (_, bytes) => {
    expect(truncatedReply(bytes)).toBeUndefined();
  });
});

describe('reply templates (the answer cache)', () => {
  const query = (name: string, id: number, rd: boolean) => encode({ id, flags: { rd }, questions: [{ name, type: 'A', class: 'IN' }] });
  const scanned = (bytes: Uint8Array) => {
    const scan = questionScan();
    expect(scanQuestion(bytes, scan)).toBe(true);
    return scan.nameEnd;
  };

  it.each([
    ['QUERY', header(1, 0x01), true],
    ['a response', header(1, 0x81), false],
    ['NOTIFY', header(1, 0x20), false],
    ['11 octets', header(1, 0).subarray(0, 11), false],
  ])('isStandardQuery: %s → %s', (_, bytes, expected) => {
    expect(isStandardQuery(bytes)).toBe(expected);
  });

  it('folds the question name to lower case, ASCII only', () => {
    const q = query('WwW.\\195xAmple', 1, false);
    const out = new Uint8Array(64);
    const n = foldQuestionName(q, scanned(q), out);
    expect(Buffer.from(out.subarray(0, n)).toString('latin1')).toBe('\x03www\x07\xc3xample\x00');
  });

  it('patches ID, RD and, when asked, the name case', () => {
    const template = encode({ id: 9, flags: { qr: true, aa: true, rd: false }, questions: [{ name: 'a.example', type: 'A', class: 'IN' }], answers: [{ name: 'a.example', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' }] });
    const q = query('A.eXample', 0xbeef, true);
    const nameEnd = scanned(q);
    expect(sameQuestionName(q, template, nameEnd)).toBe(false);
    const same = decode(replyFromTemplate(template, q, nameEnd, false));
    expect(same).toMatchObject({ id: 0xbeef, flags: expect.objectContaining({ rd: true, aa: true, qr: true }), questions: [{ name: 'a.example' }] });
    const echoed = decode(replyFromTemplate(template, q, nameEnd, true));
    expect(echoed.questions[0].name).toBe('A.eXample');
    expect(echoed.answers[0].name).toBe('A.eXample'); // the owner is a pointer to the question
  });

  const answer = (records: MessageInit['answers'], init: Partial<MessageInit> = {}) =>
    encode({ id: 1, flags: { qr: true }, questions: [{ name: 'a.example', type: 'ANY', class: 'IN' }], answers: records, ...init });
  const a = { name: 'a.example', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' } as const;
  it.each([
    ['A at the question name', answer([a]), true],
    ['A with an OPT', answer([a], { edns: { version: 0, udpPayloadSize: 1232, do: false, flags: 0, options: [] } }), true],
    ['a CNAME: its target is a name', answer([{ name: 'a.example', type: 'CNAME', class: 'IN', ttl: 60, data: 'b.example' }]), false],
    ['MX: the exchange is a name', answer([{ name: 'a.example', type: 'MX', class: 'IN', ttl: 60, data: { preference: 1, exchange: 'mx.example' } }]), false],
    ['an owner other than the question', answer([{ ...a, name: 'b.example' }]), false],
    ['an authority section', answer([], { authorities: [{ name: 'example', type: 'NS', class: 'IN', ttl: 60, data: 'ns.example' }] }), false],
  ])('isCaseNeutralReply: %s → %s', (_, reply, expected) => {
    expect(isCaseNeutralReply(reply, 'a.example'.length + 2 + 12)).toBe(expected);
  });
});

describe('nameFromOctets: exactly one uncompressed name', () => {
  it.each([
    [hex('00'), '.'],
    [hex('0161 076578616d706c65 00'), 'a.example'],
    [hex('03 612e62 00'), 'a\\.b'],
    [hex('c00c'), undefined],
    [hex('0161 00 00'), undefined],
    [hex('05 6162 00'), undefined],
    [hex(''), undefined],
    [hex('0161'), undefined],
  ])('%s → %s', (octets, name) => {
    expect(nameFromOctets(octets)).toBe(name);
  });
});

describe('arbitrary octets never throw', () => {
  it('servfailReply, truncatedReply and isCaseNeutralReply on random messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(64), (bytes, nameEnd) => {
        const servfail = servfailReply(bytes);
        if (servfail) expect(decode(servfail).rcode).toBe(2);
        const cut = truncatedReply(bytes);
        if (cut) expect(cut.length).toBeLessThanOrEqual(bytes.length);
        if (bytes.length >= 12) isCaseNeutralReply(bytes, Math.max(12, nameEnd));
      }),
      { numRuns: 2000, seed: 53 },
    );
  });
});
