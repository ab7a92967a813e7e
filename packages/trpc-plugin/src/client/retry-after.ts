// JSON-RPC code of TOO_MANY_REQUESTS: present on every tRPC error shape, whatever the host's
// error formatter does to `data`, and per call even when a batch answers with 207.
const TOO_MANY_REQUESTS = -32029;

// The longest wait a timer can take (2^31 - 1 ms, about 24.8 days): a longer one fires at once.
const MAX_WAIT_MS = 2 ** 31 - 1;

// Latchkey's own refusals for a spent limit, made before any procedure runs.
const LIMIT_CODES: ReadonlySet<unknown> = new Set(['RATE_LIMITED', 'USAGE_EXCEEDED']);

/** What the client link knows of a failed call: a `TRPCClientError`, seen structurally. */
export interface FailedCall {
  shape?: { code?: unknown } | null;
  data?: { retryAfterMs?: unknown; latchkeyCode?: unknown } | null;
  meta?: Record<string, unknown>;
  /** A response refused before tRPC could read it (`RefusedResponse`), for a 429 that is not JSON. */
  cause?: unknown;
}

interface ResponseLike {
  status?: unknown;
  headers?: { get(name: string): string | null };
}

/** A 429 whose body is not JSON (a proxy's or a CDN's page): thrown by the link's `fetch`. */
export class RefusedResponse extends Error {
  readonly response: ResponseLike;
  constructor(response: ResponseLike) {
    super(`HTTP ${String(response.status)} from something in front of the app.`);
    this.name = 'RefusedResponse';
    this.response = response;
  }
}

/**
 * How long to wait before retrying a call refused with 429, or `null` when it should not be
 * retried:
 * - any other failure: 401 and 403 never get better by waiting;
 * - a 429 that does not say when to come back (a spent usage limit): a Latchkey refusal says so
 *   in its own `data`; the response's `Retry-After` is then another call's, as a batch shares it;
 * - a mutation refused by the app itself but not by Latchkey's limits: it may have run;
 * - a wait longer than a timer can take.
 * The call's own `data.retryAfterMs` (from `withLatchkeyData`) wins over `Retry-After`.
 */
export function retryDelayMs(
  error: FailedCall,
  now: number,
  { mutation = false }: { mutation?: boolean } = {},
): number | null {
  const response = (error.meta?.response ?? refusedResponseOf(error.cause)) as
    | ResponseLike
    | undefined;
  const fromApp = error.shape?.code === TOO_MANY_REQUESTS;
  const fromFront = error.shape == null && response?.status === 429;
  if (!fromApp && !fromFront) return null;
  const latchkeyCode = error.data?.latchkeyCode;
  if (fromApp && mutation && !LIMIT_CODES.has(latchkeyCode)) return null;
  const fromData = error.data?.retryAfterMs;
  let delay: number | null;
  if (typeof fromData === 'number' && Number.isFinite(fromData)) delay = Math.max(0, fromData);
  else if (latchkeyCode !== undefined) delay = null;
  else {
    const header = response?.headers?.get('retry-after');
    delay = header == null ? null : parseRetryAfter(header, now);
  }
  return delay === null || delay > MAX_WAIT_MS ? null : delay;
}

function refusedResponseOf(cause: unknown): ResponseLike | undefined {
  return cause instanceof RefusedResponse ? cause.response : undefined;
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
