import type { ApiKeysContext } from '../api-keys-context.js';
import type { UsageInput } from '../api-keys-types.js';
import { DAY_MS, utcDay } from '../time.js';
import type { UsageDay, VerifyCode } from '../types.js';
import { parseInput } from '../validation.js';
import { findInScope } from './find-key.js';
import { keyIdSchema, schemasOf } from './input-schemas.js';

/** `apiKeys.usage`: a key's verifications per UTC day and outcome, oldest day first. */
export async function keyUsage(
  context: ApiKeysContext<string>,
  id: string,
  input: UsageInput = {},
): Promise<{ keyId: string; days: UsageDay[] }> {
  const { store, storage, recorder } = context;
  const parsedId = parseInput(keyIdSchema, id);
  const { consumerId, days } = parseInput(schemasOf(context).usage, input);
  const row = await findInScope(context, parsedId, { consumerId });
  const today = context.clock();
  const dates = Array.from({ length: days }, (_, i) => utcDay(today - (days - 1 - i) * DAY_MS));
  // The last seconds count too: what is counted in memory is added, not written first.
  const { stored, pending } = await recorder.readWithPending(row.id, () =>
    storage(() => store.readUsage(row.id, dates[0] as string)),
  );
  const byDate = new Map(dates.map((date) => [date, { date, total: 0, counts: {} } as UsageDay]));
  const add = (date: string, code: VerifyCode, count: number) => {
    const day = byDate.get(date);
    if (day === undefined) return;
    day.counts[code] = (day.counts[code] ?? 0) + count;
    day.total += count;
  };
  for (const usageRow of stored) add(usageRow.day, usageRow.code as VerifyCode, usageRow.count);
  for (const { day, counts } of pending) {
    for (const [code, count] of Object.entries(counts) as [VerifyCode, number][]) {
      // As a flush writes them: a count taken back to nothing is no row.
      if (count !== 0) add(day, code, count);
    }
  }
  return { keyId: row.id, days: [...byDate.values()] };
}
