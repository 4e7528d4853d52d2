/**
 * NOTIFY in (RFC 1996 §3.7-3.11): a NOTIFY for one of our secondary zones, from its primary's
 * address and signed with its key when one is configured, is acknowledged and starts a check of
 * the primary; any other NOTIFY is REFUSED (as NSD answers one that no allow-notify matches).
 */
import { canonicalName, decode, encodeMessage, Opcode, Rcode, WireError } from '@port53/wire';
import type { Message, Name } from '@port53/wire';
import type { Outcome } from '../answer/respond.js';
import type { SecondaryZone } from './secondary.js';

export interface NotifyAnswer {
  outcome: Outcome;
  /** The zone to check now, when the NOTIFY is accepted. */
  zone?: SecondaryZone;
  /** The serial the NOTIFY announced (its answer section's SOA), if any. */
  serial?: number;
}

/** undefined when `query` is not a NOTIFY. `keyName` is the verified TSIG key's, if signed. */
export function answerNotify(query: Uint8Array, clientAddress: string, keyName: Name | undefined, secondaries: ReadonlyMap<Name, SecondaryZone>): NotifyAnswer | undefined {
  let m: Message;
  try {
    m = decode(query);
  } catch (e) {
    if (e instanceof WireError) return undefined;
    throw e;
  }
  if (m.opcode !== Opcode.NOTIFY || m.flags.qr) return undefined;
  const q = m.questions[0];
  const reply = (rcode: number, reason: string, zone?: SecondaryZone, serial?: number): NotifyAnswer => ({
    outcome: {
      kind: rcode === Rcode.NOERROR ? 'answered' : rcode === Rcode.FORMERR ? 'formerr' : 'refused',
      reason,
      rcode,
      reply: encodeMessage({ id: m.id, opcode: Opcode.NOTIFY, flags: { qr: true, aa: rcode === Rcode.NOERROR }, rcode, questions: q ? [q] : [] }).bytes,
      qname: q?.name,
      qtype: q?.type,
    },
    zone,
    serial,
  });
  if (m.questions.length !== 1 || q.type !== 'SOA') return reply(Rcode.FORMERR, 'NOTIFY without one SOA question');
  const zone = secondaries.get(canonicalName(q.name));
  if (!zone) return reply(Rcode.REFUSED, `NOTIFY for ${q.name}, not a secondary zone here`);
  const mapped = clientAddress.startsWith('::ffff:') ? clientAddress.slice(7) : clientAddress;
  if (mapped !== zone.primary.address) return reply(Rcode.REFUSED, `NOTIFY for ${q.name} from ${clientAddress}, not its primary`);
  if (zone.primary.key && (keyName === undefined || canonicalName(keyName) !== canonicalName(zone.primary.key.name))) {
    return reply(Rcode.REFUSED, `NOTIFY for ${q.name} not signed with ${zone.primary.key.name}`);
  }
  const soa = m.answers.find((r) => r.type === 'SOA');
  return reply(Rcode.NOERROR, 'NOTIFY accepted', zone, soa?.type === 'SOA' ? soa.data.serial : undefined);
}
