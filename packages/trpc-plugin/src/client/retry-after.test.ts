import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs } from './retry-after.js';

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

  it('reads a bare 429 from something in front of the app', () => {
    expect(retryDelayMs({ shape: null, meta: response({ 'retry-after': '1' }) }, now)).toBe(1000);
  });

  it('is null for a 429 that does not say when, and for every other failure', () => {
    expect(retryDelayMs({ shape: tooMany, data: {}, meta: response({}) }, now)).toBeNull();
    const refused = response({ 'retry-after': '1' }, 401);
    expect(retryDelayMs({ shape: { code: -32001 }, data: {}, meta: refused }, now)).toBeNull();
    expect(retryDelayMs({ shape: { code: -32003 }, data: { retryAfterMs: 5 } }, now)).toBeNull();
    expect(retryDelayMs({}, now)).toBeNull();
  });
});
