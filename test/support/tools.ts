import { describe, test } from 'vitest';
import { findTool } from './find-tool.mjs';

/** True in CI (.ci/run sets it): a missing tool is a failure, not a skip. */
export const toolsRequired = process.env.PORT53_REQUIRE_TOOLS === '1';

/**
 * A describe block that needs external tools. Without them it is skipped with a printed reason;
 * with PORT53_REQUIRE_TOOLS=1 it becomes one failing test naming what is missing.
 */
export function describeWithTools(title: string, names: string[], body: (paths: Record<string, string>) => void): void {
  const paths: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const path = findTool(name);
    if (path) paths[name] = path;
    else missing.push(name);
  }
  if (missing.length === 0) {
    describe(title, () => body(paths));
    return;
  }
  const reason = `${title}: needs ${missing.join(', ')} (Debian: apt-get install dnsutils knot-dnsutils nsd knot)`;
  if (toolsRequired) {
    describe(title, () => {
      test('required tools are installed', () => {
        throw new Error(`PORT53_REQUIRE_TOOLS=1 but ${reason}`);
      });
    });
  } else {
    process.stdout.write(`skipped: ${reason}\n`);
    describe.skip(title, () => body(paths));
  }
}
