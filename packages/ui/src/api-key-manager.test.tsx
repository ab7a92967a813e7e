// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, expect, test } from 'vitest';
import { ApiKeyManager, renderWithClient } from './test-support/render.js';
import { startTestServer } from './test-support/server.js';

afterEach(cleanup);

test('create shows the secret once, and never again after closing', async () => {
  const server = await startTestServer();
  const user = userEvent.setup();
  const { queryClient } = renderWithClient(<ApiKeyManager />, server.url);

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
  expect(document.body.textContent?.split(secret).length).toBe(2);

  await user.click(within(panel).getByRole('button', { name: 'Copy key' }));
  expect(await navigator.clipboard.readText()).toBe(secret);
  expect(within(panel).getByRole('status').textContent).toBe('Copied to the clipboard.');

  await user.click(within(panel).getByRole('button', { name: 'Done' }));
  expect(screen.queryByRole('region', { name: /Your new API key/ })).toBeNull();
  expect(document.documentElement.outerHTML).not.toContain(secret);
  const row = screen.getByRole('row', { name: /Billing sync/ });
  expect(within(row).getByText(`${secret.slice(0, 9)}…${secret.slice(-4)}`)).toBeTruthy();
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
});
