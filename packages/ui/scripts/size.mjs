// `pnpm size`: the hooks and components as an app's bundler would ship them (minified ESM, peer
// dependencies left out), gzipped. Fails above the budget.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const BUDGET_BYTES = 15 * 1024;
const PEERS = ['react', 'react-dom', 'react/*', '@trpc/*', '@tanstack/*'];

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const result = await build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  external: PEERS,
  write: false,
  logLevel: 'warning',
});
const js = result.outputFiles[0].contents;
const css = readFileSync(new URL('../src/styles.css', import.meta.url));

const kB = (bytes) => `${(bytes / 1024).toFixed(2)} kB`;
const gzipped = gzipSync(js, { level: 9 }).length;
process.stdout.write(
  `@latchkey/ui hooks + components: ${kB(js.length)} minified, ${kB(gzipped)} gzip (budget ${kB(BUDGET_BYTES)})\n` +
    `@latchkey/ui styles.css: ${kB(css.length)}, ${kB(gzipSync(css, { level: 9 }).length)} gzip\n`,
);
if (gzipped > BUDGET_BYTES) {
  console.error(`Over budget by ${kB(gzipped - BUDGET_BYTES)}.`);
  process.exit(1);
}
