// `pnpm test`: every suite the project has, in order, then one line with the totals.
// A check that is not a test runner (lint, typecheck, import cycles, pack smoke) counts as one test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

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
step('import cycles', 'node', ['scripts/import-cycles.mjs']);
step('no function over 100 lines', 'node', ['scripts/function-lengths.mjs']);
// The unit and integration tests run on every Node.js line we support: the one running this
// script, and the others from the `node` npm package (its binaries come from the npm registry),
// so that a break on a line users deploy shows here and not in their logs.
const NODE_LINES = [20, 22, 24];
const currentLine = Number(process.versions.node.split('.')[0]);
for (const line of [currentLine, ...NODE_LINES.filter((other) => other !== currentLine)]) {
  const node = line === currentLine ? ['node'] : ['npx', '-y', '--loglevel=error', `node@${line}`];
  const report = `${resultsDir}/vitest-node${line}.json`;
  step(
    `unit and integration tests on Node.js ${line}`,
    node[0],
    [
      ...node.slice(1),
      'node_modules/vitest/vitest.mjs',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    vitestCounts(report),
  );
}
// The browser test drives Debian's Chromium (never a downloaded one). On a fresh Debian machine
// where we may install packages, install it; anywhere else say what is missing.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    step('install Chromium (Debian package)', 'sh', [
      '-c',
      'apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null',
    ]);
  } else {
    console.error(
      `\nChromium not found at ${chromium}: install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
}

// The playground is built once (libraries, then `next build`) and its end-to-end test runs the
// production build in Chromium (and, for a first run, `next dev`, which builds nothing ahead).
step('build the libraries and the playground', 'sh', [
  '-c',
  'pnpm build && pnpm --filter @latchkey/playground build',
]);
step(
  'packages as published (publint, Are The Types Wrong, LICENSE)',
  'node',
  ['scripts/check-packages.mjs', `${resultsDir}/packages.json`],
  (status) => {
    // One test per package, as the script counted them.
    try {
      return JSON.parse(readFileSync(`${resultsDir}/packages.json`, 'utf8'));
    } catch {
      return { passed: 0, failed: status === 0 ? 0 : 1 };
    }
  },
);
step('package smoke test (pnpm pack → npm install → run)', 'node', [
  'scripts/pack-smoke.mjs',
  '--built',
]);
step(
  'playground end-to-end (next start and next dev, Chromium)',
  'pnpm',
  [
    '--filter',
    '@latchkey/playground',
    'test:e2e',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=../../${resultsDir}/e2e.json`,
  ],
  vitestCounts(`${resultsDir}/e2e.json`),
);

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
