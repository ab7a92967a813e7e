// @vitest-environment jsdom
import { QueryClient } from '@tanstack/react-query';
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import { KeyUsageChart } from './key-usage-chart.js';
import { renderWithClient, useApiKeyUsage } from './test-support/render.js';
import { startTestServer } from './test-support/server.js';

afterEach(cleanup);

/** A host's own usage view: the hook and the part, composed as the README shows. */
function Usage({ id, days }: { id: string; days?: number }) {
  const usage = useApiKeyUsage(id, { days });
  return (
    <KeyUsageChart
      days={usage.days}
      isLoading={usage.isLoading}
      error={usage.error}
      onRetry={usage.refetch}
    />
  );
}

test('a key that was never used shows the empty state', async () => {
  const server = await startTestServer();
  const { apiKey } = await server.apiKeys.create({
    name: 'Quiet',
    consumerId: 'team_1',
    ownerId: 'user_1',
  });
  renderWithClient(<Usage id={apiKey.id} days={14} />, server.url);

  expect(screen.getByRole('status').textContent).toBe('Loading usage…');
  expect(await screen.findByText('No verifications in the last 14 days.')).toBeTruthy();
  expect(screen.queryByRole('table')).toBeNull();
});

test("another consumer's key is NOT_FOUND, shown at once as the error state", async () => {
  const server = await startTestServer();
  const { key, apiKey } = await server.apiKeys.create({
    name: 'Not yours',
    consumerId: 'team_2',
    ownerId: 'user_2',
  });
  await server.apiKeys.verify(key);
  // Asked once, even by a query client that retries failures (TanStack Query's default).
  const retrying = new QueryClient({ defaultOptions: { queries: { retry: 3 } } });
  renderWithClient(<Usage id={apiKey.id} />, server.url, retrying);

  const alert = await screen.findByRole('alert', {}, { timeout: 15_000 });
  expect(server.requests).toEqual(['apiKeys.usage']);
  expect(within(alert).getByText('Could not load usage. No API key with this id.')).toBeTruthy();
  expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
  expect(screen.queryByText(/verification/)).toBeNull();
});
