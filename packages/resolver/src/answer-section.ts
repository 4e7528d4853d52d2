const HEADER = 12;
const OPT = 41;

/**
 * The reply cut down to what the node:dns-shaped methods read: header, question, answer section
 * and the OPT record (its extended RCODE, RFC 6891 §6.1.3), with NSCOUNT 0 and ARCOUNT 0 or 1.
 * The rest is skipped over, never decoded: the profile of `resolve4` against NSD (2 NS and 4 glue
 * records in every answer) showed decoding them as the largest single cost. Names only point
 * backwards (RFC 1035 §4.1.4, enforced by the decoder), so what is kept decodes exactly as in the
 * whole message. Returns the packet itself when there is nothing to cut, and undefined when its
 * layout is off (the caller decodes it whole, and the decoder says what is wrong).
 */
export function answersAndOpt(packet: Uint8Array): Uint8Array | undefined {
  if (packet.length < HEADER) return undefined;
  const count = (at: number) => (packet[at] << 8) | packet[at + 1];
  const qd = count(4);
  const an = count(6);
  const ns = count(8);
  const ar = count(10);
  let pos = HEADER;
  for (let i = 0; i < qd; i++) {
    pos = skipName(packet, pos);
    if (pos < 0) return undefined;
    pos += 4;
  }
  for (let i = 0; i < an; i++) {
    pos = skipRecord(packet, pos);
    if (pos < 0) return undefined;
  }
  const answersEnd = pos;
  for (let i = 0; i < ns; i++) {
    if (recordType(packet, pos) === OPT) return undefined; // misplaced OPT: let the decoder reject it
    pos = skipRecord(packet, pos);
    if (pos < 0) return undefined;
  }
  let opt: Uint8Array | undefined;
  for (let i = 0; i < ar; i++) {
    const start = pos;
    const type = recordType(packet, pos);
    pos = skipRecord(packet, pos);
    if (pos < 0) return undefined;
    if (type === OPT) {
      if (opt !== undefined) return undefined; // a second OPT: the decoder's error
      opt = packet.subarray(start, pos);
    }
  }
  if (pos > packet.length) return undefined;
  if (ns === 0 && ar === (opt ? 1 : 0)) return packet;
  const out = Buffer.allocUnsafe(answersEnd + (opt?.length ?? 0));
  out.set(packet.subarray(0, answersEnd), 0);
  if (opt) out.set(opt, answersEnd);
  out.writeUInt32BE(opt ? 1 : 0, 8); // NSCOUNT 0, ARCOUNT
  return out;
}

/** The octet after the name at `pos` (a pointer ends it), or -1 when it runs off the end. */
function skipName(b: Uint8Array, pos: number): number {
  for (;;) {
    if (pos >= b.length) return -1;
    const len = b[pos];
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2 <= b.length ? pos + 2 : -1;
    if ((len & 0xc0) !== 0) return -1;
    pos += 1 + len;
  }
}

function skipRecord(b: Uint8Array, pos: number): number {
  pos = skipName(b, pos);
  if (pos < 0 || pos + 10 > b.length) return -1;
  const end = pos + 10 + ((b[pos + 8] << 8) | b[pos + 9]);
  return end <= b.length ? end : -1;
}

function recordType(b: Uint8Array, pos: number): number {
  const at = skipName(b, pos);
  return at < 0 || at + 2 > b.length ? -1 : (b[at] << 8) | b[at + 1];
}
