import { DEFAULTS } from '../defaults.js';
import { BindError, type Transport } from './bind-error.js';
import type { Listener } from './udp.js';

export interface BindPlan {
  addresses: string[];
  port: number;
  tcp: boolean;
  /** The user named the addresses: every one must bind. Defaults the machine lacks are skipped. */
  explicitAddresses: boolean;
  bind: (transport: Transport, address: string, port: number) => Promise<Listener>;
}

/** An address the user did not ask for that this machine lacks (e.g. ::1 with IPv6 off). */
const UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

/**
 * Binds UDP then TCP on each address, all on one port. With port 0 the first UDP socket picks it;
 * when another process holds that port for TCP or on another address, everything is closed and a
 * new port is tried (a bounded number of times).
 */
export async function bindAll(plan: BindPlan): Promise<{ listeners: Listener[]; skipped: BindError[] }> {
  const attempts = plan.port === 0 ? DEFAULTS.bindAttempts : 1;
  for (let attempt = 1; ; attempt++) {
    const listeners: Listener[] = [];
    const skipped: BindError[] = [];
    let port = plan.port;
    try {
      for (const address of plan.addresses) {
        let udp: Listener;
        try {
          udp = await plan.bind('udp', address, port);
        } catch (err) {
          if (!plan.explicitAddresses && err instanceof BindError && UNAVAILABLE.has(err.code)) {
            skipped.push(err);
            continue;
          }
          throw err;
        }
        listeners.push(udp);
        port = udp.port;
        if (plan.tcp) listeners.push(await plan.bind('tcp', address, port));
      }
      if (listeners.length === 0) throw skipped[0];
      return { listeners, skipped };
    } catch (err) {
      await Promise.all(listeners.map((l) => l.close()));
      if (plan.port === 0 && attempt < attempts && err instanceof BindError && err.code === 'EADDRINUSE') continue;
      throw err;
    }
  }
}
