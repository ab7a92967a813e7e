// Takes the README's screenshot of the keys page: the production build on a fresh database,
// signed in as Alice, with two keys and one freshly revealed. Run after `next build`:
//   pnpm --filter @latchkey/playground screenshot
import { launchBrowser } from '../e2e/browser';
import { startApp } from '../e2e/next-server';

const app = await startApp();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Sign in as Alice' }).click();
  await page.waitForURL('**/keys');
  for (const [name, permissions] of [
    ['Nightly billing export', ['invoices:read']],
    ['CI deploy bot', ['invoices:read', 'invoices:write']],
  ] as const) {
    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.getByLabel('Name').fill(name);
    for (const permission of permissions) await page.getByLabel(permission).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.locator('[data-slot="reveal-key-secret"]').waitFor();
    if (name !== 'CI deploy bot') await page.getByRole('button', { name: 'Done' }).click();
  }
  await page.screenshot({ path: 'docs/keys-page.png', fullPage: true });
  console.log('wrote docs/keys-page.png');
} finally {
  await browser.close();
  await app.stop();
}
