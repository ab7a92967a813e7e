import type { RateLimitState } from '@latchkey/core';
import { failureResponseParts, rateLimitFields } from '@latchkey/core/http';
import type { KeyRefusal } from './auth-failure.js';

/** Where the response headers go: the fetch adapter's `resHeaders`, or a wrapper of your own. */
export type ResponseHeaders = Pick<Headers, 'set'>;

/**
 * The `responseHeaders` option: where the host says a call's response headers go.
 * @internal
 */
export type ResponseHeadersOption<C> = (opts: { ctx: C }) => ResponseHeaders | null | undefined;

/**
 * What `keyProcedure` sends besides its answer, to where the call's response headers go.
 * @internal
 */
export interface KeyResponseHeaders<C> {
  /** `WWW-Authenticate`, `Retry-After`, the RateLimit fields and `Cache-Control` of a refusal. */
  refusal(ctx: C, refusal: KeyRefusal): void;
  /** The RateLimit fields of an allowed call of a rate-limited key. */
  rateLimit(ctx: C, state: RateLimitState): void;
}

/**
 * Sends to where `option` says, or, without it, to the response found in the context. Made once
 * per plugin; a call pays only when there is something to send.
 * @internal
 */
export function keyResponseHeaders<C extends object>(
  option: ResponseHeadersOption<C> | undefined,
  clock: () => number,
): KeyResponseHeaders<C> {
  const send = (ctx: C, headers: Readonly<Record<string, string>>) => {
    if (option === undefined) setContextResponseHeaders(ctx, headers);
    else setAll(option({ ctx }), headers);
  };
  return {
    refusal: (ctx, refusal) => send(ctx, failureHeaders(refusal)),
    rateLimit: (ctx, state) => send(ctx, rateLimitFields(state, state.resetAt - clock())),
  };
}

/**
 * Core's response headers for a refusal. Not `Content-Type`: it describes core's JSON body, and
 * tRPC writes a body of its own.
 */
function failureHeaders(refusal: KeyRefusal): Record<string, string> {
  const { 'content-type': _, ...headers } = failureResponseParts(refusal).headers;
  return headers;
}

/** What the host's context may hold of the response, as tRPC's adapters hand it to `createContext`. */
interface ContextResponse {
  /** The fetch adapter's (and so Next.js route handlers'): the headers tRPC answers with. */
  resHeaders?: unknown;
  /** Node's `ServerResponse`, from the standalone, Express and Next.js pages adapters. */
  res?: unknown;
}

interface NodeResponse {
  setHeader(name: string, value: string): unknown;
  headersSent: boolean;
}

/**
 * Writes `headers` to the response of the call whose context is `ctx`, found without being told:
 * `ctx.resHeaders` when it is a `Headers`-like object, else `ctx.res` when it is a Node response
 * whose headers are not sent yet (a streamed batch sends them before its calls end). Property
 * checks only. Neither: the headers are dropped.
 */
function setContextResponseHeaders(ctx: object, headers: Readonly<Record<string, string>>): void {
  const { resHeaders, res } = ctx as ContextResponse;
  if (isHeaders(resHeaders)) {
    setAll(resHeaders, headers);
  } else if (isNodeResponse(res) && !res.headersSent) {
    for (const name of Object.keys(headers)) res.setHeader(name, headers[name] as string);
  }
}

/** Writes `headers` to `target`; nowhere for `null` (the `responseHeaders` option's "none"). */
function setAll(
  target: ResponseHeaders | null | undefined,
  headers: Readonly<Record<string, string>>,
): void {
  if (!target) return;
  for (const name of Object.keys(headers)) target.set(name, headers[name] as string);
}

function isHeaders(value: unknown): value is ResponseHeaders {
  return (
    typeof value === 'object' && value !== null && typeof (value as Headers).set === 'function'
  );
}

function isNodeResponse(value: unknown): value is NodeResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as NodeResponse).setHeader === 'function'
  );
}
