import { describe, expect, it } from 'vitest';
import { readApiKey } from './read-api-key.js';

const both = { bearer: true, header: 'x-api-key' } as const;

describe('readApiKey', () => {
  it('reads Authorization: Bearer, any case, from Fetch Headers and Node records', () => {
    expect(readApiKey(new Headers({ authorization: 'Bearer acme_k' }), both)).toBe('acme_k');
    expect(readApiKey(new Headers({ Authorization: 'bearer   acme_k ' }), both)).toBe('acme_k');
    expect(readApiKey({ authorization: 'Bearer acme_k' }, both)).toBe('acme_k');
  });

  it('falls back to the key header, and Bearer wins when both are sent', () => {
    expect(readApiKey(new Headers({ 'x-api-key': 'acme_h' }), both)).toBe('acme_h');
    expect(readApiKey({ 'x-api-key': ['acme_h', 'acme_2'] }, both)).toBe('acme_h');
    const twoKeys = new Headers({ authorization: 'Bearer acme_b', 'x-api-key': 'acme_h' });
    expect(readApiKey(twoKeys, both)).toBe('acme_b');
    // Another scheme is someone else's credential, not a key.
    const basic = new Headers({ authorization: 'Basic dXNlcg==', 'x-api-key': 'acme_h' });
    expect(readApiKey(basic, both)).toBe('acme_h');
  });

  it('is null without a key, an empty one, or no headers at all', () => {
    expect(readApiKey(new Headers(), both)).toBeNull();
    expect(
      readApiKey(new Headers({ authorization: 'Bearer ', 'x-api-key': ' ' }), both),
    ).toBeNull();
    expect(readApiKey({}, both)).toBeNull();
    expect(readApiKey(undefined, both)).toBeNull();
    expect(readApiKey(null, both)).toBeNull();
  });

  it('reads only the sources it is given', () => {
    const headers = new Headers({ authorization: 'Bearer acme_b', 'x-acme-key': 'acme_h' });
    expect(readApiKey(headers, { bearer: false, header: 'x-acme-key' })).toBe('acme_h');
    expect(readApiKey(headers, { bearer: false, header: false })).toBeNull();
    expect(
      readApiKey(new Headers({ 'x-api-key': 'acme_h' }), { bearer: true, header: false }),
    ).toBeNull();
  });
});
