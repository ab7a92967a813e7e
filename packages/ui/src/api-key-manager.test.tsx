// @vitest-environment jsdom
import { QueryClient } from '@tanstack/react-query';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, expect, test } from 'vitest';
import { ApiKeyManager, renderWithClient } from './test-support/render.js';
import { startTestServer, type TestServer } from './test-support/server.js';

afterEach(cleanup);

/** The labels of the buttons a row offers, in order. */
function buttonsIn(row: HTMLElement): (string | null)[] {
  return within(row)
    .getAllByRole('button')
    .map((button) => button.textContent);
}

const HOUR = 60 * 60 * 1000;

/** A key made on the server, as another tab or a script would. */
async function arrangeKey(server: TestServer, name: string) {
  const { session } = server;
  return server.apiKeys.create({
    name,
    consumerId: session.teamId,
    ownerId: session.userId,
    permissions: ['invoices:read'],
  });
}

test('create shows the secret once, and never again after closing', async () => {
  const server = await startTestServer();
  const user = userEvent.setup({ delay: null });
  const { queryClient, unmount } = renderWithClient(<ApiKeyManager />, server.url);

  expect(await screen.findByText(/No API keys yet/)).toBeTruthy();
  await user.click(screen.getByRole('button', { name: 'Create API key' }));
  const dialog = screen.getByRole('dialog', { name: 'Create API key' });
  await user.type(within(dialog).getByLabelText('Name'), 'Billing sync');
  await user.click(within(dialog).getByRole('checkbox', { name: 'invoices:read' }));
  await user.click(within(dialog).getByRole('button', { name: 'Create key' }));

  const panel = await screen.findByRole('region', { name: /Your new API key/ });
  const secret = within(panel).getByText(/^acme_/).textContent ?? '';
  expect(secret).toMatch(/^acme_[A-Za-z0-9]{36}$/);
  expect(within(panel).getByText(/will not be able to see it again/)).toBeTruthy();
  expect(document.body.textContent?.split(secret)).toHaveLength(2); // in the panel only
  const verified = await server.apiKeys.verify(secret);
  expect(verified.valid && verified.permissions).toEqual(['invoices:read']);

  await user.click(within(panel).getByRole('button', { name: 'Copy key' }));
  expect(await navigator.clipboard.readText()).toBe(secret);
  expect(within(panel).getByRole('status').textContent).toBe('Copied to the clipboard.');

  await user.click(within(panel).getByRole('button', { name: 'Done' }));
  expect(screen.queryByRole('region', { name: /Your new API key/ })).toBeNull();
  expect(document.documentElement.outerHTML).not.toContain(secret);
  const row = screen.getByRole('row', { name: /Billing sync/ });
  expect(within(row).getByText(`${secret.slice(0, 9)}…${secret.slice(-4)}`)).toBeTruthy();
  // Nowhere to get it back from: not the query or mutation cache, storage or the URL.
  const cached = JSON.stringify([
    queryClient
      .getQueryCache()
      .getAll()
      .map((query) => query.state),
    queryClient
      .getMutationCache()
      .getAll()
      .map((mutation) => mutation.state),
  ]);
  expect(cached).not.toContain(secret);
  expect(localStorage.length + sessionStorage.length).toBe(0);
  expect(window.location.href).not.toContain(secret);

  unmount();
  renderWithClient(<ApiKeyManager />, server.url);
  expect(await screen.findByRole('row', { name: /Billing sync/ })).toBeTruthy();
  expect(document.documentElement.outerHTML).not.toContain(secret);
});

test('revoke asks first, then updates the list', async () => {
  const server = await startTestServer();
  const { apiKey } = await arrangeKey(server, 'CI deploy');
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);

  const revoke = await screen.findByRole('button', { name: 'Revoke CI deploy' });
  await user.click(revoke);
  const dialog = screen.getByRole('dialog', { name: 'Revoke “CI deploy”?' });
  expect(within(dialog).getByText(/refused at once/)).toBeTruthy();
  await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
  expect(screen.queryByRole('dialog')).toBeNull();
  expect((await server.apiKeys.get(apiKey.id))?.status).toBe('active');

  await user.click(revoke);
  const confirm = screen.getByRole('dialog', { name: 'Revoke “CI deploy”?' });
  await user.type(within(confirm).getByLabelText('Reason (optional)'), 'leaked in a log');
  await user.click(within(confirm).getByRole('button', { name: 'Revoke key' }));

  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  const row = screen.getByRole('row', { name: /CI deploy/ });
  expect(within(row).getByText('Revoked')).toBeTruthy();
  // nothing left to change; its usage stays readable
  expect(buttonsIn(row)).toEqual(['Usage']);
  const stored = await server.apiKeys.get(apiKey.id);
  expect([stored?.status, stored?.revokedReason]).toEqual(['revoked', 'leaked in a log']);
  expect(screen.getByText('CI deploy revoked.').getAttribute('role')).toBe('status');
});

test('the revoke is announced once the dialog has gone, not while the live region is inert', async () => {
  const server = await startTestServer();
  await arrangeKey(server, 'CI deploy');
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);
  await user.click(await screen.findByRole('button', { name: 'Revoke CI deploy' }));

  const status = screen
    .getAllByRole('status', { hidden: true })
    .find((element) => element.tagName === 'P') as HTMLElement;
  // Screen readers ignore changes inside an inert subtree: note where each change landed.
  const changes: { text: string | null; inert: boolean }[] = [];
  const observer = new MutationObserver(() =>
    changes.push({ text: status.textContent, inert: status.closest('[inert]') !== null }),
  );
  observer.observe(status, { childList: true, characterData: true, subtree: true });
  await user.click(screen.getByRole('button', { name: 'Revoke key' }));
  await waitFor(() => expect(status.textContent).toBe('CI deploy revoked.'));
  observer.disconnect();
  expect(changes).toEqual([{ text: 'CI deploy revoked.', inert: false }]);
});

test('roll asks first, offers a grace period, reveals the new key and updates the list', async () => {
  const server = await startTestServer();
  const { key: oldSecret, apiKey } = await arrangeKey(server, 'Nightly export');
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);

  await user.click(await screen.findByRole('button', { name: 'Roll Nightly export' }));
  const dialog = screen.getByRole('dialog', { name: 'Roll “Nightly export”?' });
  const grace = within(dialog).getByLabelText('Grace period for the old key');
  expect((grace as HTMLSelectElement).value).toBe(String(24 * HOUR));
  await user.selectOptions(grace, '1 hour');
  const before = Date.now();
  await user.click(within(dialog).getByRole('button', { name: 'Roll key' }));

  const panel = await screen.findByRole('region', { name: /Your rolled API key/ });
  const secret = within(panel).getByText(/^acme_\w{36}$/).textContent ?? '';
  expect(secret).not.toBe(oldSecret);
  expect(within(panel).getByText(/keeps working until/)).toBeTruthy();
  expect(await server.apiKeys.verify(secret)).toMatchObject({ valid: true });

  const previous = await server.apiKeys.get(apiKey.id);
  expect(previous?.expiresAt).toBeGreaterThanOrEqual(before + HOUR);
  expect(previous?.expiresAt).toBeLessThanOrEqual(Date.now() + HOUR);
  expect(screen.getAllByRole('row', { name: /Nightly export/ })).toHaveLength(2);
  // the old key can no longer be rolled, only revoked
  const oldRow = screen
    .getAllByRole('row', { name: /Nightly export/ })
    .find((row) => row.textContent?.includes(apiKey.last4));
  expect(oldRow && within(oldRow).queryByRole('button', { name: /Roll/ })).toBeNull();
});

test('the panel with a new secret goes once that key is revoked or rolled again', async () => {
  const server = await startTestServer();
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);
  const secretShown = async () => {
    const panel = await screen.findByRole('region', { name: /Your (new|rolled) API key/ });
    return within(panel).getByText(/^acme_\w{36}$/).textContent ?? '';
  };

  await screen.findByText(/No API keys yet/);
  await user.click(screen.getByRole('button', { name: 'Create API key' }));
  await user.type(screen.getByLabelText('Name'), 'Deploy bot');
  await user.click(screen.getByRole('button', { name: 'Create key' }));
  const created = await secretShown();

  // rolled: the new secret replaces the old one, which works only for the grace period
  await user.click(screen.getByRole('button', { name: 'Roll Deploy bot' }));
  await user.click(screen.getByRole('button', { name: 'Roll key' }));
  await screen.findByRole('region', { name: /Your rolled API key/ });
  const rolled = await secretShown();
  expect(rolled).not.toBe(created);
  expect(document.body.textContent).not.toContain(created);

  // revoked: the secret is dead, so it is not left on the screen to be copied
  const newRow = screen
    .getAllByRole('row', { name: /Deploy bot/ })
    .find((row) => row.textContent?.includes(rolled.slice(-4))) as HTMLElement;
  await user.click(within(newRow).getByRole('button', { name: 'Revoke Deploy bot' }));
  await user.click(screen.getByRole('button', { name: 'Revoke key' }));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  expect(screen.queryByRole('region', { name: /Your (new|rolled) API key/ })).toBeNull();
  expect(document.documentElement.outerHTML).not.toContain(rolled);
  expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'API keys' }));
});

test('a disabled key can be rolled, as the server allows; the new key starts disabled too', async () => {
  const server = await startTestServer();
  const { apiKey } = await arrangeKey(server, 'Paused');
  await server.apiKeys.update(apiKey.id, { consumerId: server.session.teamId, enabled: false });
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);

  await user.click(await screen.findByRole('button', { name: 'Roll Paused' }));
  await user.click(screen.getByRole('button', { name: 'Roll key' }));
  const panel = await screen.findByRole('region', { name: /Your rolled API key/ });
  const secret = within(panel).getByText(/^acme_\w{36}$/).textContent ?? '';
  expect(await server.apiKeys.verify(secret)).toMatchObject({ valid: false, code: 'DISABLED' });
});

test("the server's errors are shown in words, and the dialog stays open", async () => {
  const server = await startTestServer();
  const { apiKey } = await arrangeKey(server, 'Old sync');
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);
  await screen.findByRole('row', { name: /Old sync/ });

  await user.click(screen.getByRole('button', { name: 'Create API key' }));
  const create = screen.getByRole('dialog', { name: 'Create API key' });
  await user.type(within(create).getByLabelText('Name'), '   ');
  await user.click(within(create).getByRole('button', { name: 'Create key' }));
  expect((await within(create).findByRole('alert')).textContent).toMatch(
    /name.*must not be empty/i,
  );
  await user.click(within(create).getByRole('button', { name: 'Cancel' }));

  // revoked in another tab after this one loaded: rolling it is a CONFLICT
  await server.apiKeys.revoke(apiKey.id);
  await user.click(screen.getByRole('button', { name: 'Roll Old sync' }));
  const roll = screen.getByRole('dialog', { name: 'Roll “Old sync”?' });
  await user.click(within(roll).getByRole('button', { name: 'Roll key' }));
  expect((await within(roll).findByRole('alert')).textContent).toMatch(
    /revoked key cannot be changed/i,
  );
  expect(screen.queryByRole('region', { name: /rolled/ })).toBeNull();
});

test('a member is offered only what authorize() allows, and told why', async () => {
  const server = await startTestServer('member');
  await arrangeKey(server, 'Team key');
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);

  const row = await screen.findByRole('row', { name: /Team key/ });
  expect(buttonsIn(row)).toEqual(['Usage']);
  const create = screen.getByRole('button', { name: 'Create API key' }) as HTMLButtonElement;
  expect(create.disabled).toBe(true);
  // The reason is the server's, shown next to the button and read with it.
  const note = document.getElementById(create.getAttribute('aria-describedby') ?? '');
  expect(note?.textContent).toBe('You may not manage API keys.');
  // Looking is allowed.
  await user.click(within(row).getByRole('button', { name: 'Usage of Team key' }));
  expect(await screen.findByText('No verifications in the last 30 days.')).toBeTruthy();
});

test('an admin is offered everything; a refusal after the page loaded is still told', async () => {
  const server = await startTestServer('admin');
  await arrangeKey(server, 'Team key');
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);

  const row = await screen.findByRole('row', { name: /Team key/ });
  expect(buttonsIn(row)).toEqual(['Disable', 'Roll', 'Revoke', 'Usage']);
  const create = screen.getByRole('button', { name: 'Create API key' }) as HTMLButtonElement;
  expect([create.disabled, create.getAttribute('aria-describedby')]).toEqual([false, null]);
  expect(screen.queryByText(/may not/)).toBeNull();

  // Made a member in another tab: the server refuses, and the dialog says so.
  server.session.role = 'member';
  await user.click(within(row).getByRole('button', { name: 'Revoke Team key' }));
  const dialog = screen.getByRole('dialog', { name: 'Revoke “Team key”?' });
  await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
  expect((await within(dialog).findByRole('alert')).textContent).toBe(
    'You may not manage API keys.',
  );
});

test('a signed-out user is told at once, after one request, whatever the host retries', async () => {
  const server = await startTestServer();
  server.signedOut = true;
  // TanStack Query's default: 3 retries, 1 + 2 + 4 s apart.
  const retrying = new QueryClient({ defaultOptions: { queries: { retry: 3 } } });
  renderWithClient(<ApiKeyManager />, server.url, retrying);

  const alert = await screen.findByRole('alert', {}, { timeout: 15_000 });
  expect(alert.textContent).toContain('You are signed out.');
  expect(server.requests.flatMap((request) => request.split(',')).sort()).toEqual([
    'apiKeys.config',
    'apiKeys.list',
  ]);
});

test('a list that cannot load says why and offers to try again', async () => {
  const server = await startTestServer();
  const user = userEvent.setup({ delay: null });
  // a port nothing listens on
  renderWithClient(<ApiKeyManager />, 'http://127.0.0.1:9/trpc');

  const alert = await screen.findByRole('alert');
  expect(alert.textContent).toContain('Could not reach the server');
  expect(
    (screen.getByRole('button', { name: 'Create API key' }) as HTMLButtonElement).disabled,
  ).toBe(true);
  cleanup();

  await arrangeKey(server, 'Works');
  renderWithClient(<ApiKeyManager />, server.url);
  expect(await screen.findByRole('row', { name: /Works/ })).toBeTruthy();
  await user.click(screen.getByRole('button', { name: 'Disable Works' }));
  expect(await screen.findByRole('button', { name: 'Enable Works' })).toBeTruthy();
});

test('Disable is busy while its update is in flight, so a double click sends one update', async () => {
  const server = await startTestServer();
  const { apiKey } = await arrangeKey(server, 'Works');
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);

  const disable = await screen.findByRole('button', { name: 'Disable Works' });
  act(() => {
    fireEvent.click(disable); // twice in one task, before React renders the busy state
    fireEvent.click(disable);
  });
  await user.dblClick(disable);
  const busy = screen.getByRole('button', { name: 'Disabling Works' });
  expect([busy.textContent, busy.getAttribute('aria-disabled')]).toEqual(['Disabling…', 'true']);
  expect(document.activeElement).toBe(busy);
  await user.click(busy);

  expect(await screen.findByRole('button', { name: 'Enable Works' })).toBeTruthy();
  const { items } = await server.apiKeys.auditLog({ consumerId: server.session.teamId });
  expect(
    items.filter((event) => event.keyId === apiKey.id && event.action === 'updated'),
  ).toHaveLength(1);
});

test('two submits in one task create one key, and revoke once; Escape waits for the action', async () => {
  const server = await startTestServer();
  await arrangeKey(server, 'Old');
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);

  await screen.findByRole('row', { name: /Old/ });
  await user.click(screen.getByRole('button', { name: 'Create API key' }));
  const dialog = screen.getByRole('dialog', { name: 'Create API key' });
  await user.type(within(dialog).getByLabelText('Name'), 'Once');
  const form = within(dialog).getByRole('button', { name: 'Create key' }).closest('form');
  // Both before React renders again: a guard kept in state would see neither.
  act(() => {
    fireEvent.submit(form as HTMLFormElement);
    fireEvent.submit(form as HTMLFormElement);
  });
  await screen.findByRole('region', { name: /Your new API key/ });
  const listed = await server.apiKeys.list({ consumerId: server.session.teamId });
  expect(listed.items.filter((key) => key.name === 'Once')).toHaveLength(1);

  await user.click(screen.getByRole('button', { name: 'Revoke Old' }));
  const confirm = screen.getByRole('dialog', { name: /Revoke/ });
  const revokeForm = confirm.querySelector('form') as HTMLFormElement;
  act(() => {
    fireEvent.submit(revokeForm);
    fireEvent.submit(revokeForm);
    fireEvent.keyDown(confirm, { key: 'Escape' }); // Escape does not close it mid-action
  });
  expect(screen.getByRole('dialog', { name: /Revoke/ })).toBe(confirm);
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  const { items } = await server.apiKeys.auditLog({ consumerId: server.session.teamId });
  expect(items.filter((event) => event.action === 'revoked')).toHaveLength(1);
});

test('a failed Load more keeps the keys shown, and says why next to the button that tries again', async () => {
  const server = await startTestServer();
  for (const name of ['one', 'two', 'three']) await arrangeKey(server, name);
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager pageSize={2} />, server.url);
  await waitFor(() =>
    expect(screen.getAllByRole('row', { name: /one|two|three/ })).toHaveLength(2),
  );

  server.down = true;
  await user.click(screen.getByRole('button', { name: 'Load more' }));
  const retry = await screen.findByRole('button', { name: 'Try again' });
  const alert = screen.getByRole('alert');
  expect(alert.textContent).toMatch(/^Could not load more API keys\. Could not reach the server/);
  expect(retry.getAttribute('aria-describedby')).toBe(alert.id);
  expect(screen.getAllByRole('row', { name: /one|two|three/ })).toHaveLength(2);

  server.down = false;
  await user.click(retry);
  await waitFor(() =>
    expect(screen.getAllByRole('row', { name: /one|two|three/ })).toHaveLength(3),
  );
  expect(screen.queryByRole('alert')).toBeNull();
  expect(screen.queryByRole('button', { name: /Load more|Try again/ })).toBeNull();
});

test("a key's limits, its own and the app's, are described in words above its usage", async () => {
  const server = await startTestServer('member');
  const { session } = server;
  await server.apiKeys.create({
    name: 'Metered',
    consumerId: session.teamId,
    ownerId: session.userId,
    rateLimits: [
      { limit: 60, windowMs: 60_000 },
      { name: 'exports', limit: 1, windowMs: 15 * 60_000, per: 'consumer' },
    ],
    remaining: 1000,
    refill: { amount: 1000, intervalMs: 24 * HOUR },
  });
  await arrangeKey(server, 'Unlimited');
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);

  await user.click(await screen.findByRole('button', { name: 'Usage of Metered' }));
  const limits = await screen.findByRole('list', { name: 'Limits of this key' });
  expect(
    within(limits)
      .getAllByRole('listitem')
      .map((item) => item.textContent),
  ).toEqual([
    '60 calls per minute',
    '1 call per 15 minutes for “exports”, shared with the other keys',
    '1,000 uses left, refilled to 1,000 every day',
  ]);
  // A key without limits of its own has the app's (the test server's: 5 exports an hour).
  await user.click(screen.getByRole('button', { name: 'Usage of Unlimited' }));
  await screen.findByRole('button', { name: 'Usage of Unlimited', expanded: true });
  const appWide = await screen.findByRole('list', { name: 'Limits of this key' });
  expect(
    within(appWide)
      .getAllByRole('listitem')
      .map((item) => item.textContent),
  ).toEqual(['5 calls per hour for “exports”, shared with the other keys']);
});

test("a key's usage is fetched once its row's Usage button is pressed, with today's counts", async () => {
  const server = await startTestServer('member'); // looking is enough: members may read usage
  const { key } = await arrangeKey(server, 'Billing sync');
  await server.apiKeys.verify(key);
  await server.apiKeys.verify(key);
  await server.apiKeys.verify(key, { permissions: ['invoices:write'] }); // refused: not its permission
  const user = userEvent.setup({ delay: null });
  const { queryClient } = renderWithClient(<ApiKeyManager />, server.url);

  const button = await screen.findByRole('button', { name: 'Usage of Billing sync' });
  const usageQueries = () =>
    queryClient.getQueryCache().findAll({ queryKey: [['apiKeys', 'usage']] });
  expect(usageQueries()).toHaveLength(0); // nothing asked on page load
  expect(button.getAttribute('aria-expanded')).toBe('false');

  await user.click(button);
  const summary = await screen.findByText('3 verifications in the last 30 days, 1 refused');
  expect(button.getAttribute('aria-expanded')).toBe('true');
  const region = document.getElementById(button.getAttribute('aria-controls') ?? '');
  expect(region?.contains(summary)).toBe(true);
  const table = within(region as HTMLElement).getByRole('table', { name: /Verifications per day/ });
  const rows = within(table).getAllByRole('row');
  expect(rows).toHaveLength(31); // the header, then 30 days
  const today = new Date().toISOString().slice(0, 10);
  const last = rows.at(-1) as HTMLElement;
  expect(last.querySelector('time')?.getAttribute('dateTime')).toBe(today);
  expect(
    within(last)
      .getAllByRole('cell')
      .map((cell) => cell.textContent),
  ).toEqual(['2', '1']);
  expect(usageQueries()).toHaveLength(1);

  await user.click(button);
  expect(screen.queryByText(/verifications in the last/)).toBeNull();
  expect(button.getAttribute('aria-expanded')).toBe('false');
});

test('the whole flow works from the keyboard alone', async () => {
  const server = await startTestServer();
  await arrangeKey(server, 'Existing');
  const user = userEvent.setup({ delay: null });
  renderWithClient(<ApiKeyManager />, server.url);
  await screen.findByRole('row', { name: /Existing/ });
  const focused = () => document.activeElement as HTMLElement;

  await user.tab();
  expect(focused()).toBe(screen.getByRole('button', { name: 'Create API key' }));
  await user.keyboard('{Enter}');
  const dialog = screen.getByRole('dialog', { name: 'Create API key' });
  expect(focused()).toBe(within(dialog).getByLabelText('Name'));
  // Modal: the rest of the page is inert while it is open, the dialog is not
  const heading = screen.getByRole('heading', { name: 'API keys' });
  expect(heading.closest('[inert]')).not.toBeNull();
  expect(dialog.closest('[inert]')).toBeNull();
  // Escape closes it and gives focus back
  await user.keyboard('{Escape}');
  expect(screen.queryByRole('dialog')).toBeNull();
  expect(document.querySelector('[inert]')).toBeNull();
  expect(focused()).toBe(screen.getByRole('button', { name: 'Create API key' }));

  await user.keyboard('{Enter}');
  await user.keyboard('Deploy bot');
  await user.tab();
  expect(focused()).toBe(screen.getByRole('checkbox', { name: 'invoices:read' }));
  await user.keyboard(' ');
  await user.tab({ shift: true });
  await user.tab({ shift: true });
  // Tab stays inside the dialog: from the first control round to the last
  expect(focused()).toBe(screen.getByRole('button', { name: 'Create key' }));
  await user.tab();
  expect(focused()).toBe(screen.getByLabelText('Name'));
  await user.keyboard('{Enter}'); // submits the form

  const panel = await screen.findByRole('region', { name: /Your new API key/ });
  expect(focused()).toBe(panel);
  await user.tab();
  expect(focused()).toBe(within(panel).getByRole('button', { name: 'Copy key' }));
  await user.keyboard('{Enter}');
  expect(within(panel).getByRole('status').textContent).toBe('Copied to the clipboard.');
  await user.tab();
  expect(focused()).toBe(within(panel).getByRole('button', { name: 'Done' }));
  await user.keyboard('{Enter}');
  expect(screen.queryByRole('region', { name: /Your new API key/ })).toBeNull();
  expect(focused()).toBe(screen.getByRole('heading', { name: 'API keys' }));

  const row = screen.getByRole('row', { name: /Deploy bot/ });
  expect(within(row).getByText('Active')).toBeTruthy();
  // on to the new key's Usage button, past Create and the row's Disable, Roll and Revoke: Enter
  // opens its usage below the row, and closes it
  for (let i = 0; i < 5; i += 1) await user.tab();
  const usage = within(row).getByRole('button', { name: 'Usage of Deploy bot' });
  expect(focused()).toBe(usage);
  await user.keyboard('{Enter}');
  expect(await screen.findByText('No verifications in the last 30 days.')).toBeTruthy();
  expect(usage.getAttribute('aria-expanded')).toBe('true');
  await user.keyboard('{Enter}');
  expect(screen.queryByText('No verifications in the last 30 days.')).toBeNull();
  await user.tab({ shift: true });
  expect(focused()).toBe(within(row).getByRole('button', { name: 'Revoke Deploy bot' }));
  await user.keyboard('{Enter}');
  expect(focused()).toBe(screen.getByRole('button', { name: 'Cancel' })); // not the destructive one
  await user.tab();
  expect(focused()).toBe(screen.getByRole('button', { name: 'Revoke key' }));
  await user.keyboard('{Enter}');
  await waitFor(() => expect(within(row).getByText('Revoked')).toBeTruthy());
  expect(focused()).toBe(screen.getByRole('heading', { name: 'API keys' }));
});
