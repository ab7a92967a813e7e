import { networkInterfaces } from 'node:os';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { type RunningApp, startApp } from './next-server';
import { signIn, watchedPages } from './watched-pages';

let dev: RunningApp;
let browser: Browser;
const pages = watchedPages(() => browser);

beforeAll(async () => {
  dev = await startApp('dev');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
});

afterEach(async () => {
  expect(await pages.closeAll()).toEqual([]);
});

/** The machine's own IPv4 addresses: the "Network" address `next dev` prints is one of them. */
function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((address) => address?.family === 'IPv4' && !address.internal)
    .map((address) => address?.address ?? '');
}

describe('`pnpm dev` on a first run (next dev, Chromium)', () => {
  it('works at 127.0.0.1 and at the machine’s network addresses, not only at localhost', async () => {
    const { port } = new URL(dev.url);
    for (const host of ['127.0.0.1', ...lanAddresses()]) {
      const page = await pages.open();
      await signIn(page, `http://${host}:${port}`, 'Alice');
      await page.getByRole('button', { name: 'Create API key' }).click();
      await page.getByLabel('Name').fill(`Made at ${host}`);
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.locator('[data-slot="reveal-key-secret"]').waitFor();
      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('row', { name: new RegExp(`Made at ${host}`) }).waitFor();
    }
  });
});
