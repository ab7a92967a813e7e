import { describe, expect, it } from 'vitest';
import { rateLimitFields } from './rate-limit-fields.js';

const state = { name: 'exports', limit: 100, remaining: 42, resetAt: 1_800_000_060_000 };

describe('rateLimitFields (draft-ietf-httpapi-ratelimit-headers-10)', () => {
  it('gives the policy and what is left of it as structured-field Lists', () => {
    expect(rateLimitFields({ ...state, windowMs: 60_000 }, 17_000)).toEqual({
      'ratelimit-policy': '"exports";q=100;w=60',
      ratelimit: '"exports";r=42;t=17',
    });
  });

  it('rounds the seconds up, never announces a window shorter than a second or a negative r', () => {
    expect(rateLimitFields({ ...state, windowMs: 1_500, remaining: -1 }, 16_001)).toEqual({
      'ratelimit-policy': '"exports";q=100;w=2',
      ratelimit: '"exports";r=0;t=17',
    });
    expect(rateLimitFields({ ...state, windowMs: 10 }, 0)['ratelimit-policy']).toBe(
      '"exports";q=100;w=1',
    );
  });

  it('leaves out t when the reset is not known', () => {
    expect(rateLimitFields({ ...state, windowMs: 60_000 }, undefined)).toEqual({
      'ratelimit-policy': '"exports";q=100;w=60',
      ratelimit: '"exports";r=42',
    });
  });
});
