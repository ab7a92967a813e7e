// `pnpm test`: every suite the project has, in order, then one line with the totals.
// A check that is not a test runner (lint, typecheck, pack smoke) counts as one test.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const resultsDir = '.test-results';
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

let passed = 0;
let failed = 0;

function step(name, command, args, count) {
  console.log(`\n── ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const { status } = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const result = count?.(status) ?? { passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1 };
  passed += result.passed;
  failed += result.failed;
  console.log(`── ${name}: ${result.passed} passed, ${result.failed} failed (${seconds}s)`);
}

function vitestCounts(file) {
  return (status) => {
    try {
      const report = JSON.parse(readFileSync(file, 'utf8'));
      const failedTests =
        report.numFailedTests +
        (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0);
      return { passed: report.numPassedTests, failed: failedTests };
    } catch {
      return { passed: 0, failed: status === 0 ? 0 : 1 };
    }
  };
}

step('lint', 'pnpm', ['exec', 'biome', 'ci', '--colors=off', '.']);
step('typecheck', 'pnpm', ['typecheck']);
step(
  'unit and integration tests',
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsDir}/vitest.json`,
  ],
  vitestCounts(`${resultsDir}/vitest.json`),
);
step('package smoke test (pnpm pack → npm install → run)', 'node', ['scripts/pack-smoke.mjs']);

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
