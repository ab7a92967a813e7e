import { INPUT_LIMITS } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { testApiKeys } from './test-support/api-keys.js';
import { admin, rejection, userClient } from './test-support/clients.js';
import { hostApp } from './test-support/host-app.js';
import { serve } from './test-support/http-server.js';

type Client = ReturnType<typeof userClient>['client'];
type Call = (client: Client, input: unknown) => Promise<unknown>;

const DAY = 24 * 60 * 60 * 1000;
const tooLong = (length: number) => 'x'.repeat(length + 1);

/**
 * Bad inputs for each procedure; `ID` stands for an existing key of the user's own team, so that
 * only the bad field is wrong. Some are caught by the plugin's schemas, some (a past expiry, a
 * forged cursor, nothing to update) by core: both are `BAD_REQUEST`.
 */
const CASES: Record<string, { call: Call; inputs: (id: string, now: number) => unknown[] }> = {
  list: {
    call: (client, input) => client.apiKeys.list.query(input as never),
    inputs: () => [
      undefined,
      'all',
      { limit: 0 },
      { limit: INPUT_LIMITS.pageSizeMax + 1 },
      { limit: 1.5 },
      { cursor: tooLong(512) },
      { cursor: 'not-a-cursor' },
      { direction: 'backward' },
      { consumerId: 'team_b' },
    ],
  },
  get: {
    call: (client, input) => client.apiKeys.get.query(input as never),
    inputs: (id) => [
      {},
      { id: '' },
      { id: tooLong(INPUT_LIMITS.idMaxLength) },
      { id: 42 },
      { id, consumerId: 'team_b' },
    ],
  },
  create: {
    call: (client, input) => client.apiKeys.create.mutate(input as never),
    inputs: (_id, now) => [
      {},
      { name: '' },
      { name: '   ' },
      { name: tooLong(INPUT_LIMITS.nameMaxLength) },
      { name: 'line\nbreak' },
      { name: 'k', permissions: ['admin'] },
      { name: 'k', permissions: 'invoices:read' },
      { name: 'k', permissions: ['invoices:read', 'invoices:read'] },
      { name: 'k', metadata: [] },
      { name: 'k', metadata: 'plan=pro' },
      { name: 'k', metadata: { blob: tooLong(INPUT_LIMITS.metadataMaxBytes) } },
      { name: 'k', expiresAt: 'tomorrow' },
      { name: 'k', expiresAt: now + 0.5 },
      { name: 'k', expiresAt: now - 1 },
      { name: 'k', consumerId: 'team_b' },
      { name: 'k', ownerId: 'someone_else' },
      { name: 'k', enabled: false },
    ],
  },
  update: {
    call: (client, input) => client.apiKeys.update.mutate(input as never),
    inputs: (id, now) => [
      { id },
      { name: 'no id' },
      { id: '', name: 'x' },
      { id, name: '' },
      { id, enabled: 'yes' },
      { id, permissions: ['invoices:delete'] },
      { id, metadata: null },
      { id, expiresAt: -1 },
      { id, expiresAt: now },
      { id, name: 'x', consumerId: 'team_b' },
    ],
  },
  revoke: {
    call: (client, input) => client.apiKeys.revoke.mutate(input as never),
    inputs: (id) => [
      {},
      { id: '' },
      { id, reason: tooLong(INPUT_LIMITS.reasonMaxLength) },
      { id, reason: 5 },
    ],
  },
  roll: {
    call: (client, input) => client.apiKeys.roll.mutate(input as never),
    inputs: (id) => [
      { id: '' },
      { id, gracePeriodMs: -1 },
      { id, gracePeriodMs: 31 * DAY },
      { id, gracePeriodMs: 1.5 },
      { id, gracePeriodMs: '1h' },
    ],
  },
  auditLog: {
    call: (client, input) => client.apiKeys.auditLog.query(input as never),
    inputs: () => [
      undefined,
      { limit: 0 },
      { keyId: '' },
      { keyId: 42 },
      { cursor: 'not-a-cursor' },
      { direction: 'backward' },
    ],
  },
  usage: {
    call: (client, input) => client.apiKeys.usage.query(input as never),
    inputs: (id) => [
      undefined,
      {},
      { id: '' },
      { id: tooLong(INPUT_LIMITS.idMaxLength) },
      { id, days: 0 },
      { id, days: 91 },
      { id, days: 1.5 },
      { id, days: '7' },
      { id, consumerId: 'team_b' },
    ],
  },
};

describe('bad input gets BAD_REQUEST and changes nothing', () => {
  it.each(Object.keys(CASES))('%s', async (procedure) => {
    const { call, inputs } = CASES[procedure] as (typeof CASES)[string];
    const { apiKeys, clock } = testApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const { client, recorder } = userClient(url, admin('team_a'));
    const { apiKey } = await client.apiKeys.create.mutate({ name: 'existing', permissions: [] });
    const storage = async () => ({
      teamA: await apiKeys.list({ consumerId: 'team_a', limit: 100 }),
      teamB: await apiKeys.list({ consumerId: 'team_b', limit: 100 }),
      events: await apiKeys.auditLog({ consumerId: 'team_a', limit: 100 }),
    });
    const before = await storage();

    for (const input of inputs(apiKey.id, clock.now())) {
      const error = await rejection(call(client, input));
      expect({ input, code: error.data?.code }).toEqual({ input, code: 'BAD_REQUEST' });
      expect(recorder.last().status).toBe(400);
    }
    expect(await storage()).toEqual(before);
  });
});
