import type { TRPCClientError } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { testApiKeys } from './test-support/api-keys.js';
import { admin, rejection, userClient } from './test-support/clients.js';
import { barePlugin, type HostRouter, hostApp } from './test-support/host-app.js';
import { serve } from './test-support/http-server.js';

type Client = ReturnType<typeof userClient>['client'];

/** Every router procedure that takes a key id, each trying to read or change that key. */
const BY_ID: Record<string, (client: Client, id: string) => Promise<unknown>> = {
  get: (client, id) => client.apiKeys.get.query({ id }),
  update: (client, id) => client.apiKeys.update.mutate({ id, name: 'taken over', enabled: false }),
  revoke: (client, id) => client.apiKeys.revoke.mutate({ id, reason: 'by a stranger' }),
  roll: (client, id) => client.apiKeys.roll.mutate({ id, gracePeriodMs: 0 }),
  auditLog: (client, id) => client.apiKeys.auditLog.query({ keyId: id }),
  usage: (client, id) => client.apiKeys.usage.query({ id, days: 7 }),
};

/** What the client sees of an error, minus the development-only stack trace. */
function seen(error: TRPCClientError<HostRouter>) {
  const { stack: _stack, ...data } = error.data ?? {};
  return { message: error.message, code: error.shape?.code, data };
}

async function twoTeams() {
  const { apiKeys } = testApiKeys();
  const { url } = await serve(hostApp(apiKeys));
  const theirs = await apiKeys.create({
    name: 'team b key',
    consumerId: 'team_b',
    ownerId: 'user_b',
    permissions: ['invoices:read'],
  });
  // An id of the right shape that no team has.
  const unknownId = (
    await testApiKeys().apiKeys.create({ name: 'x', consumerId: 'c', ownerId: 'o' })
  ).apiKey.id;
  return { apiKeys, url, theirs, unknownId };
}

describe('a user of team A cannot reach a key of team B', () => {
  it.each(Object.keys(BY_ID))('%s: NOT_FOUND, exactly as for an unknown id', async (procedure) => {
    const call = BY_ID[procedure] as (typeof BY_ID)[string];
    const { apiKeys, url, theirs, unknownId } = await twoTeams();
    const { client, recorder } = userClient(url, admin('team_a'));

    const foreign = await rejection(call(client, theirs.apiKey.id));
    expect(recorder.last().status).toBe(404);
    const unknown = await rejection(call(client, unknownId));
    expect(recorder.last().status).toBe(404);
    expect(foreign.data).toMatchObject({ code: 'NOT_FOUND', latchkeyCode: 'NOT_FOUND' });
    expect(seen(foreign)).toEqual(seen(unknown));

    // Team B's key is as it was, still works, and has no event but its creation.
    expect(await apiKeys.get(theirs.apiKey.id)).toEqual(theirs.apiKey);
    expect((await apiKeys.verify(theirs.key)).valid).toBe(true);
    const log = await apiKeys.auditLog({ consumerId: 'team_b' });
    expect(log.items.map((event) => event.action)).toEqual(['created']);
    expect((await apiKeys.list({ consumerId: 'team_a' })).items).toEqual([]);
  });

  it('list, auditLog and create stay within the user’s own team', async () => {
    const { apiKeys, url, theirs } = await twoTeams();
    const b = userClient(url, admin('team_b'));
    await b.client.apiKeys.create.mutate({ name: 'second b key' });
    const bPage = await b.client.apiKeys.list.query({ limit: 1 });

    const { client } = userClient(url, admin('team_a'));
    const mine = await client.apiKeys.create.mutate({ name: 'team a key' });
    expect(mine.apiKey.consumerId).toBe('team_a');
    expect((await client.apiKeys.list.query({})).items).toEqual([mine.apiKey]);
    // Another team's cursor is only a position: it still lists team A's keys alone.
    const fromTheirCursor = await client.apiKeys.list.query({ cursor: bPage.nextCursor });
    expect(fromTheirCursor.items.every((key) => key.consumerId === 'team_a')).toBe(true);
    const events = await client.apiKeys.auditLog.query({});
    expect(events.items.map((event) => event.keyId)).toEqual([mine.apiKey.id]);

    expect((await apiKeys.list({ consumerId: 'team_b' })).items.map((key) => key.id)).toContain(
      theirs.apiKey.id,
    );
  });
});

describe('a `consumer` answer without a team fails closed', () => {
  it.each([
    ['no consumerId', { ownerId: 'user_a' }],
    ['an empty consumerId', { consumerId: '', ownerId: 'user_a' }],
    ['a consumerId that is not a string', { consumerId: 42, ownerId: 'user_a' }],
    ['no ownerId', { consumerId: 'team_a' }],
    ['nothing', undefined],
  ])(
    '%s: every procedure is a 500 that names the option, and no key is touched',
    async (_, scope) => {
      const { apiKeys, theirs } = await twoTeams();
      const t = initTRPC.create();
      const { apiKeyRouter } = barePlugin(apiKeys, t.procedure, {
        // What a host's session typed `any` can give: the compiler cannot see it.
        consumer: () => scope as unknown as { consumerId: string; ownerId: string },
      });
      const caller = t.router({ apiKeys: apiKeyRouter }).createCaller({}).apiKeys;
      const id = theirs.apiKey.id;
      for (const call of [
        caller.get({ id }),
        caller.roll({ id, gracePeriodMs: 0 }),
        caller.update({ id, name: 'taken over' }),
        caller.revoke({ id }),
        caller.list({}),
        caller.create({ name: 'orphan' }),
      ]) {
        await expect(call).rejects.toMatchObject({
          code: 'INTERNAL_SERVER_ERROR',
          message: expect.stringContaining('`consumer` option'),
        });
      }
      expect(await apiKeys.get(id)).toEqual(theirs.apiKey);
      expect((await apiKeys.list({ consumerId: 'team_b' })).items.map((key) => key.id)).toEqual([
        id,
      ]);
    },
  );
});
