import type { RRTypeName } from './constants.js';

/**
 * Names are absolute domain names in presentation format without the final dot ("www.example.test";
 * the root is "."). Labels are binary-safe: "." inside a label is written "\.", other octets outside
 * printable ASCII as "\DDD" (RFC 1035 §5.1). Case is preserved as received.
 */
export type Name = string;

/** A character-string (RFC 1035 §3.3): up to 255 arbitrary octets. */
export type CharacterString = Uint8Array;

export interface SoaData {
  mname: Name;
  rname: Name;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}
export interface MxData { preference: number; exchange: Name }
export interface SrvData { priority: number; weight: number; port: number; target: Name }
export interface CaaData { flags: number; tag: string; value: Uint8Array }
export interface HinfoData { cpu: CharacterString; os: CharacterString }

/** The record types with a typed rdata form; every other type carries raw rdata (RFC 3597). */
export interface TypedRData {
  A: string; // dotted quad
  AAAA: string; // RFC 5952 canonical text
  NS: Name;
  CNAME: Name;
  PTR: Name;
  SOA: SoaData;
  MX: MxData;
  TXT: CharacterString[];
  SRV: SrvData;
  CAA: CaaData;
  HINFO: HinfoData;
}
export type TypedTypeName = keyof TypedRData;

/** Any other type: its mnemonic when it has one (but not OPT, which lives in Message.edns), else TYPEn. */
export type OtherTypeName = Exclude<RRTypeName, TypedTypeName | 'OPT'> | `TYPE${number}`;
export type TypeName = TypedTypeName | OtherTypeName;

/** Class mnemonic or CLASSn (RFC 3597 §5). */
export type ClassName = 'IN' | 'CH' | 'HS' | 'NONE' | 'ANY' | `CLASS${number}`;

interface RecordBase {
  name: Name;
  class: ClassName;
  ttl: number;
}
export type TypedRecord = { [T in TypedTypeName]: RecordBase & { type: T; data: TypedRData[T] } }[TypedTypeName];
export type OpaqueRecord = RecordBase & { type: OtherTypeName; data: Uint8Array };
/** A resource record. Narrow on `type` to get typed `data`. */
export type ResourceRecord = TypedRecord | OpaqueRecord;
/** The record of one given typed type, e.g. RecordOf<'MX'>. */
export type RecordOf<T extends TypedTypeName> = Extract<TypedRecord, { type: T }>;
export type RData = ResourceRecord['data'];

export interface Question {
  name: Name;
  type: TypeName | 'OPT';
  class: ClassName;
}

export interface Flags {
  qr: boolean;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** The reserved Z bit (must be zero; a server never copies it). */
  z: boolean;
  ad: boolean;
  cd: boolean;
}

export interface EdnsOptionData {
  code: number;
  data: Uint8Array;
}

/** The OPT pseudo-record (RFC 6891), kept out of the additional section. */
export interface Edns {
  version: number;
  /** Requestor's UDP payload size (the OPT record's CLASS). */
  udpPayloadSize: number;
  /** DNSSEC OK (RFC 3225). */
  do: boolean;
  /** The other 15 bits of the OPT flags, as received (a server clears them in replies). */
  flags: number;
  options: EdnsOptionData[];
  /** The OPT record's owner name; always the root in a well-formed message. */
  name?: Name;
}

export interface Message {
  id: number;
  opcode: number;
  flags: Flags;
  /** The full RCODE: header's 4 bits combined with OPT's 8 extended bits (RFC 6891 §6.1.3). */
  rcode: number;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  /** Present when the message carries an OPT record. */
  edns?: Edns;
}

/** The fields a caller may leave out when building a message. */
export type MessageInit = Partial<Omit<Message, 'flags'>> & { flags?: Partial<Flags> };
