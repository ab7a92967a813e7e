import type { HeaderGetter } from '@latchkey/core/http';

/**
 * Request headers as the host has them: Fetch API `Headers` (fetch adapter, Next.js) or a Node.js
 * `IncomingHttpHeaders` record, whose names are lower-case (standalone adapter, Express).
 */
export type RequestHeaders =
  | Pick<Headers, 'get'>
  | Readonly<Record<string, string | readonly string[] | undefined>>;

const NO_HEADERS: HeaderGetter = () => null;

/**
 * Core's key reader asks for one header at a time, with repeated headers joined by `, ` as Fetch
 * `Headers` does; a Node.js record gives repeated headers as an array, so they are joined the same
 * way (and two keys are then refused as two keys, not half-read).
 * @internal
 */
export function headerGetter(headers: RequestHeaders | null | undefined): HeaderGetter {
  if (headers === null || headers === undefined) return NO_HEADERS;
  if (typeof headers.get === 'function') {
    const fetchHeaders = headers as Pick<Headers, 'get'>;
    return (name) => fetchHeaders.get(name);
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  return (name) => {
    // Own properties only: a header named like an `Object.prototype` member is still a header.
    const value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (value === undefined || typeof value === 'string') return value ?? null;
    return value.length === 0 ? null : value.join(', ');
  };
}
