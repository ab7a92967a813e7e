import type { ApiKeysContext } from '../api-keys-context.js';
import type { CreateApiKeyInput } from '../api-keys-types.js';
import { LatchkeyError } from '../errors.js';
import { toApiKey } from '../records.js';
import type { ApiKeyRow } from '../store/key-store.js';
import type { CreatedApiKey } from '../types.js';
import { parseInput } from '../validation.js';
import { auditEvent } from './audit-event.js';
import { withFreshKey } from './fresh-key.js';
import { schemasOf } from './input-schemas.js';
import { assertFuture } from './key-changes.js';
import { limitColumns } from './limit-columns.js';

/** `apiKeys.create`: a new key, and its `created` event, written at once. */
export async function createKey<P extends string>(
  context: ApiKeysContext<P>,
  input: CreateApiKeyInput<P>,
): Promise<CreatedApiKey<P>> {
  const { store, storage } = context;
  const parsed = parseInput(schemasOf(context).create, input);
  const now = context.clock();
  assertFuture(parsed.expiresAt, now);
  const limits = limitColumns(parsed, now);
  return withFreshKey(context, async (fresh) => {
    const row: ApiKeyRow = {
      ...fresh.columns,
      name: parsed.name,
      consumerId: parsed.consumerId,
      ownerId: parsed.ownerId,
      permissions: parsed.permissions,
      metadata: parsed.metadata,
      enabled: parsed.enabled,
      createdAt: now,
      updatedAt: now,
      expiresAt: parsed.expiresAt ?? null,
      revokedAt: null,
      revokedReason: null,
      lastUsedAt: null,
      rolledFromId: null,
      replacedById: null,
      budgetKeyId: null,
      rateLimits: limits.rateLimits ?? [],
      remaining: limits.remaining ?? null,
      refillAmount: limits.refillAmount ?? null,
      refillIntervalMs: limits.refillIntervalMs ?? null,
      lastRefillAt: limits.lastRefillAt ?? null,
    };
    const created = auditEvent(
      context.random,
      row,
      'created',
      now,
      parsed.actorId ?? parsed.ownerId,
      {
        name: row.name,
        permissions: row.permissions,
      },
    );
    const limit =
      parsed.maxLiveKeys === undefined ? undefined : { maxLive: parsed.maxLiveKeys, now };
    const outcome = await storage(() => store.insertKey(row, created, limit));
    if (outcome === 'taken') return undefined;
    if (outcome === 'limit-reached') {
      throw new LatchkeyError('KEY_LIMIT_REACHED', {
        message: `This consumer already has ${parsed.maxLiveKeys === 1 ? 'a live API key' : `${parsed.maxLiveKeys} live API keys`}, the most allowed: revoke one to create another.`,
      });
    }
    return { key: fresh.key, apiKey: toApiKey<P>(row, now) };
  });
}
