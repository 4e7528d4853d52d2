import { describe, expect, test } from 'vitest';
import type { ResourceRecord } from '@port53/wire';
import { formatJson } from '../src/cli/rfc8427-json.js';
import type { QueryResult } from '../src/query/result.js';

const result = (answers: ResourceRecord[]) =>
  ({
    id: 1, opcode: 0, rcode: 0, rcodeName: 'NOERROR',
    flags: { qr: true, aa: true, tc: false, rd: false, ra: false, z: false, ad: false, cd: false },
    questions: [{ name: 'x.test', type: 'A', class: 'IN' }],
    answers, authorities: [], additionals: [],
    server: '127.0.0.1', serverAddress: { address: '127.0.0.1', port: 53 }, transport: 'udp',
    attempts: [], elapsedMs: 1, size: 100,
  }) as unknown as QueryResult;

const rr = (type: string, data: unknown) => ({ name: 'x.test', class: 'IN', ttl: 60, type, data }) as ResourceRecord;

describe('RFC 8427 rdata members', () => {
  test.each([
    ['a typed type', rr('MX', { preference: 10, exchange: 'mail.test' }), { rdataMX: '10 mail.test.' }],
    ['a type kept as octets that has a text form', rr('DNAME', Uint8Array.of(3, 0x6e, 0x65, 0x77, 4, 0x74, 0x65, 0x73, 0x74, 0)), { rdataDNAME: 'new.test.' }],
    ['a type with no text form: RDATAHEX (RFC 3597)', rr('TYPE65280', Uint8Array.of(10, 0, 0, 1)), { RDATAHEX: '0A000001' }],
  ])('%s', (_label, record, member) => {
    const answer = (formatJson(result([record])).answerRRs as Record<string, unknown>[])[0];
    expect(answer).toMatchObject(member);
    expect(Object.keys(answer).filter((k) => k.startsWith('rdata') || k === 'RDATAHEX')).toHaveLength(1);
  });
});
