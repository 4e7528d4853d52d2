import { describe, expect, it } from 'vitest';
import { formatServer, InvalidServerError, parseServer } from '@port53/resolver';

describe('parseServer', () => {
  const good: [string, { address: string; port: number; family: 4 | 6 }, string][] = [
    ['127.0.0.1', { address: '127.0.0.1', port: 53, family: 4 }, '127.0.0.1'],
    ['127.0.0.1:5353', { address: '127.0.0.1', port: 5353, family: 4 }, '127.0.0.1:5353'],
    ['127.0.0.1:53', { address: '127.0.0.1', port: 53, family: 4 }, '127.0.0.1'],
    ['::1', { address: '::1', port: 53, family: 6 }, '::1'],
    ['[::1]', { address: '::1', port: 53, family: 6 }, '::1'],
    ['[::1]:5353', { address: '::1', port: 5353, family: 6 }, '[::1]:5353'],
    ['2001:db8::53', { address: '2001:db8::53', port: 53, family: 6 }, '2001:db8::53'],
    ['fe80::1%eth0', { address: 'fe80::1%eth0', port: 53, family: 6 }, 'fe80::1%eth0'],
    ['[fe80::1%eth0]:53', { address: 'fe80::1%eth0', port: 53, family: 6 }, 'fe80::1%eth0'],
    ['[fe80::1%eth0]:5300', { address: 'fe80::1%eth0', port: 5300, family: 6 }, '[fe80::1%eth0]:5300'],
    [' 10.0.0.1 ', { address: '10.0.0.1', port: 53, family: 4 }, '10.0.0.1'],
  ];
  it.each(good)('%s', (text, parsed, formatted) => {
    expect(parseServer(text)).toEqual(parsed);
    expect(formatServer(parseServer(text))).toBe(formatted);
  });

  const bad = ['', 'localhost', 'dns.example:53', '1.2.3.4:0', '1.2.3.4:65536', '1.2.3.4:x', '256.1.1.1', '[::1', '[::1]x', '[::1]:', 'fe80::1%', '::1:53:'];
  it.each(bad)('rejects %j', (text) => {
    expect(() => parseServer(text)).toThrow(InvalidServerError);
  });
});
