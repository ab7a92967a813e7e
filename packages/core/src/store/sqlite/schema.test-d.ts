import { expectTypeOf, test } from 'vitest';
import type { ApiKeyRow, AuditEventRow, UsageRow } from '../key-store.js';
import type { apiKeysTable, auditEventsTable, usageTable } from './schema.js';

// The store contract's row types are written out, not inferred from these tables, so that the
// contract names no engine. The tables must still read as exactly those rows: a column added,
// dropped or retyped on one side only fails here.
test('each table reads as the contract’s row type, and the row type fits the table', () => {
  type KeySelect = typeof apiKeysTable.$inferSelect;
  type EventSelect = typeof auditEventsTable.$inferSelect;
  type UsageSelect = typeof usageTable.$inferSelect;

  expectTypeOf<KeySelect>().toExtend<ApiKeyRow>();
  expectTypeOf<ApiKeyRow>().toExtend<KeySelect>();
  expectTypeOf<keyof KeySelect>().toEqualTypeOf<keyof ApiKeyRow>();

  expectTypeOf<EventSelect>().toExtend<AuditEventRow>();
  expectTypeOf<AuditEventRow>().toExtend<EventSelect>();
  expectTypeOf<keyof EventSelect>().toEqualTypeOf<keyof AuditEventRow>();

  expectTypeOf<UsageSelect>().toExtend<UsageRow>();
  expectTypeOf<UsageRow>().toExtend<UsageSelect>();
  expectTypeOf<keyof UsageSelect>().toEqualTypeOf<keyof UsageRow>();
});
