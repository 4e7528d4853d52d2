import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one closing line, "tests: N passed, M failed, K skipped", which CI reads. With
 * PORT53_REQUIRE_TOOLS=1 (set by .ci/run) a skipped test counts as a failure: in CI every test
 * that needs dig, kdig, nsd or knot must have run.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedNames: string[] = [];
    for (const mod of modules) {
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else {
          skipped++;
          skippedNames.push(`${mod.moduleId.replace(process.cwd() + '/', '')} > ${test.fullName}`);
        }
      }
    }
    failed += unhandledErrors.length;
    if (process.env.PORT53_REQUIRE_TOOLS === '1' && skipped > 0) {
      process.stdout.write(`\nPORT53_REQUIRE_TOOLS=1: ${skipped} skipped test(s) count as failures:\n`);
      for (const name of skippedNames) process.stdout.write(`  ${name}\n`);
      failed += skipped;
      skipped = 0;
      process.exitCode = 1;
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
