import { expect } from 'vitest';
import type {
  ApiKeyRow,
  AuditAction,
  AuditEventRow,
  KeyRef,
  KeyStore,
} from '../../store/key-store.js';

/** Makes a new store on empty storage of its own, not yet initialised. */
export type StoreFactory = () => KeyStore | Promise<KeyStore>;

/** Opens a new store on empty storage, initialised, and closed after the running test. */
export type OpenStore = () => Promise<KeyStore>;

/** When the contract's stories begin; every time in them is counted from here. */
export const T0 = Date.UTC(2026, 0, 1);
export const DAY = '2026-01-01';
export const NEXT_DAY = '2026-01-02';

/** A unique key id, as createApiKeys makes them (`key_…`). */
export function newId(): string {
  return `key_${crypto.randomUUID()}`;
}

/** A unique hash, in the shape of the SHA-256 hex that createApiKeys stores. */
export function newHash(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A key row as createApiKeys writes it: active, unlimited, never used; `fields` override. */
export function keyRow(fields: Partial<ApiKeyRow> = {}): ApiKeyRow {
  return {
    id: newId(),
    hash: newHash(),
    start: 'lk_3mQx',
    last4: 'Vb1k',
    name: 'a key',
    consumerId: 'team_1',
    ownerId: 'user_1',
    permissions: ['invoices:read'],
    metadata: {},
    enabled: true,
    createdAt: T0,
    updatedAt: T0,
    expiresAt: null,
    revokedAt: null,
    revokedReason: null,
    lastUsedAt: null,
    rolledFromId: null,
    replacedById: null,
    budgetKeyId: null,
    rateLimits: [],
    remaining: null,
    refillAmount: null,
    refillIntervalMs: null,
    lastRefillAt: null,
    ...fields,
  };
}

/** An audit event of `key`, with a unique id. */
export function eventOf(
  key: KeyRef,
  action: AuditAction,
  at = T0,
  details: AuditEventRow['details'] = {},
): AuditEventRow {
  return {
    id: `evt_${crypto.randomUUID()}`,
    keyId: key.id,
    consumerId: key.consumerId,
    actorId: null,
    action,
    at,
    details,
  };
}

/** Inserts a key made of `fields` with its `created` event; the row inserted. */
export async function insertKey(store: KeyStore, fields: Partial<ApiKeyRow> = {}) {
  const row = keyRow(fields);
  expect(await store.insertKey(row, eventOf(row, 'created', row.createdAt))).toBe('inserted');
  return row;
}

export interface RollOptions {
  /** When the roll happens. Default `T0 + 1000`. */
  now?: number;
  /** How long the old key keeps working. Default `60_000`. */
  graceMs?: number;
  /** Fields of the new row as the caller builds it (settings the store must replace). */
  fields?: Partial<ApiKeyRow>;
}

/** The arguments of `replaceKey` as createApiKeys' `roll` gives them, for `old` as read. */
export function rollArguments(old: ApiKeyRow, options: RollOptions = {}) {
  const { now = T0 + 1000, graceMs = 60_000, fields = {} } = options;
  const newRow = keyRow({
    ...old,
    id: newId(),
    hash: newHash(),
    createdAt: now,
    updatedAt: now,
    revokedAt: null,
    revokedReason: null,
    lastUsedAt: null,
    rolledFromId: old.id,
    replacedById: null,
    budgetKeyId: null,
    ...fields,
  });
  const expiresBy = now + graceMs;
  const changes = {
    expiresAt: Math.min(old.expiresAt ?? Number.POSITIVE_INFINITY, expiresBy),
    replacedById: newRow.id,
    budgetKeyId: newRow.id,
    updatedAt: now,
  };
  const events = [eventOf(old, 'rolled', now), eventOf(newRow, 'created', now)];
  return { filter: { consumerId: old.consumerId }, changes, newRow, events, expiresBy };
}

/** Rolls `old` (as read) and expects it done; the new key's row as the store returned it. */
export async function rollKey(
  store: KeyStore,
  old: ApiKeyRow,
  options: RollOptions = {},
): Promise<ApiKeyRow> {
  const { filter, changes, newRow, events, expiresBy } = rollArguments(old, options);
  const rolled = await store.replaceKey(old.id, filter, changes, newRow, events, expiresBy);
  if (typeof rolled === 'string') throw new Error(`the roll was refused: ${rolled}`);
  return rolled;
}

/** A key's row as the store has it now; fails the test when it is gone. */
export async function reread(store: KeyStore, id: string): Promise<ApiKeyRow> {
  const row = await store.findById(id);
  if (row === undefined) throw new Error(`key ${id} is gone`);
  return row;
}

/** Every audit event of `consumerId` (of one key, with `keyId`), newest first. */
export function eventsOf(store: KeyStore, consumerId: string, keyId?: string) {
  return store.listAuditEvents(keyId === undefined ? { consumerId } : { consumerId, keyId }, 1000);
}
