import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import type { JsonObject } from '../../json.js';
import type { AuditAction, RateLimit } from '../key-store.js';

// The row types are the store contract's own (`../key-store.ts`); these tables must read as them,
// which `schema.test-d.ts` checks. Re-exported for the host's typed queries of these tables.
export type { ApiKeyRow, AuditAction, AuditEventRow, RateLimit, UsageRow } from '../key-store.js';

/**
 * Latchkey's tables on SQLite (libsql), for typed queries of the host's own. `createApiKeys` creates and migrates
 * them itself: they stay out of the host's drizzle-kit migrations.
 * Times are epoch milliseconds. No column holds anything from which a key can be rebuilt.
 */
export const apiKeysTable = sqliteTable(
  'latchkey_keys',
  {
    id: text('id').primaryKey(),
    /** SHA-256 (or HMAC-SHA-256) of the whole key, hex. */
    hash: text('hash').notNull(),
    /** The prefix and first body characters, e.g. `acme_3mQx`, for display. */
    start: text('start').notNull(),
    last4: text('last4').notNull(),
    name: text('name').notNull(),
    consumerId: text('consumer_id').notNull(),
    ownerId: text('owner_id').notNull(),
    permissions: text('permissions', { mode: 'json' }).$type<string[]>().notNull(),
    metadata: text('metadata', { mode: 'json' }).$type<JsonObject>().notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
    revokedReason: text('revoked_reason'),
    lastUsedAt: integer('last_used_at'),
    /** The key this one replaced when it was made by `roll`. */
    rolledFromId: text('rolled_from_id'),
    /** The key that replaced this one when it was rolled. */
    replacedById: text('replaced_by_id'),
    /**
     * The key whose rate limits and `remaining` this one has once rolled: the newest key of its
     * rolls (moved on by each later roll), so that keys in a grace period share one budget. Null:
     * its own.
     */
    budgetKeyId: text('budget_key_id'),
    /** Named rate limits of this key; limits of the same name in the options apply otherwise. */
    rateLimits: text('rate_limits', { mode: 'json' }).$type<RateLimit[]>().notNull().default([]),
    /** Uses left, or null for unlimited. Spent by one guarded UPDATE, so exact across processes. */
    remaining: integer('remaining'),
    /** When set, `remaining` is reset to `refillAmount` every `refillIntervalMs`. */
    refillAmount: integer('refill_amount'),
    refillIntervalMs: integer('refill_interval_ms'),
    /** Start of the current refill interval. */
    lastRefillAt: integer('last_refill_at'),
  },
  (t) => [
    uniqueIndex('latchkey_keys_hash_idx').on(t.hash),
    index('latchkey_keys_consumer_created_idx').on(t.consumerId, t.createdAt, t.id),
    index('latchkey_keys_owner_idx').on(t.ownerId),
    index('latchkey_keys_budget_idx').on(t.budgetKeyId),
  ],
);

export const auditEventsTable = sqliteTable(
  'latchkey_audit_events',
  {
    id: text('id').primaryKey(),
    keyId: text('key_id').notNull(),
    consumerId: text('consumer_id').notNull(),
    /** Who made the change: a user id of the host app, or null for the system. */
    actorId: text('actor_id'),
    action: text('action').$type<AuditAction>().notNull(),
    at: integer('at').notNull(),
    details: text('details', { mode: 'json' }).$type<JsonObject>().notNull(),
  },
  (t) => [
    index('latchkey_audit_consumer_at_idx').on(t.consumerId, t.at, t.id),
    index('latchkey_audit_key_at_idx').on(t.keyId, t.at, t.id),
  ],
);

/** Verifications of one key on one UTC day with one outcome, counted in memory and flushed. */
export const usageTable = sqliteTable(
  'latchkey_usage',
  {
    keyId: text('key_id').notNull(),
    consumerId: text('consumer_id').notNull(),
    /** UTC day, `YYYY-MM-DD`. */
    day: text('day').notNull(),
    code: text('code').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.day, t.code] })],
);
