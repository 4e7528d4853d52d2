/**
 * `--user USER[:GROUP]`: after every socket is bound, give up root as NSD, Knot and BIND do:
 * supplementary groups cleared, then the group, then the user (that order: once the uid is not 0
 * the others can no longer be changed). Worker threads share the process's credentials, so zone
 * reloads read files as this user: checkReadable() says which of them it cannot read.
 */
import { accessSync, constants, readFileSync } from 'node:fs';

export class PrivilegeError extends Error {
  constructor(
    message: string,
    readonly code: 'ERR_UNKNOWN_USER' | 'ERR_UNKNOWN_GROUP' | 'ERR_NOT_ROOT' | 'ERR_DROP_FAILED',
  ) {
    super(message);
    this.name = 'PrivilegeError';
  }
}

export interface Credentials {
  user: string;
  uid: number;
  gid: number;
}

/** USER[:GROUP], each a name from /etc/passwd and /etc/group or a number; GROUP defaults to USER's primary group. */
export function resolveCredentials(spec: string, files = { passwd: '/etc/passwd', group: '/etc/group' }): Credentials {
  const [user, group, extra] = spec.split(':');
  if (!user || extra !== undefined || group === '') throw new PrivilegeError(`--user ${JSON.stringify(spec)}: expected USER or USER:GROUP`, 'ERR_UNKNOWN_USER');
  const passwd = table(files.passwd);
  const entry = /^\d+$/.test(user) ? passwd.find((f) => f[2] === user) : passwd.find((f) => f[0] === user);
  if (!entry && !/^\d+$/.test(user)) throw new PrivilegeError(`--user: no user ${JSON.stringify(user)} in ${files.passwd}`, 'ERR_UNKNOWN_USER');
  const uid = Number(entry ? entry[2] : user);
  let gid: number;
  if (group === undefined) {
    if (!entry) throw new PrivilegeError(`--user ${user}: a numeric user not in ${files.passwd} needs :GROUP`, 'ERR_UNKNOWN_GROUP');
    gid = Number(entry[3]);
  } else if (/^\d+$/.test(group)) {
    gid = Number(group);
  } else {
    const g = table(files.group).find((f) => f[0] === group);
    if (!g) throw new PrivilegeError(`--user: no group ${JSON.stringify(group)} in ${files.group}`, 'ERR_UNKNOWN_GROUP');
    gid = Number(g[2]);
  }
  return { user: entry?.[0] ?? user, uid, gid };
}

/** setgroups([]), setgid, setuid; a no-op when already running as exactly these ids. */
export function dropPrivileges(target: Credentials): 'dropped' | 'unchanged' {
  if (!process.setuid || !process.setgid || !process.setgroups || !process.getuid || !process.getgid) {
    throw new PrivilegeError('--user is supported on POSIX systems only', 'ERR_DROP_FAILED');
  }
  if (process.getuid() === target.uid && process.getgid() === target.gid) return 'unchanged';
  if (process.getuid() !== 0) throw new PrivilegeError(`--user ${target.user}: changing user needs root (running as uid ${process.getuid()})`, 'ERR_NOT_ROOT');
  try {
    process.setgroups([]);
    process.setgid(target.gid);
    process.setuid(target.uid);
  } catch (err) {
    throw new PrivilegeError(`--user ${target.user}: ${(err as Error).message}`, 'ERR_DROP_FAILED');
  }
  return 'dropped';
}

/** The files (and directories) of `paths` the process, as it now is, cannot read. */
export function unreadable(paths: readonly string[]): string[] {
  return paths.filter((p) => {
    try {
      accessSync(p, constants.R_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** The warning port53d logs when it serves as root without --user. */
export const ROOT_WARNING = 'serving as root: pass --user USER[:GROUP] to drop privileges after binding (see docs/operations.md)';

function table(file: string): string[][] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}
