// Types for the fuzz harness (fuzz.mjs), so that tests can call it under strict TypeScript.

export interface FuzzOptions {
  /** UDP datagrams the server must receive (default 1,000,000); kernel drops are sent again. */
  packets?: number;
  /** Wall-clock bound in seconds (default 600); whichever bound comes first ends the run. */
  seconds?: number;
  /** Highest UDP send rate, packets per second (default 12,000); lowered while the kernel drops. */
  rate?: number;
  /** A valid probe over UDP and TCP after this many packets (default 10,000). */
  probeEvery?: number;
  tcpEvery?: number;
  tcpConcurrency?: number;
  rssGrowthLimitMiB?: number;
  /** PRNG seed; the report gives it so that a run can be replayed. */
  seed?: number;
  /** The zones port53d serves (default the repo's zones/); the probe asks host1.example.test A. */
  zonesDir?: string;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface FuzzReport {
  seed: number;
  /** Datagrams the server's socket received. */
  packets: number;
  sent: number;
  seconds: number;
  packetsPerSecond: number;
  headerCombinations: number;
  replies: { total: number; byRcode: Record<string, number>; largest: number };
  kernelDrops: { server: number; client: number };
  tcp: { connections: number; byKind: Record<string, number> };
  probes: number;
  rss: { startMiB: number; warmMiB: number; endMiB: number; maxSampledMiB: number; peakMiB: number };
  /** Empty when the server survived: no crash, every probe answered correctly, flat memory, no error logged. */
  failures: string[];
}

export const FUZZ_DEFAULTS: Required<Omit<FuzzOptions, 'seed' | 'zonesDir' | 'log'>>;

export function runFuzz(options?: FuzzOptions): Promise<FuzzReport>;
