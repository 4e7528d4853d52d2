/** Whether a server on 127.0.0.1 has its zone loaded, and waiting until it has. */
import { udpExchange } from '../test/support/loopback.mjs';
import { buildQuery, readHeader } from './dns-message.mjs';

/** True when 127.0.0.1:port answers the zone's SOA with NOERROR and an answer (the zone is loaded). */
export async function answersSoa(port, origin, timeoutMs = 200) {
  const id = 1 + Math.floor(Math.random() * 65000);
  const reply = await udpExchange(port, buildQuery({ id, name: origin, type: 'SOA' }), { timeoutMs, sameId: true });
  const h = reply && readHeader(reply);
  return Boolean(h && h.qr && h.rcode === 'NOERROR' && h.ancount > 0);
}

/** Polls every intervalMs until the server answers the SOA; rejects on the child's exit or after ms. */
export async function waitUntilServing(port, origin, child, ms = 30_000, intervalMs = 20) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}): ${child.output.trim().slice(-2000)}`);
    if (await answersSoa(port, origin)) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`not answering ${origin} SOA on 127.0.0.1:${port} after ${ms} ms: ${child.output.trim().slice(-2000)}`);
}
