const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
// Usage days are UTC dates, so they are read in UTC: "2026-03-04" is Mar 4 in every time zone.
const utcDay = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/**
 * A day, e.g. "Mar 4, 2026", in the reader's locale.
 * @internal
 */
export function formatDate(ms: number): string {
  return date.format(ms);
}

/**
 * A moment, e.g. "Mar 4, 2026, 2:05 PM", in the reader's locale and time zone.
 * @internal
 */
export function formatDateTime(ms: number): string {
  return dateTime.format(ms);
}

/**
 * A UTC day as the usage procedure names it (`YYYY-MM-DD`), e.g. "Mar 4".
 * @internal
 */
export function formatDay(date: string): string {
  return utcDay.format(Date.parse(date));
}

/**
 * How a key is shown: enough to recognise it, never enough to use it.
 * @internal
 */
export function maskedKey(apiKey: { start: string; last4: string }): string {
  return `${apiKey.start}…${apiKey.last4}`;
}

/**
 * A count and its noun, e.g. "1 call", "1,000 uses", in the reader's locale.
 * @internal
 */
export function countOf(n: number, word: string): string {
  return `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
}
