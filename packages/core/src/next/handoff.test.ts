import { manualClock } from '@latchkey/test-support';
import { describe, expect, it } from 'vitest';
import { createHandoff } from './handoff.js';

const fields = {
  keyId: 'key_1',
  consumerId: 'team_1',
  ownerId: 'user_1',
  permissions: ['invoices:read'],
  metadata: { plan: 'pro', note: 'ünïcödé ✓' },
};
const secret = 's'.repeat(32);

describe('hand-off from proxy to route', () => {
  it('a signed value reads back as the same fields', () => {
    const handoff = createHandoff({ handoffSecret: secret });
    expect(handoff.header).toBe('x-latchkey-auth');
    expect(handoff.read(handoff.sign(fields))).toEqual(fields);
  });

  it('forged, tampered or foreign values read as nothing, never an exception', () => {
    const handoff = createHandoff({ handoffSecret: secret });
    const genuine = handoff.sign(fields);
    const [payload, signature] = genuine.split('.') as [string, string];
    // The same shape as a genuine payload, for another consumer, under the genuine signature.
    const forged = { ...fields, consumerId: 'team_2', metadata: {}, iat: Date.now() };
    const forgedPayload = btoa(JSON.stringify(forged)).replaceAll('=', '');
    const other = createHandoff({ handoffSecret: 'o'.repeat(32) });
    for (const value of [
      null,
      '',
      '.',
      'team_2',
      JSON.stringify(fields),
      `${forgedPayload}.${signature}`,
      `${payload}x.${signature}`,
      `${payload}.${signature}.x`,
      `${payload}.${signature.slice(1)}`,
      `${payload}.`,
      `!!.${signature}`,
      other.sign(fields),
      `${'a'.repeat(40_000)}.${signature}`,
    ]) {
      expect(handoff.read(value), String(value).slice(0, 40)).toBeNull();
    }
  });

  it('is honoured for handoffMaxAgeMs only', () => {
    const clock = manualClock();
    const handoff = createHandoff({
      handoffSecret: secret,
      clock: clock.now,
      handoffMaxAgeMs: 1_000,
    });
    const value = handoff.sign(fields);
    clock.advance(1_000);
    expect(handoff.read(value)).toEqual(fields);
    clock.advance(1);
    expect(handoff.read(value)).toBeNull();
  });

  it('without a secret, instances of one process (separate bundles) share a random one', () => {
    const proxyBundle = createHandoff();
    const routeBundle = createHandoff();
    expect(routeBundle.read(proxyBundle.sign(fields))).toEqual(fields);
    expect(createHandoff({ handoffSecret: secret }).read(proxyBundle.sign(fields))).toBeNull();
  });

  it('refuses a short secret, a bad header name and a maximum age that is no age', () => {
    expect(() => createHandoff({ handoffSecret: 'short' })).toThrow(/at least 32/);
    expect(() => createHandoff({ handoffHeader: 'x bad' })).toThrow(TypeError);
    expect(createHandoff({ handoffHeader: 'X-Acme-Auth' }).header).toBe('x-acme-auth');
    // NaN is what an unset environment variable gives: it would have honoured hand-offs forever.
    for (const handoffMaxAgeMs of [Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 999, 600_001]) {
      expect(() => createHandoff({ handoffMaxAgeMs }), String(handoffMaxAgeMs)).toThrow(TypeError);
    }
  });
});
