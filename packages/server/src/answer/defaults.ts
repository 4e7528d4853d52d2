import { CLASSIC_UDP_SIZE, DEFAULT_EDNS_PAYLOAD } from '@port53/wire';

/** The UDP payload size we advertise in our OPT and the most we send over UDP (DNS flag day 2020). */
export const OUR_UDP_PAYLOAD = DEFAULT_EDNS_PAYLOAD;
/** The UDP limit for a client without EDNS, and the floor for a smaller advertised size (RFC 6891 §6.2.5). */
export const UDP_SIZE_WITHOUT_EDNS = CLASSIC_UDP_SIZE;
/** A TCP message is bounded only by its 2-octet length prefix (RFC 1035 §4.2.2). */
export const TCP_MAX_SIZE = 65535;
/** CNAMEs followed for one query before we return what we have (BIND's limit is 16, Knot's 5 per zone). */
export const MAX_CNAME_CHAIN = 12;
/** Pre-encoded replies kept per catalog (answer/cache.ts); a reply is 100 octets or so, at most 64 KiB over TCP. */
export const ANSWER_CACHE_ENTRIES = 100_000;
/**
 * Octets the answer cache's entries take per catalog at most, keys, replies, names and per-entry
 * overhead all counted (about 650 octets for a 100-octet reply, so some 6,400 entries). Measured
 * on a quiet machine, a 150,000-name flood grows RSS by 38-40 MiB at 4 MiB and by 68 MiB at
 * 16 MiB (the garbage collector's slack over dropped generations is most of it): 4 MiB keeps the
 * growth under issue 12's 64 MiB. The bench's 26,540 distinct questions no longer all fit.
 */
export const ANSWER_CACHE_BYTES = 4 * 1024 * 1024;
