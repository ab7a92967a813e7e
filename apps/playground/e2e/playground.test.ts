import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeFindings } from './axe';
import { launchBrowser } from './browser';
import { type RunningApp, startApp } from './next-server';
import { keysLoaded, signIn, watchedPages } from './watched-pages';

let app: RunningApp;
let browser: Browser;
const pages = watchedPages(() => browser);

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

// Every page a test opened had a clean console: no error or warning, no failed request.
afterEach(async () => {
  expect(await pages.closeAll()).toEqual([]);
});

/** A fresh browser profile signed in as one demo user, on the loaded keys page. */
async function signedIn(name: string): Promise<Page> {
  const page = await pages.open();
  await signIn(page, app.url, name);
  return page;
}

/** A machine's call: no browser, no cookies, only the key. */
async function call(path: string, key: string | null, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (key !== null) headers.set('authorization', `Bearer ${key}`);
  const response = await fetch(`${app.url}${path}`, { ...init, headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const createInvoice = (key: string) =>
  call('/api/trpc/invoices.create', key, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customer: 'E2E Ltd.', amountCents: 100 }),
  });

describe('the playground, as a new user sees it (production build, Chromium)', () => {
  it('sign in, create a key, call the API with it, revoke it; the other team never sees it', async () => {
    const alice = await signedIn('Alice');

    await alice.getByRole('button', { name: 'Create API key' }).click();
    // The dialog is modal: the page around it (here the Sign out button) cannot take focus.
    await alice.getByRole('dialog', { name: 'Create API key' }).waitFor();
    await alice.waitForFunction(() => document.querySelector('[inert]') !== null);
    const signOut = await alice.evaluate(() => {
      const button = [...document.querySelectorAll('button')].find(
        (element) => element.textContent === 'Sign out',
      );
      button?.focus();
      return { found: button !== undefined, focused: document.activeElement === button };
    });
    expect(signOut).toEqual({ found: true, focused: false });
    expect(await axeFindings(alice)).toEqual([]); // the dialog open
    await alice.getByLabel('Name').fill('E2E machine');
    await alice.getByLabel('invoices:read').check();
    await alice.getByRole('button', { name: 'Create key' }).click();
    const secret = alice.locator('[data-slot="reveal-key-secret"]');
    await secret.waitFor();
    const key = (await secret.textContent()) ?? '';
    expect(key).toMatch(/^play_[0-9A-Za-z]{36}$/);
    await alice.getByText('You will not be able to see it again').waitFor();

    // A machine lists invoices with it: 200, for Alice's team.
    const listed = await call('/api/trpc/invoices.list', key);
    expect(listed.status).toBe(200);
    expect(listed.body.result.data.consumerId).toBe('team_acme');
    // …but may not create one without invoices:write: 403, with the code to branch on.
    const refused = await createInvoice(key);
    expect(refused.status).toBe(403);
    expect(refused.body.error.data.latchkeyCode).toBe('INSUFFICIENT_PERMISSIONS');
    // The plain route behind proxy.ts accepts the same key.
    const rest = await call('/api/v1/invoices', key);
    expect(rest.status).toBe(200);
    expect(rest.body.consumerId).toBe('team_acme');
    // …and so does the download wrapped in `withApiKey` (no proxy), which a browser cannot fetch.
    const csv = await fetch(`${app.url}/api/export/invoices.csv`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toMatch(/^id,customer,amount_cents\ninv_1001,/);
    expect((await fetch(`${app.url}/api/export/invoices.csv`)).status).toBe(401);

    // Its usage chart counts those calls, the refused one apart.
    await alice.getByRole('button', { name: 'Usage of E2E machine' }).click();
    await alice.getByText('4 verifications in the last 30 days, 1 refused').waitFor();
    expect(await axeFindings(alice)).toEqual([]); // the secret shown, a key's usage open

    // Once dismissed, the secret is gone from the page for good.
    await alice.getByRole('button', { name: 'Done' }).click();
    await secret.waitFor({ state: 'detached' });
    expect(await alice.content()).not.toContain(key);
    await alice.reload();
    await alice.getByText('E2E machine').waitFor();
    expect(await alice.content()).not.toContain(key);

    // Revoke it in the UI, behind a confirmation; the next call is 401.
    await alice.getByRole('button', { name: 'Revoke E2E machine' }).click();
    await alice.getByRole('button', { name: 'Revoke key' }).click();
    await alice.locator('[data-slot="key-status"][data-status="revoked"]').waitFor();
    const revoked = await call('/api/trpc/invoices.list', key);
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(revoked.body.error.data.latchkeyCode).toBe('REVOKED');
    expect((await call('/api/v1/invoices', key)).status).toBe(401);

    // Carol, of the other team, does not see Acme's key.
    const carol = await signedIn('Carol');
    await carol.getByText('No API keys yet').waitFor();
    expect(await carol.content()).not.toContain('E2E machine');
  });

  it('refuses bad keys, forged hand-offs and keys in the URL with a clear 401', async () => {
    const missing = await call('/api/trpc/whoami', null);
    expect(missing.status).toBe(401);
    expect(missing.body.error.data.latchkeyCode).toBe('MISSING');

    const typo = await call('/api/trpc/whoami', `play_${'A'.repeat(36)}`);
    expect(typo.status).toBe(401);
    expect(typo.body.error.data.latchkeyCode).toBe('MALFORMED');

    // A client cannot pose as the proxy: a hand-off header it sends itself is worth nothing.
    const forged = await call('/api/v1/invoices', null, {
      headers: { 'x-latchkey-auth': 'team_acme' },
    });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('MISSING');

    const inQuery = await call(`/api/v1/invoices?api_key=play_${'A'.repeat(36)}`, null);
    expect(inQuery.status).toBe(401);
    expect(inQuery.body.error.code).toBe('MALFORMED');
    const inTrpcQuery = await call(`/api/trpc/whoami?api_key=play_${'A'.repeat(36)}`, null);
    expect(inTrpcQuery.status).toBe(401);
    expect(inTrpcQuery.body.error.data.latchkeyCode).toBe('MALFORMED');

    const huge = await call('/api/trpc/whoami', 'x'.repeat(10_000));
    expect(huge.status).toBe(401);

    // A session cookie that is not even percent-encoding is no session: signed out, not a 500.
    const badCookie = await call('/api/trpc/apiKeys.list', null, {
      headers: { cookie: 'playground_session=%zz' },
    });
    expect(badCookie.status).toBe(401);
  });

  it('the hooks page manages the same keys; the API page fills the commands with a key', async () => {
    const page = await signedIn('Carol');
    await page.goto(`${app.url}/hooks`);
    await page.getByLabel('Name of a read-only key').fill('From the hooks');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const shown = (await page.locator('[role="status"] code').first().textContent()) ?? '';
    expect(shown).toMatch(/^play_/);
    const list = page.getByRole('list', { name: 'Keys from useApiKeyManager' });
    await list.getByText('From the hooks').waitFor();
    // A machine's call with a key is answered whatever cookie it carries, a broken one included.
    const withBadCookie = await call('/api/trpc/whoami', shown, {
      headers: { cookie: 'playground_session=%E0%A4%A' },
    });
    expect(withBadCookie.body.result.data.consumerId).toBe('team_globex');

    // Globex is on the free plan: its new keys get 10 calls a minute between them (`limits`), so
    // a burst is refused within its first minute (or its second, if the first ends during it).
    let valid = 1; // the call above
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    while (limited === undefined && valid <= 20) {
      const answer = await call('/api/trpc/whoami', shown);
      if (answer.status === 200) valid++;
      else limited = answer;
    }
    expect(limited?.status).toBe(429);
    expect(limited?.body.error.data.latchkeyCode).toBe('RATE_LIMITED');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    await page.goto(`${app.url}/keys`);
    await page.getByRole('button', { name: 'Usage of From the hooks' }).click();
    const limits = page.getByRole('list', { name: 'Limits of this key' });
    await limits.getByText('10 calls per minute, shared with the other keys').waitFor();
    await limits.getByText(`${100 - valid} uses left, refilled to 100 every day`).waitFor();

    await page.goto(`${app.url}/try`);
    await page.getByLabel('Your key').fill(shown);
    expect(await page.getByTestId('curl-list').textContent()).toContain(`Bearer ${shown}`);

    await page.goto(`${app.url}/hooks`);
    await list.getByRole('button', { name: 'Revoke' }).click();
    await list.getByText('revoked').waitFor();
    expect((await call('/api/trpc/whoami', shown)).status).toBe(401);
  });

  it('offers a member only what he may do, and says why; an admin, everything', async () => {
    const alice = await signedIn('Alice');
    await alice.getByRole('button', { name: 'Create API key' }).click();
    await alice.getByLabel('Name').fill('Team key');
    await alice.getByRole('button', { name: 'Create key' }).click();
    await alice.getByRole('button', { name: 'Done' }).click();
    const rowButtons = (page: Page) =>
      page
        .getByRole('row', { name: /Team key/ })
        .getByRole('button')
        .allTextContents();
    expect(await rowButtons(alice)).toEqual(['Disable', 'Roll', 'Revoke', 'Usage']);
    expect(await alice.getByRole('button', { name: 'Create API key' }).isEnabled()).toBe(true);
    expect(await alice.getByText(/Only admins/).count()).toBe(0);

    // Bob sees the team's keys and their usage, and why he cannot create or change one.
    const bob = await signedIn('Bob');
    const create = bob.getByRole('button', { name: 'Create API key' });
    expect(await create.isDisabled()).toBe(true);
    const why = 'Only admins may create, change, roll or revoke API keys.';
    expect(await bob.getByText(why).isVisible()).toBe(true);
    const describedBy = (await create.getAttribute('aria-describedby')) ?? '';
    expect(await bob.locator(`[id="${describedBy}"]`).textContent()).toBe(why);
    expect(await rowButtons(bob)).toEqual(['Usage']);
    await bob.getByRole('button', { name: 'Usage of Team key' }).click();
    await bob.getByText('No verifications in the last 30 days.').waitFor();

    // …and so does the screen built on the hooks.
    await bob.goto(`${app.url}/hooks`);
    const list = bob.getByRole('list', { name: 'Keys from useApiKeyManager' });
    await list.getByText('Team key').waitFor();
    expect(await bob.getByRole('button', { name: 'Create', exact: true }).isDisabled()).toBe(true);
    expect(await bob.getByText(why).isVisible()).toBe(true);
    expect(await list.getByRole('button').count()).toBe(0);
  });

  it('every page, signed in and out, passes axe with no finding at all', async () => {
    const visitor = await pages.open();
    await visitor.goto(app.url);
    await visitor.getByRole('heading', { name: 'API keys for your tRPC app' }).waitFor();
    expect(await axeFindings(visitor)).toEqual([]);
    await visitor.goto(`${app.url}/keys`); // signed out: back to the home page
    await visitor.getByRole('button', { name: 'Sign in as Alice' }).waitFor();

    const loaded: Record<string, (page: Page) => Promise<void>> = {
      '/': (page) => page.getByRole('link', { name: 'Manage your team’s keys' }).waitFor(),
      '/keys': keysLoaded,
      '/try': (page) => page.getByLabel('Your key').waitFor(),
      '/hooks': (page) => page.getByRole('list', { name: 'Keys from useApiKeyManager' }).waitFor(),
    };
    for (const name of ['Alice', 'Bob']) {
      const page = await signedIn(name);
      for (const [path, ready] of Object.entries(loaded)) {
        await page.goto(`${app.url}${path}`);
        await ready(page);
        expect({ name, path, findings: await axeFindings(page) }).toEqual({
          name,
          path,
          findings: [],
        });
      }
    }
  });
});
