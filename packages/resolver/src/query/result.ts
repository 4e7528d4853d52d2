import type { Edns, Flags, Question, ResourceRecord } from '@port53/wire';
import type { ServerAddress } from '../config/server-address.js';
import type { Attempt, Transport } from '../errors.js';

/** The whole response to a query, with how it was obtained. */
export interface QueryResult {
  id: number;
  opcode: number;
  /** Full RCODE, extended bits included (RFC 6891 §6.1.3). */
  rcode: number;
  rcodeName: string;
  flags: Flags;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  edns?: Edns;
  /** The server that answered, in getServers() form. */
  server: string;
  serverAddress: ServerAddress;
  transport: Transport;
  /** Every exchange made for this query, the answering one last. */
  attempts: Attempt[];
  elapsedMs: number;
  /** Octets of the response message. */
  size: number;
}
