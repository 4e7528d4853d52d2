// ISC genreport's EDNS and FULL groups and its dnswkk probe, graded by our re-statement of its
// rules (test/support/genreport.ts), against port53d, NSD and Knot on the same zone. port53d must
// grade ok everywhere; NSD's and Knot's grades are pinned too, to show the grader is fair.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { gradeReply, PROBES, runProbe } from '../support/genreport.js';
import { startThreeServers, type ThreeServers } from '../support/three-servers.js';
import { describeWithTools } from '../support/tools.js';

const ZONE = 'example.test';

/**
 * dnswkk: a query signed with a key the server does not know. genreport prints "notauth,badkey"
 * for a server that answers as RFC 8945 §5.2 says (NOTAUTH, TSIG error BADKEY); that is the
 * correct reply, so we grade it ok. "notsig" (no TSIG in the reply) is the failure.
 */
function verdict(name: string, tags: string[]): string {
  const faults = tags.filter((t) => !['nsid', 'cookie', 'expire', 'subnet'].includes(t));
  if (name === 'dnswkk' && faults.join(',') === 'notauth,badkey') return 'ok';
  return faults.join(',');
}

describeWithTools('genreport EDNS and FULL groups', ['nsd', 'knotd'], (tools) => {
  let servers: ThreeServers;
  const grades: Record<string, Record<string, string>> = {};
  beforeAll(async () => {
    servers = await startThreeServers(tools, [{ origin: ZONE, file: 'zones/example.test.zone' }]);
    const targets = { port53d: servers.ours.port, NSD: servers.nsd.port, Knot: servers.knot.port };
    let id = 1000;
    for (const [server, port] of Object.entries(targets)) {
      grades[server] = {};
      for (const p of PROBES) {
        const reply = await runProbe(p, port, ZONE, id++);
        const tags = gradeReply(p, ZONE, reply);
        grades[server][p.name] = `${verdict(p.name, tags)}${tags.filter((t) => ['nsid', 'cookie', 'expire', 'subnet'].includes(t)).map((t) => ` +${t}`).join('')}`;
      }
    }
    const rows = PROBES.map((p) => `${p.name.padEnd(12)} ${grades.port53d[p.name].padEnd(22)} ${grades.NSD[p.name].padEnd(22)} ${grades.Knot[p.name]}`);
    process.stdout.write(`\ngenreport-style grades\n${'probe'.padEnd(12)} ${'port53d'.padEnd(22)} ${'NSD'.padEnd(22)} Knot\n${rows.join('\n')}\n`);
  }, 60_000);
  afterAll(() => servers?.stop());

  test('port53d grades ok on every probe', () => {
    const bad = Object.entries(grades.port53d).filter(([, g]) => !g.startsWith('ok'));
    expect(bad).toEqual([]);
    // The cookie probes got our cookie back with their client cookie in it.
    expect(grades.port53d.ednscookie).toBe('ok +cookie');
    expect(grades.port53d.optlist).toBe('ok +cookie');
  });

  test('the grader faults what NSD 4.6 and Knot 3.2 really do on opcodeflg', () => {
    expect(grades.NSD.opcodeflg).toBe('timeout'); // NSD drops a query with TC set
    expect(grades.Knot.opcodeflg).toBe('rd'); // Knot echoes RD on opcode 15
    // and passes them where they are right
    for (const name of ['dns', 'edns', 'edns1', 'ednsflags', 'ednsopt', 'ednstcp', 'tcp', 'type666', 'opcode', 'dnswkk']) {
      expect([name, grades.NSD[name].split(' ')[0], grades.Knot[name].split(' ')[0]]).toEqual([name, 'ok', 'ok']);
    }
  });
});
