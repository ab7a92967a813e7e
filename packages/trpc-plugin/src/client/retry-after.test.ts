import { describe, expect, it } from 'vitest';
import { parseRetryAfter, RefusedResponse, retryDelayMs } from './retry-after.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const tooMany = { code: -32029 };
const response = (headers: Record<string, string>, status = 429) => ({
  response: { status, headers: new Headers(headers) },
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('is null for anything else', () => {
    for (const value of ['', 'soon', '-1', '1.5', 'May be later'])
      expect(parseRetryAfter(value, now)).toBeNull();
  });
});

describe('retryDelayMs', () => {
  it('prefers the call’s own retryAfterMs over the batch’s Retry-After', () => {
    const meta = response({ 'retry-after': '9' });
    expect(retryDelayMs({ shape: tooMany, data: { retryAfterMs: 1500 }, meta }, now)).toBe(1500);
    expect(retryDelayMs({ shape: tooMany, data: {}, meta }, now)).toBe(9000);
  });

  it('reads a bare 429 from something in front of the app, JSON or not', () => {
    expect(retryDelayMs({ shape: null, meta: response({ 'retry-after': '1' }) }, now)).toBe(1000);
    const page = new RefusedResponse({ status: 429, headers: new Headers({ 'retry-after': '2' }) });
    expect(retryDelayMs({ shape: null, cause: page }, now)).toBe(2000);
    expect(retryDelayMs({ shape: null, cause: page }, now, { mutation: true })).toBe(2000);
  });

  it('never borrows the batch’s Retry-After for a Latchkey refusal that gives no time', () => {
    const meta = response({ 'retry-after': '1' }); // another call of the batch was rate limited
    const spent = { shape: tooMany, data: { latchkeyCode: 'USAGE_EXCEEDED' }, meta };
    expect(retryDelayMs(spent, now)).toBeNull();
  });

  it('retries a mutation only when Latchkey refused it for a limit, before it ran', () => {
    const meta = response({ 'retry-after': '1' });
    const limited = { shape: tooMany, data: { latchkeyCode: 'RATE_LIMITED', retryAfterMs: 500 } };
    expect(retryDelayMs(limited, now, { mutation: true })).toBe(500);
    // Thrown by the app's own procedure, which may have changed something first.
    const byTheApp = { shape: tooMany, data: {}, meta };
    expect(retryDelayMs(byTheApp, now, { mutation: true })).toBeNull();
    expect(retryDelayMs(byTheApp, now)).toBe(1000); // a query is safe to send again
  });

  it('is null for a wait longer than a timer can take', () => {
    const meta = response({ 'retry-after': '3000000' }); // 34 days
    expect(retryDelayMs({ shape: tooMany, data: {}, meta }, now)).toBeNull();
  });

  it('is null for a 429 that does not say when, and for every other failure', () => {
    expect(retryDelayMs({ shape: tooMany, data: {}, meta: response({}) }, now)).toBeNull();
    const refused = response({ 'retry-after': '1' }, 401);
    expect(retryDelayMs({ shape: { code: -32001 }, data: {}, meta: refused }, now)).toBeNull();
    expect(retryDelayMs({ shape: { code: -32003 }, data: { retryAfterMs: 5 } }, now)).toBeNull();
    expect(retryDelayMs({}, now)).toBeNull();
  });
});
