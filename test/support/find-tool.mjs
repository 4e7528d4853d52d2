/** Finding the external programs (dig, kdig, nsd, knotd, dnsperf, …) the tests and the bench drive. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The absolute path of an executable on PATH (or in the sbin directories where nsd and knotd live).
 * @param {string} name
 * @returns {string | undefined}
 */
export function findTool(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}
