import {
  type HTTPBatchLinkOptions,
  type HTTPHeaders,
  httpBatchLink,
  type Operation,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { RefusedResponse, retryDelayMs } from './retry-after.js';
import { sleep as timerSleep } from './sleep.js';

export type ApiKeyLinkOptions<TRouter extends AnyTRPCRouter> = HTTPBatchLinkOptions<
  TRouter['_def']['_config']['$types']
> & {
  /** The key, or a function that returns it, asked before every request (so it can be swapped). */
  apiKey: string | (() => string | Promise<string>);
  /**
   * The header that carries the key: `'authorization'` sends `Bearer <key>`; any other name sends
   * the key as it is, e.g. `'x-api-key'`. Default `'authorization'`.
   */
  header?: string;
  /** How many times one call is retried after a 429 that says when to come back. Default 2; 0 never retries. */
  maxRetries?: number;
  /** The most time one call spends waiting, all retries together; a longer wait is not started. Default 30 000 ms. */
  maxWaitMs?: number;
  /** Waits `ms`, or rejects when `signal` aborts. Default: a timer. Inject one in tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The time in epoch ms, for a `Retry-After` given as an HTTP date. Default `Date.now`. */
  clock?: () => number;
};

/**
 * A terminating link for machines: `httpBatchLink` that sends the API key and, when a call is
 * refused with 429 and told when to come back (`Retry-After`), waits and tries again, within
 * `maxRetries` and `maxWaitMs`. Any other failure (401, 403, 503…) is passed on at once. The
 * call's abort signal ends a wait, as it ends a request.
 *
 * ```ts
 * createTRPCClient<AppRouter>({ links: [apiKeyLink({ url, apiKey: process.env.ACME_KEY! })] });
 * ```
 */
export function apiKeyLink<TRouter extends AnyTRPCRouter>(
  options: ApiKeyLinkOptions<TRouter>,
): TRPCLink<TRouter> {
  const {
    apiKey,
    header = 'authorization',
    maxRetries = 2,
    maxWaitMs = 30_000,
    sleep = timerSleep,
    clock = Date.now,
    headers,
    fetch: givenFetch,
    ...httpOptions
  } = options;
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
    throw new TypeError(`apiKeyLink: maxRetries must be a whole number ≥ 0; got ${maxRetries}.`);
  }
  if (typeof maxWaitMs !== 'number' || Number.isNaN(maxWaitMs) || maxWaitMs < 0) {
    throw new TypeError(`apiKeyLink: maxWaitMs must be a number ≥ 0; got ${maxWaitMs}.`);
  }
  const name = header.toLowerCase();

  // The cast only restores what the rest spread hides from the compiler: these are the caller's
  // own httpBatchLink options (transformer included) with the headers replaced.
  const http = httpBatchLink<TRouter>({
    ...httpOptions,
    // A 429 from a proxy or CDN in front of the app is a page, not JSON: tRPC would fail to
    // read it and lose its status and `Retry-After`, so it is refused here with both kept.
    // The global `fetch` is looked up on each request, as tRPC does, so that one replaced later
    // (a test's mock, an instrumentation) is the one used. A caller's fetch may answer with any
    // `ResponseEsque`: only a 429 is looked at.
    fetch: async (input, init) => {
      const send = (givenFetch ?? globalThis.fetch) as typeof fetch;
      const response = await send(input as Parameters<typeof fetch>[0], init as RequestInit);
      if (response.status !== 429) return response;
      if (response.headers?.get('content-type')?.includes('json')) return response;
      await response.body?.cancel().catch(() => {}); // frees the connection; the page is not read
      throw new RefusedResponse(response);
    },
    headers: async ({ opList }) => {
      const key = typeof apiKey === 'string' ? apiKey : await apiKey();
      const given = typeof headers === 'function' ? await headers({ opList }) : headers;
      return {
        ...withoutHeader(given, name),
        [name]: name === 'authorization' ? `Bearer ${key}` : key,
      };
    },
  } as HTTPBatchLinkOptions<TRouter['_def']['_config']['$types']>);

  return (runtime) => {
    const forward = http(runtime);
    return ({ op }) =>
      observable((observer) => {
        // Ends a wait when the caller unsubscribes; the op's own signal ends it when aborted.
        const unsubscribed = new AbortController();
        const signal = op.signal
          ? AbortSignal.any([op.signal, unsubscribed.signal])
          : unsubscribed.signal;
        let request: Unsubscribable | undefined;
        let waited = 0;

        const attempt = (retries: number) => {
          request = forward({ op, next: endOfChain }).subscribe({
            next: (envelope) => observer.next(envelope),
            complete: () => observer.complete(),
            error: (error) => {
              const mutation = op.type === 'mutation';
              const delay =
                retries < maxRetries ? retryDelayMs(error, clock(), { mutation }) : null;
              if (delay === null || waited + delay > maxWaitMs || signal.aborted) {
                observer.error(error);
                return;
              }
              waited += delay;
              sleep(delay, signal).then(
                () => attempt(retries + 1),
                (reason: unknown) => {
                  if (unsubscribed.signal.aborted) return;
                  observer.error(TRPCClientError.from(toError(reason)));
                },
              );
            },
          });
        };
        attempt(0);

        return () => {
          unsubscribed.abort();
          request?.unsubscribe();
        };
      });
  };
}

// httpBatchLink ends the chain and never calls `next`; the link API still asks for one.
function endOfChain(op: Operation): never {
  throw new Error(`apiKeyLink: nothing comes after it (${op.path})`);
}

function withoutHeader(headers: HTTPHeaders | undefined, name: string) {
  if (headers === undefined) return {};
  const entries =
    Symbol.iterator in headers
      ? [...(headers as Iterable<[string, string]>)]
      : Object.entries(headers);
  return Object.fromEntries(entries.filter(([key]) => key.toLowerCase() !== name));
}

function toError(reason: unknown): Error {
  return reason instanceof Error
    ? reason
    : new Error('The operation was aborted.', { cause: reason });
}
