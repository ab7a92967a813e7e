import { describe, expect, it } from 'vitest';
import type { RandomSource } from './base62.js';
import { crc32 } from './crc32.js';
import {
  checksumOf,
  generateKey,
  isWellFormed,
  KEY_PATTERN,
  keyPattern,
  parseKey,
} from './key-format.js';

/** Deterministic "randomness": byte i of every call is (seed + i) mod 248. */
const counting =
  (seed: number): RandomSource =>
  (bytes) => {
    for (let i = 0; i < bytes.length; i++) bytes[i] = (seed + i) % 248;
  };

describe('checksum', () => {
  it('is the standard CRC-32 (IEEE) of the prefix and random part', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
  });

  it('renders as six base62 characters, zero-padded', () => {
    expect(checksumOf('acme_0123456789ABCDEFGHIJKLMNOPQRST')).toMatch(/^[0-9A-Za-z]{6}$/);
    // 0xCBF43926 = 3421780262 = base62 "3jZRME" (pinned so the format cannot drift)
    expect(checksumOf('123456789')).toBe('3jZRME');
  });
});

describe('generateKey', () => {
  it('is <prefix>_<30 random base62><6 checksum>', () => {
    const key = generateKey('acme_live', counting(0));
    expect(key).toBe(
      'acme_live_0123456789ABCDEFGHIJKLMNOPQRST' +
        checksumOf('acme_live_0123456789ABCDEFGHIJKLMNOPQRST'),
    );
    expect(key).toMatch(/^acme_live_[0-9A-Za-z]{36}$/);
    expect(isWellFormed(key)).toBe(true);
  });

  it('skips bytes that would bias the alphabet', () => {
    const biased: RandomSource = (bytes) => {
      bytes.fill(250); // all rejected…
      bytes[3] = 61; // …but this one, which is "z"
      bytes[5] = 0;
    };
    const key = generateKey('lk', biased);
    expect(key.slice(3, 33)).toBe('z0'.repeat(15));
  });

  it('gives different keys from real randomness', () => {
    const random: RandomSource = (bytes) => crypto.getRandomValues(bytes);
    const keys = new Set(Array.from({ length: 1000 }, () => generateKey('lk', random)));
    expect(keys.size).toBe(1000);
  });
});

describe('isWellFormed / parseKey', () => {
  const key = generateKey('acme', counting(7));

  it('accepts a key and splits it', () => {
    expect(parseKey(key)).toEqual({
      prefix: 'acme',
      random: key.slice(5, 35),
      checksum: key.slice(35),
    });
    expect(parseKey(generateKey('acme_live', counting(1)))?.prefix).toBe('acme_live');
  });

  it('rejects a one-character typo anywhere in the body (checksum)', () => {
    for (let i = 5; i < key.length; i++) {
      const replacement = key[i] === 'a' ? 'b' : 'a';
      const typo = key.slice(0, i) + replacement + key.slice(i + 1);
      expect(isWellFormed(typo), `typo at ${i}`).toBe(false);
    }
  });

  it('rejects two swapped neighbours', () => {
    const swapped = key.slice(0, 10) + key[11] + key[10] + key.slice(12);
    if (swapped !== key) expect(isWellFormed(swapped)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['no prefix', key.slice(5)],
    ['short body', key.slice(0, -1)],
    ['long body', `${key}A`],
    ['upper-case prefix', `ACME${key.slice(4)}`],
    ['space inside', `${key.slice(0, 10)} ${key.slice(11)}`],
    ['trailing newline', `${key}\n`],
    ['non-ASCII', `${key.slice(0, -1)}é`],
    ['10 kB', 'a'.repeat(10_000)],
  ])('rejects %s', (_, candidate) => {
    expect(isWellFormed(candidate)).toBe(false);
    expect(parseKey(candidate)).toBeNull();
  });

  it.each([undefined, null, 42, {}, ['a'], Symbol('k')])('rejects non-string %s', (value) => {
    expect(isWellFormed(value)).toBe(false);
  });
});

describe('patterns for secret scanners', () => {
  it('KEY_PATTERN finds a key in surrounding text; keyPattern finds one app’s keys', () => {
    const key = generateKey('acme_live', counting(3));
    const text = `export LATCHKEY="${key}" # leaked`;
    expect(text.match(KEY_PATTERN)?.[0]).toBe(key);
    expect(text.match(keyPattern('acme_live'))?.[0]).toBe(key);
    expect(keyPattern('other').test(text)).toBe(false);
  });

  it('refuses an invalid prefix', () => {
    expect(() => keyPattern('Acme')).toThrow(/Invalid key prefix/);
    expect(() => keyPattern('a'.repeat(33))).toThrow(/Invalid key prefix/);
  });
});

describe('isWellFormed agrees with the documented pattern', () => {
  const random: RandomSource = (bytes) => crypto.getRandomValues(bytes);
  const WHOLE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*_[0-9A-Za-z]{36}$/;
  it.each(['a', 'acme', 'acme_live', 'a1_2b_c3', 'x'.repeat(32)])(
    'accepts keys of prefix %s',
    (prefix) => {
      expect(isWellFormed(generateKey(prefix, random))).toBe(true);
    },
  );

  it.each(['1acme', '_acme', 'acme_', 'acme__live', 'Acme', 'ac-me', 'x'.repeat(33)])(
    'rejects a key whose prefix is %s even with a correct checksum',
    (prefix) => {
      const head = `${prefix}_${'A'.repeat(30)}`;
      const key = head + checksumOf(head);
      expect(WHOLE.test(key) && prefix.length <= 32).toBe(false);
      expect(isWellFormed(key)).toBe(false);
    },
  );
});
