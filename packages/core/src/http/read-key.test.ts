import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../base62.js';
import { generateKey } from '../key-format.js';
import { AUTH_FAILURE_MESSAGES } from './auth-failure-status.js';
import {
  MAX_KEY_HEADER_LENGTH,
  queryOf,
  type RequestKeyOptions,
  readKey,
  resolveKeyOptions,
} from './read-key.js';

const key = generateKey('acme', cryptoRandom);
const other = generateKey('acme', cryptoRandom);

function read(headers: Record<string, string>, url?: string, options?: RequestKeyOptions) {
  const request = new Request(url ?? 'https://api.example.com/v1/invoices', { headers });
  return readKey(
    (name) => request.headers.get(name),
    queryOf(request.url),
    resolveKeyOptions(options),
  );
}

describe('readKey: where a key is accepted', () => {
  it('reads `Authorization: Bearer <key>` whatever the case of the scheme and the spacing', () => {
    for (const value of [
      `Bearer ${key}`,
      `bearer ${key}`,
      `BEARER ${key}`,
      `bEaReR ${key}`,
      `Bearer    ${key}`,
      `Bearer\t${key}`,
      `  Bearer ${key}  `,
    ]) {
      expect(read({ authorization: value }), value).toEqual({ ok: true, key });
    }
  });

  it('reads `x-api-key`, and both headers when they carry the same key', () => {
    expect(read({ 'x-api-key': ` ${key} ` })).toEqual({ ok: true, key });
    expect(read({ authorization: `Bearer ${key}`, 'x-api-key': key })).toEqual({ ok: true, key });
  });

  it('trims only the whitespace HTTP allows around a value: spaces and tabs', () => {
    // A getter of raw values, as a server that does not trim them would give.
    const raw = (headers: Record<string, string>) =>
      readKey((name) => headers[name] ?? null, null, resolveKeyOptions());
    expect(raw({ 'x-api-key': ` \t${key}\t ` })).toEqual({ ok: true, key });
    expect(raw({ authorization: `\t Bearer \t${key} \t` })).toEqual({ ok: true, key });
    // Anything else is part of the key, which verify then refuses as MALFORMED.
    for (const space of ['\u00a0', '\u2003', '\u3000', '\ufeff', '\v', '\f', '\u2028']) {
      for (const sent of [`${space}${key}`, `${key}${space}`]) {
        expect(raw({ 'x-api-key': sent })).toEqual({ ok: true, key: sent });
        expect(raw({ authorization: `Bearer ${sent}` })).toEqual({ ok: true, key: sent });
      }
    }
    expect(raw({ authorization: `\u00a0Bearer ${key}` })).toMatchObject({
      ok: false,
      code: 'MALFORMED',
    });
  });

  it('leaves the shape of the key to verify (which refuses it without touching storage)', () => {
    expect(read({ authorization: 'Bearer not-a-key' })).toEqual({ ok: true, key: 'not-a-key' });
  });

  it('reads configured header names, and ignores a disabled one', () => {
    const options = { authorizationHeader: false, apiKeyHeader: 'X-Acme-Key' } as const;
    expect(read({ 'x-acme-key': key }, undefined, options)).toEqual({ ok: true, key });
    const ignored = read({ authorization: `Bearer ${key}` }, undefined, options);
    expect(ignored).toEqual({
      ok: false,
      code: 'MISSING',
      message: 'An API key is required: send it as `x-acme-key`.',
    });
  });
});

describe('readKey: strict and total', () => {
  it('MISSING without a key, with the shared message', () => {
    expect(read({})).toEqual({
      ok: false,
      code: 'MISSING',
      message: AUTH_FAILURE_MESSAGES.MISSING,
    });
  });

  it.each([
    ['two keys in one Authorization header', { authorization: `Bearer ${key} ${other}` }],
    ['two Authorization headers (joined by a comma)', { authorization: `Bearer ${key}, ${other}` }],
    ['two x-api-key headers', { 'x-api-key': `${key}, ${other}` }],
    ['different keys in the two headers', { authorization: `Bearer ${key}`, 'x-api-key': other }],
    ['Bearer without a key', { authorization: 'Bearer' }],
    ['Bearer followed by spaces only', { authorization: 'Bearer    ' }],
    ['an empty x-api-key', { 'x-api-key': '' }],
    ['an empty Authorization header', { authorization: '' }],
    ['another scheme', { authorization: `Basic ${btoa('user:password')}` }],
  ])('MALFORMED for %s', (_, headers) => {
    const reading = read(headers);
    expect(reading).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(reading.ok || reading.message).toMatch(/\.$/);
  });

  it('says why: two keys, another scheme', () => {
    expect(read({ authorization: `Bearer ${key}`, 'x-api-key': other })).toMatchObject({
      message: expect.stringContaining('Two different API keys'),
    });
    expect(read({ authorization: 'Basic abc' })).toMatchObject({
      message: expect.stringContaining('Bearer scheme'),
    });
    // One key, sent the Authorization way in the header that takes the key alone.
    expect(read({ 'x-api-key': `Bearer ${key}` })).toEqual({
      ok: false,
      code: 'MALFORMED',
      message: 'The `x-api-key` header takes the key alone, without `Bearer`.',
    });
  });

  it('reads near-misses of the plain `Bearer <key>` form as the general parser does', () => {
    const twoKeys = { ok: false, message: expect.stringContaining('More than one API key') };
    expect(read({ authorization: `Bearer ${key},${other}` })).toMatchObject(twoKeys);
    expect(read({ authorization: `Bearer ${key} ${other}` })).toMatchObject(twoKeys);
    expect(read({ 'x-api-key': `${key}, ${other}` })).toMatchObject(twoKeys);
    expect(read({ authorization: 'Bearer ' })).toMatchObject({
      message: 'The Bearer scheme was sent without a key.',
    });
    expect(read({ authorization: `Bearerx ${key}` })).toMatchObject({
      message: expect.stringContaining('Bearer scheme'),
    });
    expect(read({ authorization: `Bearer ${key}-x` })).toEqual({ ok: true, key: `${key}-x` });
    expect(read({ 'x-api-key': `${key}.x` })).toEqual({ ok: true, key: `${key}.x` });
  });

  it('another scheme is ignored when x-api-key carries the key', () => {
    expect(read({ authorization: 'Basic abc', 'x-api-key': key })).toEqual({ ok: true, key });
  });

  it('refuses a huge header before parsing it', () => {
    const huge = `Bearer ${'a'.repeat(10_000)}`;
    for (const headers of [{ authorization: huge }, { 'x-api-key': 'k'.repeat(10_000) }] as Record<
      string,
      string
    >[]) {
      expect(read(headers)).toMatchObject({
        ok: false,
        code: 'MALFORMED',
        message: expect.stringContaining('too long'),
      });
    }
    const limit = `Bearer ${'a'.repeat(MAX_KEY_HEADER_LENGTH - 7)}`;
    expect(read({ authorization: limit })).toMatchObject({ ok: true });
  });

  it('refuses a key in the query string, even beside a good header', () => {
    const base = 'https://api.example.com/v1/invoices';
    for (const url of [
      `${base}?api_key=${key}`,
      `${base}?API_KEY=whatever`,
      `${base}?x-api-key=${key}&page=2`,
      `${base}?access_token=abc`,
      `${base}?page=2&k=${key}`, // any name: the value is a real key
      `${base}?k=${encodeURIComponent(key)}#top`,
      // inside a value, as tRPC sends a query's input: `?input={"key":"acme_…"}`
      `${base}?input=${encodeURIComponent(JSON.stringify({ key }))}`,
      `${base}?input=${encodeURIComponent(JSON.stringify({ 0: { json: { t: `old_${key}` } } }))}`,
      // glued to what comes before it: an escaped line break in JSON, a digit
      `${base}?input=${encodeURIComponent(JSON.stringify({ note: `first line\n${key}` }))}`,
      `${base}?n=1${key}`,
      `${base}?${key}`, // as a parameter's name
    ]) {
      const reading = read({ authorization: `Bearer ${key}` }, url);
      expect(reading, url).toMatchObject({ ok: false, code: 'MALFORMED' });
      expect(reading.ok || reading.message).toContain('not accepted in the URL query string');
    }
    // Something shaped like a key but without its checksum is just data.
    const lookalike = `acme_${'A'.repeat(36)}`;
    expect(
      read(
        { authorization: `Bearer ${key}` },
        `${base}?input=${JSON.stringify({ id: lookalike })}`,
      ),
    ).toEqual({ ok: true, key });
    expect(read({ authorization: `Bearer ${key}` }, `${base}?page=2&key=x#api_key=1`)).toEqual({
      ok: true,
      key,
    });
  });

  it('never throws, whatever the input', () => {
    const weird = [
      '',
      ',',
      ' , ',
      'Bearer ,',
      'Bearer\t\t',
      'Bearer "quoted"',
      '\u00e9\u00e8',
      '=====',
      'Bearer Bearer Bearer',
      'Bearer'.repeat(500),
    ];
    for (const value of weird) {
      for (const name of ['authorization', 'x-api-key']) {
        const reading = read({ [name]: value }, `https://x.test/?%zz=%&=&a=${value}`);
        expect(reading.ok || ['MISSING', 'MALFORMED'].includes(reading.code)).toBe(true);
      }
    }
  });
});

describe('resolveKeyOptions', () => {
  it('refuses header names no request can carry, and disabling both headers', () => {
    expect(() => resolveKeyOptions({ apiKeyHeader: 'x api key' })).toThrow(TypeError);
    expect(() => resolveKeyOptions({ authorizationHeader: false, apiKeyHeader: false })).toThrow(
      /cannot both be false/,
    );
  });
});

describe('queryOf', () => {
  it('is the part between ? and #', () => {
    expect(queryOf('https://x.test/a?b=1&c=2#d?e')).toBe('b=1&c=2');
    expect(queryOf('/a#b?c')).toBe('');
    expect(queryOf('/a')).toBe('');
  });
});
