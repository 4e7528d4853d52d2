import { describe, expect, test } from 'vitest';
import { parseZoneText } from '../src/zonefile/index.js';

// Reports of records that share a place ($GENERATE) and of several checks at once keep the order
// the checks have always had: by place, then TTL, duplicate, apex, CNAME checks.
const APEX = '$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n  NS ns1\n';

function check(text: string): { errors: string[]; records: number } {
  const result = parseZoneText(APEX + text, { file: 'o.zone', origin: 'example.test', readInclude: () => '' });
  return { errors: result.errors.map((e) => `${e.severity === 'warning' ? 'warning ' : ''}${e.code}@${e.line}:${e.column}`), records: result.records.length };
}

describe('zone check reports, in order', () => {
  test.each([
    ['a $GENERATE of duplicates', '$GENERATE 1-3 www A 192.0.2.1\n', ['warning DUPLICATE@4:15', 'warning DUPLICATE@4:15'], 3],
    ['TTL and duplicate from one $GENERATE line', 'w 60 A 192.0.2.9\n$GENERATE 1-2 w 300 A 192.0.2.1\n', ['warning TTL_MISMATCH@5:15', 'warning DUPLICATE@5:15'], 4],
    ['two CNAMEs and other data from one $GENERATE line', '$GENERATE 1-2 c CNAME t$\nc TXT "x"\n', ['CNAME_AND_OTHER_DATA@4:15', 'CNAME_AND_OTHER_DATA@4:15'], 5],
    ['outside, TTL, duplicate and CNAME together', 'x.example.net. A 192.0.2.1\na 60 A 192.0.2.1\na 30 A 192.0.2.1\nb CNAME a\nb A 192.0.2.2\nb CNAME c\n', ['OUTSIDE_ZONE@4:1', 'warning TTL_MISMATCH@6:1', 'warning DUPLICATE@6:1', 'CNAME_AND_OTHER_DATA@7:1', 'CNAME_AND_OTHER_DATA@9:1'], 6],
  ])('%s', (_name, text, errors, records) => {
    expect(check(text)).toEqual({ errors, records });
  });
});
