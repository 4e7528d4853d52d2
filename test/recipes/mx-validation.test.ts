// Recipe: MX-based email address validation (docs/testing.md).
import { expect, test } from 'vitest';
import type { Resolver } from '@port53/resolver';
import { createTestServer } from '@port53/server/testing';

/** The code under test: can the domain of this address receive mail? (RFC 5321 §5.1, RFC 7505) */
async function acceptsMail(address: string, resolver: Resolver): Promise<boolean> {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  try {
    const mx = await resolver.resolveMx(domain);
    return !(mx.length === 1 && mx[0].exchange === ''); // "0 ." is a null MX: no mail, ever
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND') return false;
    if (code !== 'ENODATA') throw err; // SERVFAIL, timeout: we do not know, say so
  }
  // No MX: the domain's own address is the implicit MX.
  return (await resolver.resolve4(domain).catch(() => [])).length > 0;
}

test('MX, null MX, implicit MX, no such domain, and a broken server', async () => {
  await using dns = await createTestServer({
    zones: {
      'shop.test': { '@': { MX: ['10 mx1', '20 mx2'] }, mx1: { A: '192.0.2.25' }, mx2: { A: '192.0.2.26' } },
      'nomail.test': { '@': { MX: '0 .' } },
      'plain.test': { '@': { A: '192.0.2.80' } },
    },
  });
  const resolver = dns.resolver();
  expect(await acceptsMail('ann@shop.test', resolver)).toBe(true);
  expect(await acceptsMail('bob@nomail.test', resolver)).toBe(false);
  expect(await acceptsMail('cy@plain.test', resolver)).toBe(true);
  expect(await acceptsMail('di@missing.shop.test', resolver)).toBe(false);

  dns.fault({ name: 'shop.test', type: 'MX' }, { rcode: 'SERVFAIL' });
  await expect(acceptsMail('ann@shop.test', resolver)).rejects.toMatchObject({ code: 'ESERVFAIL' });
});
