/**
 * AXFR out (RFC 5936 §2.2): the zone's SOA, every other record, the SOA again, in as many
 * messages as it takes, each signed when the request was (RFC 8945 §5.3.1).
 */
import type { TsigStreamSigner } from '@port53/wire';
import { packMessages, type TransferRequest } from './pack.js';
import { apexSoa, withoutApexSoa, type ZoneVersion } from './versions.js';

/** The messages of one AXFR answer, encoded (and signed) one by one as they are pulled. */
export function* axfrMessages(version: ZoneVersion, request: TransferRequest, signer?: TsigStreamSigner): Generator<Uint8Array> {
  const soa = apexSoa(version);
  const records = [soa, ...withoutApexSoa(version), soa];
  for (const message of packMessages(records, request, signer?.overhead ?? 0)) {
    yield signer ? signer.sign(message) : message;
  }
}
