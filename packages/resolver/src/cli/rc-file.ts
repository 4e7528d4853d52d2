import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where default arguments come from, in the order they apply (later ones win). */
export interface DefaultArgs {
  /** For messages: "~/.resolverc" or "PORT53_RESOLVE". */
  source: string;
  args: string[];
}

/** The variable naming the defaults file (default ~/.resolverc), and the one holding default arguments. */
export const RC_FILE_VARIABLE = 'PORT53_RESOLVERC';
export const ARGS_VARIABLE = 'PORT53_RESOLVE';

/**
 * Default arguments, as dig reads ~/.digrc before its command line: the words of ~/.resolverc
 * (or the file $PORT53_RESOLVERC names; '#' starts a comment), then those of $PORT53_RESOLVE.
 * Only options and @server belong there; the command line overrides both. A missing file is no
 * defaults.
 */
export function defaultArgs(env: NodeJS.ProcessEnv = process.env): DefaultArgs[] {
  const out: DefaultArgs[] = [];
  const path = env[RC_FILE_VARIABLE] || join(homedir(), '.resolverc');
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) out.push({ source: env[RC_FILE_VARIABLE] ? path : '~/.resolverc', args: words(text) });
  const variable = env[ARGS_VARIABLE];
  if (variable) out.push({ source: ARGS_VARIABLE, args: words(variable) });
  return out;
}

function words(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .join(' ')
    .split(/\s+/)
    .filter((w) => w !== '');
}
