import { RRType } from '../constants.js';
import type { TypedRData, TypedTypeName } from '../types.js';
import { aaaaCodec, aCodec } from './address.js';
import { caaCodec } from './caa.js';
import type { RdataCodec } from './codec.js';
import { mxCodec, nameCodec, soaCodec, srvCodec } from './domain.js';
import { hinfoCodec, txtCodec } from './strings.js';

type CodecTable = { [T in TypedTypeName]: RdataCodec<TypedRData[T]> };

/** The types with a typed rdata form; every other type stays opaque octets (RFC 3597). */
const byName: CodecTable = {
  A: aCodec,
  AAAA: aaaaCodec,
  NS: nameCodec('NS'),
  CNAME: nameCodec('CNAME'),
  PTR: nameCodec('PTR'),
  SOA: soaCodec,
  MX: mxCodec,
  TXT: txtCodec,
  SRV: srvCodec,
  CAA: caaCodec,
  HINFO: hinfoCodec,
};

export interface TypedCodec {
  name: TypedTypeName;
  codec: RdataCodec<unknown>;
}

/** Numeric type → its typed codec, for the decoder's and encoder's dispatch. */
export const typedCodecs = new Map<number, TypedCodec>(
  (Object.keys(byName) as TypedTypeName[]).map((name) => [
    RRType[name],
    { name, codec: byName[name] as RdataCodec<unknown> },
  ]),
);
