#!/usr/bin/env node
/**
 * `pnpm bench`: port53 against NSD, Knot, node:dns and dig on this machine. Installs nothing:
 * says which Debian packages are missing and runs the parts it can. Every comparison is
 * interleaved within one run and reported as a ratio. Output: stdout and .bench-out/results.md.
 */
import { cpus, totalmem } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, UsageError, USAGE } from './args.mjs';
import { writeBenchInputs } from './generate.mjs';
import { killAll, run } from './processes.mjs';
import { REPO } from './servers.mjs';
import { absent, checkTools, versions } from './tools.mjs';
import * as server from './parts/server.mjs';
import * as sizes from './parts/sizes.mjs';
import * as resolver from './parts/resolver.mjs';
import * as lookup from './parts/lookup.mjs';
import * as zoneload from './parts/zoneload.mjs';
import * as reload from './parts/reload.mjs';
import * as cli from './parts/cli.mjs';
import * as profile from './parts/profile.mjs';
import * as testserver from './parts/testserver.mjs';
import * as heavy from './parts/heavy.mjs';
import * as workers from './parts/workers.mjs';

const PARTS = {
  server: [server.needs, server.serverPart],
  sizes: [sizes.needs, sizes.sizesPart],
  resolver: [resolver.needs, resolver.resolverPart],
  lookup: [lookup.needs, lookup.lookupPart],
  zoneload: [zoneload.needs, zoneload.zoneloadPart],
  reload: [reload.needs, reload.reloadPart],
  cli: [cli.needs, cli.cliPart],
  profile: [profile.needs, profile.profilePart],
  testserver: [testserver.needs, testserver.testserverPart],
  heavy: [heavy.needs, heavy.heavyPart],
  workers: [workers.needs, workers.workersPart],
};

const print = (line) => process.stdout.write(`${line}\n`);

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n${USAGE}\n`);
    process.exitCode = 1;
    return;
  }
  if (opts.help) return print(USAGE);
  if (process.platform !== 'linux') print('bench: written for Linux (/proc, taskset); other systems will fail in places');

  const out = join(REPO, '.bench-out');
  mkdirSync(out, { recursive: true });
  const tools = checkTools(opts.parts, print);
  const machine = describeMachine();
  const vers = await versions(tools);
  const source = await describeSource();
  const command = `pnpm bench ${process.argv.slice(2).join(' ')}`.trim();
  print(`bench: ${command}\nsource: ${source}\nmachine: ${machine}\nversions: ${Object.entries(vers).map(([k, v]) => `${k} ${v}`).join(', ')}`);

  const inputs = writeBenchInputs(out);
  print(`inputs: ${inputs.records} records in ${inputs.zoneFile}, ${inputs.queries.length} queries in ${inputs.queryFile}`);

  const ctx = { tools, inputs, opts, out, print };
  const tables = [];
  const skipped = [];
  const failed = [];
  const started = Date.now();
  for (const part of opts.parts) {
    const [needs, fn] = PARTS[part];
    const missing = absent(tools, needs);
    if (missing.length > 0) {
      skipped.push(`${part} (needs ${missing.join(', ')})`);
      print(`\n-- ${part}: skipped, needs ${missing.join(', ')}`);
      continue;
    }
    print(`\n-- ${part}`);
    const t0 = Date.now();
    try {
      for (const t of await fn(ctx)) {
        tables.push(t);
        print(t.text());
        // Charts from this run's figures: in .bench-out/ and, for the README and docs, docs/charts/.
        for (const c of t.charts ?? []) {
          writeFileSync(join(out, c.file), c.svg);
          mkdirSync(join(REPO, 'docs', 'charts'), { recursive: true });
          writeFileSync(join(REPO, 'docs', 'charts', c.file), c.svg);
          print(`  chart: docs/charts/${c.file}`);
        }
      }
    } catch (err) {
      failed.push(`${part}: ${err.message.split('\n')[0]}`);
      print(`${part} failed: ${err.stack ?? err}`);
    }
    print(`   (${part}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  const md = [
    '# port53 bench results',
    '',
    `- command: \`${command}\``,
    `- date: ${new Date().toISOString()}`,
    `- source: ${source}`,
    `- machine: ${machine}`,
    `- versions: ${Object.entries(vers).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- duration: ${((Date.now() - started) / 1000).toFixed(0)} s`,
    ...(skipped.length ? [`- skipped: ${skipped.join('; ')}`] : []),
    ...(failed.length ? [`- failed: ${failed.join('; ')}`] : []),
    '',
    ...tables.map((t) => t.markdown()),
  ].join('\n');
  writeFileSync(join(out, 'results.md'), md);
  print(`\nwritten: ${join(out, 'results.md')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (skipped.length) print(`skipped: ${skipped.join('; ')}`);
  if (failed.length) {
    print(`failed: ${failed.join('; ')}`);
    process.exitCode = 1;
  }
}

/** The commit measured, and whether packages/ had uncommitted changes (the build includes them). */
async function describeSource() {
  const head = await run('git', ['-C', REPO, 'log', '-1', '--format=%h %cI %s'], { timeoutMs: 5000 });
  const dirty = await run('git', ['-C', REPO, 'status', '--porcelain', '--', 'packages'], { timeoutMs: 5000 });
  if (head.code !== 0) return 'not a git checkout';
  const changed = dirty.output.split('\n').filter(Boolean).length;
  return `${head.output.trim().slice(0, 100)}${changed ? ` + ${changed} uncommitted file(s) in packages/` : ''}`;
}

function describeMachine() {
  const model = /model name\s*:\s*(.*)/.exec(safeRead('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} CPUs (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${safeRead('/proc/sys/kernel/osrelease').trim()}`;
}

function safeRead(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

main()
  .catch((err) => {
    process.stderr.write(`bench: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(killAll);
