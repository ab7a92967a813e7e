const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A day, e.g. "Mar 4, 2026", in the reader's locale. */
export function formatDate(ms: number): string {
  return date.format(ms);
}

/** A moment, e.g. "Mar 4, 2026, 2:05 PM", in the reader's locale and time zone. */
export function formatDateTime(ms: number): string {
  return dateTime.format(ms);
}

/** How a key is shown: enough to recognise it, never enough to use it. */
export function maskedKey(apiKey: { start: string; last4: string }): string {
  return `${apiKey.start}…${apiKey.last4}`;
}
