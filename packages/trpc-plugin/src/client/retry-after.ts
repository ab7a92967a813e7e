// JSON-RPC code of TOO_MANY_REQUESTS: present on every tRPC error shape, whatever the host's
// error formatter does to `data`, and per call even when a batch answers with 207.
const TOO_MANY_REQUESTS = -32029;

/** What the client link knows of a failed call: a `TRPCClientError`, seen structurally. */
export interface FailedCall {
  shape?: { code?: unknown } | null;
  data?: { retryAfterMs?: unknown } | null;
  meta?: Record<string, unknown>;
}

interface ResponseLike {
  status?: unknown;
  headers?: { get(name: string): string | null };
}

/**
 * How long to wait before retrying a call refused with 429, or `null` when it should not be
 * retried: any other failure (401 and 403 never get better by waiting), or a 429 that does not
 * say when to come back (a spent usage limit). The call's own `data.retryAfterMs` (from
 * `withLatchkeyData`) wins over the response's `Retry-After`, which a batch shares.
 */
export function retryDelayMs(error: FailedCall, now: number): number | null {
  const response = error.meta?.response as ResponseLike | undefined;
  const tooMany =
    error.shape?.code === TOO_MANY_REQUESTS || (error.shape == null && response?.status === 429);
  if (!tooMany) return null;
  const fromData = error.data?.retryAfterMs;
  if (typeof fromData === 'number' && Number.isFinite(fromData)) return Math.max(0, fromData);
  const header = response?.headers?.get('retry-after');
  return header == null ? null : parseRetryAfter(header, now);
}

// Every HTTP-date form names its month; `Date.parse` alone would take "1.5" for a date.
const MONTH = /jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec/i;

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110), in ms from `now`; `null` if neither. */
export function parseRetryAfter(value: string, now: number): number | null {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!MONTH.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
