/** `--metrics ADDR:PORT`: GET /metrics in the Prometheus text format; anything else 404. */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { toBindError } from '../transport/bind-error.js';
import { buildRegistry, type MetricsSource, type PromApi } from './registry.js';

export interface MetricsEndpoint {
  address: string;
  port: number;
  close(): Promise<void>;
}

/** "127.0.0.1:9153", "[::1]:9153"; throws TypeError for anything else. */
export function parseMetricsAddress(text: string): { address: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new TypeError(`--metrics ${JSON.stringify(text)}: expected ADDRESS:PORT, e.g. 127.0.0.1:9153 or [::1]:9153`);
  return { address: m[1] ?? m[2], port };
}

export async function startMetrics(at: { address: string; port: number }, source: MetricsSource): Promise<MetricsEndpoint> {
  // Loaded only when asked for: prom-client is not on the start-up path of a server without metrics.
  const prom = (await import('prom-client')) as PromApi & { default?: PromApi };
  const registry = buildRegistry(prom.default ?? prom, source);
  const http: HttpServer = createHttpServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (err) => reject(toBindError(err, at.address, at.port, 'tcp')));
    http.listen(at.port, at.address, () => resolve());
  });
  const bound = http.address();
  return {
    address: at.address,
    port: typeof bound === 'object' && bound ? bound.port : at.port,
    close: () => new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
}
