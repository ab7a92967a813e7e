// `node scripts/screenshot.mjs`: renders <ApiKeyManager/> in Chromium against a real host app (the
// plugin on a temp-file database with a few keys, one with a month of use) and saves
// docs/api-key-manager.png.
// Needs @latchkey/core and @latchkey/trpc-plugin built, and Chromium (Debian's, or CHROMIUM_PATH).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createApiKeys } from '@latchkey/core';
import { createApiKeyPlugin } from '@latchkey/trpc-plugin';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const DAY = 24 * 60 * 60 * 1000;

const folder = mkdtempSync(join(tmpdir(), 'latchkey-screenshot-'));
// Moved back while the keys are made and used, so that the usage chart has a month to show.
let clockOffset = -29 * DAY;
const apiKeys = createApiKeys({
  clock: () => Date.now() + clockOffset,
  database: { url: pathToFileURL(join(folder, 'keys.db')).href },
  prefix: 'acme',
  permissions: ['invoices:read', 'invoices:write', 'reports:read'],
});
const who = { consumerId: 'team_1', ownerId: 'user_1' };
const old = await apiKeys.create({ ...who, name: 'Legacy importer' });
await apiKeys.revoke(old.apiKey.id, { reason: 'replaced' });
const staging = await apiKeys.create({ ...who, name: 'Staging smoke tests' });
await apiKeys.update(staging.apiKey.id, { enabled: false });
await apiKeys.create({
  ...who,
  name: 'CI deploy',
  permissions: ['reports:read'],
  expiresAt: Date.now() + 30 * DAY,
});
const billing = await apiKeys.create({
  ...who,
  name: 'Billing sync',
  permissions: ['invoices:read'],
});
for (let day = 0; day < 30; day += 1, clockOffset += DAY) {
  const weekday = 40 + Math.round(25 * Math.sin(day / 2.5));
  const valid = day % 7 < 2 ? Math.round(weekday / 3) : weekday;
  const refused = day % 9 === 4 ? 7 : day % 4;
  for (let i = 0; i < valid; i += 1) await apiKeys.verify(billing.key);
  for (let i = 0; i < refused; i += 1) {
    await apiKeys.verify(billing.key, { permissions: ['invoices:write'] });
  }
}
clockOffset = 0;
await apiKeys.flush();

const t = initTRPC.context().create();
const { apiKeyRouter } = createApiKeyPlugin({
  apiKeys,
  userProcedure: t.procedure,
  machineProcedure: t.procedure,
  consumer: () => who,
  headers: ({ ctx }) => ctx.headers,
});
const router = t.router({ apiKeys: apiKeyRouter });

const bundle = await build({
  entryPoints: [here('./screenshot-page.jsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  write: false,
  logLevel: 'warning',
});
const files = {
  '/': [
    'text/html',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API keys</title>
<link rel="stylesheet" href="/styles.css">
<style>body{margin:0;padding:24px;background:#f4f4f5;font:15px/1.5 system-ui,sans-serif}</style>
</head><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>`,
  ],
  '/app.js': ['text/javascript', bundle.outputFiles[0].contents],
  '/styles.css': ['text/css', readFileSync(here('../src/styles.css'))],
};

const server = createServer(async (req, res) => {
  const file = files[req.url ?? ''];
  if (file !== undefined) {
    res.writeHead(200, { 'content-type': file[0] });
    res.end(file[1]);
    return;
  }
  const response = await fetchRequestHandler({
    endpoint: '/trpc',
    req: incomingMessageToRequest(req, res, { maxBodySize: 100_000 }),
    router,
    createContext: ({ req: request }) => ({ headers: request.headers }),
  });
  res.writeHead(response.status, [...response.headers].flat());
  res.end(new Uint8Array(await response.arrayBuffer()));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const profile = mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  viewport: { width: 1100, height: 900 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.getByRole('row', { name: /Billing sync/ }).waitFor();
  await page.getByRole('button', { name: 'Create API key' }).click();
  await page.getByLabel('Name').fill('Invoice webhook');
  await page.getByRole('checkbox', { name: 'invoices:write' }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByRole('region', { name: /Your new API key/ }).waitFor();
  await page.getByRole('button', { name: 'Usage of Billing sync' }).click();
  await page.getByText(/verifications in the last 30 days/).waitFor();
  await page.locator('[data-slot="api-key-manager"]').screenshot({
    path: here('../docs/api-key-manager.png'),
  });
} finally {
  await browser.close();
  server.close();
  await apiKeys.close();
  rmSync(folder, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
