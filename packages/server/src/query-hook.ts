import type { Client, Reply } from './transport/udp.js';

export type { Client, LateReply, Reply } from './transport/udp.js';

/**
 * A server's `hook`: called for every query instead of answering it directly. `answer()` runs the
 * server's own answering (counted in its stats) and returns its reply. The hook returns what to
 * send: those octets or others, `undefined` for nothing, `'close'` to close a TCP connection
 * unanswered (nothing over UDP), or a promise of one of these to answer later.
 * Servers without a hook do not pay for one: the transports are handed the plain handler.
 */
export type QueryHook = (query: Uint8Array, client: Client, answer: () => Uint8Array | undefined) => Reply;
