// Compiles native/udp_batch.c (batched UDP with recvmmsg/sendmmsg, issue 6) into
// dist/native/udp_batch.node: at `pnpm build`, and as the package's install script wherever it is
// installed. Optional: it prints one line, saying whether the addon was built or why not
// (absent: no Linux, compiler or Node headers; failed to build; failed to load), and exits 0;
// port53d then uses node:dgram.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'native', 'udp_batch.c');
const target = join(root, 'dist', 'native', 'udp_batch.node');
const fallBack = (reason) => {
  rmSync(target, { force: true }); // never leave a stale or unloadable build behind
  console.log(`@port53/server: native UDP batching ${reason}; port53d uses node:dgram`);
  process.exit(0);
};

if (process.env.PORT53_NATIVE === '0') fallBack('absent (PORT53_NATIVE=0)');
if (process.platform !== 'linux') fallBack(`absent (recvmmsg/sendmmsg need Linux, this is ${process.platform})`);
if (!existsSync(source)) fallBack(`absent (no ${source})`);
// <prefix>/bin/node -> <prefix>/include/node, where node_api.h and uv.h are installed.
const include = join(dirname(dirname(process.execPath)), 'include', 'node');
if (!existsSync(join(include, 'node_api.h')) || !existsSync(join(include, 'uv.h'))) fallBack(`absent (no node_api.h and uv.h in ${include})`);
const cc = process.env.CC || 'cc';
rmSync(target, { force: true }); // never load a stale build of older source
mkdirSync(dirname(target), { recursive: true });
const run = spawnSync(cc, ['-O2', '-shared', '-fPIC', '-Wall', '-Wextra', '-Wno-unused-parameter', `-I${include}`, '-o', target, source], { encoding: 'utf8' });
if (run.error) fallBack(run.error.code === 'ENOENT' ? `absent (no C compiler: ${cc} not found)` : `failed to build (${cc}: ${run.error.code ?? run.error.message})`);
if (run.status !== 0) fallBack(`failed to build (${cc}: ${run.stderr.trim().split('\n')[0]?.slice(0, 200) || `exit status ${run.status ?? run.signal}`})`);
if (run.stderr.trim()) process.stderr.write(run.stderr);
try {
  createRequire(import.meta.url)(target);
} catch (err) {
  fallBack(`failed to load (${String(err.message).split('\n')[0].slice(0, 200)})`);
}
console.log('@port53/server: native UDP batching built (dist/native/udp_batch.node)');
