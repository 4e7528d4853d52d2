import { TextError } from '../errors.js';

/** DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers"; RFC 4034 §A.1, RFC 8624). */
const ALGORITHMS: Record<string, number> = {
  RSAMD5: 1, DH: 2, DSA: 3, RSASHA1: 5, 'DSA-NSEC3-SHA1': 6, NSEC3DSA: 6, 'RSASHA1-NSEC3-SHA1': 7,
  NSEC3RSASHA1: 7, RSASHA256: 8, RSASHA512: 10, 'ECC-GOST': 12, ECCGOST: 12, ECDSAP256SHA256: 13,
  ECDSAP384SHA384: 14, ED25519: 15, ED448: 16, INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254,
};
/** The name each number prints as where a mnemonic is printed (CERT, as BIND does). */
const ALGORITHM_NAMES = new Map<number, string>([
  [1, 'RSAMD5'], [2, 'DH'], [3, 'DSA'], [5, 'RSASHA1'], [6, 'NSEC3DSA'], [7, 'NSEC3RSASHA1'], [8, 'RSASHA256'],
  [10, 'RSASHA512'], [12, 'ECCGOST'], [13, 'ECDSAP256SHA256'], [14, 'ECDSAP384SHA384'], [15, 'ED25519'],
  [16, 'ED448'], [252, 'INDIRECT'], [253, 'PRIVATEDNS'], [254, 'PRIVATEOID'],
]);

/** DS digest types (IANA "Delegation Signer Digest Algorithms"), in the spellings BIND accepts. */
const DIGESTS: Record<string, number> = { 'SHA-1': 1, SHA1: 1, 'SHA-256': 2, SHA256: 2, GOST: 3, 'SHA-384': 4, SHA384: 4 };

/** CERT types (RFC 4398 §2.1). */
const CERT_TYPES: Record<string, number> = {
  PKIX: 1, SPKI: 2, PGP: 3, IPKIX: 4, ISPKI: 5, IPGP: 6, ACPKIX: 7, IACPKIX: 8, URI: 253, OID: 254,
};
const CERT_TYPE_NAMES = new Map<number, string>(Object.entries(CERT_TYPES).map(([k, v]) => [v, k]));

function numberOr(table: Record<string, number>, text: string, max: number, what: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n > max) throw new TextError('BAD_NUMBER', `"${text}" is not a number from 0 to ${max}`);
    return n;
  }
  const n = table[text.toUpperCase()];
  if (n === undefined) throw new TextError('BAD_NUMBER', `"${text}" is not a ${what} number or mnemonic`);
  return n;
}

/** `8` or `RSASHA256` (RFC 4034 §2.2: "or the mnemonic"). */
export const parseAlgorithm = (text: string): number => numberOr(ALGORITHMS, text, 0xff, 'DNSSEC algorithm');
export const parseDigestType = (text: string): number => numberOr(DIGESTS, text, 0xff, 'digest type');
export const parseCertType = (text: string): number => numberOr(CERT_TYPES, text, 0xffff, 'certificate type');

export const algorithmMnemonic = (n: number): string => ALGORITHM_NAMES.get(n) ?? String(n);
export const certTypeMnemonic = (n: number): string => CERT_TYPE_NAMES.get(n) ?? String(n);
