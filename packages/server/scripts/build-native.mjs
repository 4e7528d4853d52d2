// Compiles native/udp_batch.c (batched UDP with recvmmsg/sendmmsg, issue 6) into
// dist/native/udp_batch.node. Optional: without a C compiler, Node's headers or Linux, it prints
// one line and exits 0, and port53d uses node:dgram.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'native', 'udp_batch.c');
const target = join(root, 'dist', 'native', 'udp_batch.node');
const skip = (reason) => {
  console.log(`port53d: native UDP batching not built (${reason}); using node:dgram`);
  process.exit(0);
};

if (process.platform !== 'linux') skip(`recvmmsg/sendmmsg need Linux, this is ${process.platform}`);
// <prefix>/bin/node -> <prefix>/include/node, where node_api.h and uv.h are installed.
const include = join(dirname(dirname(process.execPath)), 'include', 'node');
if (!existsSync(join(include, 'node_api.h')) || !existsSync(join(include, 'uv.h'))) skip(`no node_api.h and uv.h in ${include}`);
const cc = process.env.CC || 'cc';
rmSync(target, { force: true }); // never load a stale build of older source
mkdirSync(dirname(target), { recursive: true });
const run = spawnSync(cc, ['-O2', '-shared', '-fPIC', '-Wall', '-Wextra', '-Wno-unused-parameter', `-I${include}`, '-o', target, source], { encoding: 'utf8' });
if (run.error) skip(`${cc}: ${run.error.code ?? run.error.message}`);
if (run.status !== 0) skip(`${cc} failed: ${run.stderr.trim().split('\n')[0]?.slice(0, 200) || `exit status ${run.status ?? run.signal}`}`);
if (run.stderr.trim()) process.stderr.write(run.stderr);
