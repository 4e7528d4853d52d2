import { readFileSync } from 'node:fs';
import { RESOLV_CONF_LIMITS } from './defaults.js';
import { parseServer, type ServerAddress } from './server-address.js';

/** What resolv.conf(5) says, with only the settings it actually contains. */
export interface ResolvConf {
  nameservers: ServerAddress[];
  /** Search domains without the final dot; `search .` leaves it empty. */
  search: string[];
  ndots?: number;
  /** ms (the file says seconds). */
  timeout?: number;
  attempts?: number;
  rotate?: boolean;
  edns?: boolean;
  tcp?: boolean;
  /** Lines that were skipped, with their number, for whoever wants to tell the user. */
  ignored: { line: number; text: string; reason: string }[];
}

/**
 * Parses resolv.conf text as glibc does, leniently: comments start with '#' or ';' anywhere,
 * unknown keywords and bad values are skipped, the last `search`/`domain` wins, only the first
 * three nameservers count (MAXNS).
 */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], ignored: [] };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const words = raw.replace(/[#;].*$/, '').trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return;
    const [keyword, ...args] = words;
    const skip = (reason: string) => conf.ignored.push({ line, text: raw, reason });
    switch (keyword) {
      case 'nameserver': {
        if (args.length === 0) return skip('nameserver without an address');
        if (conf.nameservers.length >= RESOLV_CONF_LIMITS.maxNameservers) return skip('more than 3 nameservers');
        try {
          // resolv.conf takes a bare address; a port is not part of its syntax but harmless to accept.
          conf.nameservers.push(parseServer(args[0]));
        } catch {
          skip(`"${args[0]}" is not an IP address`);
        }
        return;
      }
      case 'domain':
        conf.search = args.length > 0 ? searchDomains(args.slice(0, 1)) : [];
        return;
      case 'search':
        conf.search = searchDomains(args);
        return;
      case 'options':
        for (const option of args) applyOption(conf, option, skip);
        return;
      default:
        skip(`unknown keyword "${keyword}"`);
    }
  });
  return conf;
}

function searchDomains(args: string[]): string[] {
  return args.map((d) => d.replace(/\.$/, '')).filter((d) => d !== '' && d !== '.');
}

function applyOption(conf: ResolvConf, option: string, skip: (reason: string) => void): void {
  const [key, value] = option.split(':', 2);
  const int = (max: number, min = 0): number | undefined => {
    if (value === undefined || !/^\d+$/.test(value)) return undefined;
    return Math.max(min, Math.min(max, Number(value)));
  };
  switch (key) {
    case 'ndots': {
      const n = int(RESOLV_CONF_LIMITS.maxNdots);
      return n === undefined ? skip(`bad ndots "${value}"`) : void (conf.ndots = n);
    }
    case 'timeout': {
      const n = int(RESOLV_CONF_LIMITS.maxTimeoutSeconds, 1);
      return n === undefined ? skip(`bad timeout "${value}"`) : void (conf.timeout = n * 1000);
    }
    case 'attempts': {
      const n = int(RESOLV_CONF_LIMITS.maxAttempts, 1);
      return n === undefined ? skip(`bad attempts "${value}"`) : void (conf.attempts = n);
    }
    case 'rotate':
      conf.rotate = true;
      return;
    case 'edns0':
      conf.edns = true;
      return;
    case 'use-vc':
      conf.tcp = true;
      return;
    default:
      // inet6, single-request, trust-ad, no-aaaa ... concern getaddrinfo, not a stub resolver.
      return;
  }
}

/** Reads and parses the file; a missing or unreadable file is an empty configuration. */
export function loadResolvConf(path: string): ResolvConf {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { nameservers: [], search: [], ignored: [] };
  }
  return parseResolvConf(text);
}
