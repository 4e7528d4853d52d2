import { describe, expect, it } from 'vitest';
import { decode, encode, encodeMessage, type Edns, type MessageInit, type ResourceRecord } from '@port53/wire';
import { a, ascii } from './wire-fixtures.js';

const edns: Edns = { version: 0, udpPayloadSize: 512, do: false, flags: 0, options: [] };
const question = { name: 'big.example.test', type: 'ANY', class: 'IN' } as const;

function rrset(name: string, type: 'A' | 'AAAA' | 'TXT', n: number): ResourceRecord[] {
  return Array.from({ length: n }, (_, i): ResourceRecord => {
    if (type === 'A') return a(name, `192.0.2.${i + 1}`);
    if (type === 'AAAA') return { name, type, class: 'IN', ttl: 60, data: `2001:db8::${i + 1}` };
    return { name, type, class: 'IN', ttl: 60, data: [ascii(`text number ${i} `.repeat(4))] };
  });
}

/** Records grouped by name and type, in order of first appearance, with their counts. */
function rrsetSizes(records: ResourceRecord[]): string[] {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(`${r.name}/${r.type}`, (counts.get(`${r.name}/${r.type}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k}×${n}`);
}

describe('truncation to maxSize', () => {
  const answers = [...rrset('big.example.test', 'A', 10), ...rrset('big.example.test', 'AAAA', 10), ...rrset('big.example.test', 'TXT', 10)];
  const authorities = rrset('example.test', 'TXT', 2);
  const additionals = rrset('ns.example.test', 'A', 2);

  it('a big answer in 512 octets: whole RRsets from the end, TC set, question and OPT kept', () => {
    const m: MessageInit = { id: 5, flags: { qr: true, aa: true }, questions: [question], answers, authorities, additionals, edns };
    expect(encode(m).length).toBeGreaterThan(512);
    const { bytes, truncated, dropped } = encodeMessage(m, { maxSize: 512 });
    expect(bytes.length).toBeLessThanOrEqual(512);
    expect(truncated).toBe(true);
    const d = decode(bytes);
    expect(d.flags.tc).toBe(true);
    expect(d.questions).toEqual([question]);
    expect(d.edns).toEqual(edns);
    expect(rrsetSizes(d.answers)).toEqual(['big.example.test/A×10', 'big.example.test/AAAA×10']);
    expect([d.authorities, d.additionals]).toEqual([[], []]);
    expect(dropped).toBe(10 + 2 + 2);
    expect(bytes.readUInt16BE(10)).toBe(1); // ARCOUNT: the OPT alone, written last
  });

  it('dropping only additional RRsets does not set TC (RFC 2181 §9)', () => {
    const m: MessageInit = { questions: [question], answers: answers.slice(0, 10), additionals: [...rrset('ns1.example.test', 'A', 3), ...rrset('ns1.example.test', 'TXT', 10)], edns };
    const { bytes, truncated, dropped } = encodeMessage(m, { maxSize: 512 });
    const d = decode(bytes);
    expect([truncated, d.flags.tc, dropped]).toEqual([false, false, 10]);
    expect(d.answers).toEqual(answers.slice(0, 10));
    expect(rrsetSizes(d.additionals)).toEqual(['ns1.example.test/A×3']);
    expect(d.edns).toEqual(edns);
  });

  it('an RRset split across the section by another RRset goes as a whole', () => {
    const x = rrset('x.test', 'A', 2);
    const m: MessageInit = { answers: [x[0], a('y.test', '192.0.2.9'), x[1]] };
    const full = encode(m).length;
    // Room for all but the last record: cutting after x[0] or y would leave half of x.
    const d = decode(encodeMessage(m, { maxSize: full - 1 }).bytes);
    expect(d.answers).toEqual([]);
    expect(d.flags.tc).toBe(true);
  });

  it('a message that fits exactly is left alone', () => {
    const m: MessageInit = { questions: [question], answers, edns };
    const size = encode(m).length;
    expect(encodeMessage(m, { maxSize: size })).toMatchObject({ truncated: false, dropped: 0 });
    expect(encodeMessage(m, { maxSize: size - 1 }).truncated).toBe(true);
  });

  it('when even header, question and OPT do not fit, they are returned with TC', () => {
    const m: MessageInit = { questions: [question], answers, edns: { ...edns, options: [{ code: 12, data: new Uint8Array(600) }] } };
    const { bytes, truncated } = encodeMessage(m, { maxSize: 512 });
    expect(truncated).toBe(true);
    expect(bytes.length).toBe(12 + 22 + 11 + 604);
    const d = decode(bytes);
    expect([d.flags.tc, d.questions.length, d.answers.length, d.edns?.options[0].data.length]).toEqual([true, 1, 0, 600]);
  });

  it('without maxSize, a message over 65535 octets is cut to fit 65535', () => {
    const many = rrset('t.example.test', 'TXT', 1).flatMap((r) => Array.from({ length: 1500 }, (_, i) => ({ ...r, name: `n${i}.example.test` })));
    const { bytes, truncated, dropped } = encodeMessage({ questions: [question], answers: many });
    expect(bytes.length).toBeLessThanOrEqual(65535);
    expect(truncated).toBe(true);
    expect(dropped).toBeGreaterThan(0);
    expect(decode(bytes).answers.length).toBe(1500 - dropped);
  });

  it('keeps a TC flag the caller set', () => {
    expect(decode(encode({ flags: { tc: true } })).flags.tc).toBe(true);
  });
});
