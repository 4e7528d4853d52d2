/** Command-line options of `pnpm bench`; a bad argument is one line on stderr and exit status 1. */

export const PARTS = ['server', 'sizes', 'resolver', 'lookup', 'zoneload', 'reload', 'cli', 'testserver', 'heavy', 'workers', 'profile'];
/** Parts run when --only is not given (the profile is asked for by name). */
export const DEFAULT_PARTS = ['server', 'sizes', 'resolver', 'lookup', 'zoneload', 'reload', 'cli', 'testserver', 'heavy', 'workers'];

const USAGE = `usage: pnpm bench [--quick] [--only ${PARTS.join('|')}[,...]] [--rounds N] [--seconds S]
  --quick      short runs, 1 round, a 100k-record zone for zoneload (a smoke test, about a minute)
  --only P     run only these parts (comma-separated); 'profile' records a CPU profile of port53d
  --rounds N   interleaved rounds per comparison (default 3)
  --seconds S  length of each dnsperf run (default 10)`;

export class UsageError extends Error {}

/** Parses argv (without node and the script) into the bench settings. */
export function parseArgs(argv) {
  const opts = { quick: false, parts: [...DEFAULT_PARTS], rounds: 3, seconds: 10, help: false };
  let rounds;
  let seconds;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--':
        break;
      case '--quick':
        opts.quick = true;
        break;
      case '--only': {
        const parts = value().split(',').filter(Boolean);
        for (const p of parts) if (!PARTS.includes(p)) throw new UsageError(`--only: unknown part '${p}' (one of ${PARTS.join(', ')})`);
        opts.parts = parts;
        break;
      }
      case '--rounds':
        rounds = positiveInt(flag, value(), 100);
        break;
      case '--seconds':
        seconds = positiveInt(flag, value(), 600);
        break;
      case '--help':
      case '-h':
        opts.help = true;
        break;
      default:
        throw new UsageError(`unknown argument '${arg}'`);
    }
  }
  if (opts.quick) {
    opts.rounds = 1;
    opts.seconds = 2;
  }
  if (rounds !== undefined) opts.rounds = rounds;
  if (seconds !== undefined) opts.seconds = seconds;
  return opts;
}

export { USAGE };

function positiveInt(flag, text, max) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be an integer from 1 to ${max}, not '${text}'`);
  return n;
}
