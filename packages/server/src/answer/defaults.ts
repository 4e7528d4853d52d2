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
 * Octets the answer cache takes per catalog at most (its arena starts at 128 KiB and doubles as
 * entries come): the arena of keys, replies and 28-octet entry
 * headers, and the hash table (8 octets a slot, at most half full, at most a quarter of the limit:
 * 2 MiB here), in typed arrays, so there is no collector slack on top. About 135 octets of arena
 * an entry for the bench mix (81-octet replies): its 26,540 distinct questions take 3.6 MB and fit
 * one generation (half the arena, 7 MiB). A 150,000-name flood, which fills both generations,
 * grew port53d's RSS by 17.9-25.3 MiB (issue 12's bound is 64; the Map-based cache of before grew
 * it by 68 MiB at this limit, mostly collector slack).
 */
export const ANSWER_CACHE_BYTES = 16 * 1024 * 1024;
