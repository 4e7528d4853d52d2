import { canonicalRdata, rdataFromWire, rdataNames, typeHasNames, type ResourceRecord } from '@port53/wire';

const UPPER = /[A-Z]/;

/**
 * Rdata with its names in the case NSD and Knot serve them (docs/interop.md, "Names inside
 * rdata"): lower case for the types whose DNSSEC canonical form lower-cases them (RFC 4034 §6.2,
 * as RFC 6840 §5.1 corrects it), as written for the others (NSEC, SVCB, HTTPS, and unknown types,
 * whose names RFC 3597 §4 says to keep). Done once at load, so answers never re-case names.
 */
export function servedRdata(type: ResourceRecord['type'], data: ResourceRecord['data']): ResourceRecord['data'] {
  if (!typeHasNames(type)) return data;
  const rr = { type, data } as ResourceRecord;
  if (!rdataNames(rr).some((name) => UPPER.test(name))) return data;
  return rdataFromWire(type, canonicalRdata(rr));
}
