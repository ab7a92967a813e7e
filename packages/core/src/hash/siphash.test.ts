import { describe, expect, it } from 'vitest';
import { createKeyIndex, sipHash128 } from './siphash.js';

// The reference vectors of SipHash-2-4 with 128-bit output (github.com/veorq/SipHash, vectors.h):
// key 00 01 … 0f, message 00 01 … (n-1), output bytes. Lengths chosen so every count of bytes
// left for the last word (0 to 7) is covered, with one and several whole words before it.
const VECTORS: Record<number, string> = {
  0: 'a3817f04ba25a8e66df67214c7550293',
  1: 'da87c1d86b99af44347659119b22fc45',
  2: '8177228da4a45dc7fca38bdef60affe4',
  3: '9c70b60c5267a94e5f33b6b02985ed51',
  6: '14eeca338b208613485ea0308fd7a15e',
  7: 'a1f1ebbed8dbc153c0b84aa61ff08239',
  8: '3b62a9ba6258f5610f83e264f31497b4',
  12: 'd626b266905ef35882634df68532c125',
  13: '9869e247e9c08b10d029934fc4b952f7',
  15: '5493e99933b0a8117e08ec0f97cfc3d9',
  41: '801189902c857f39e73591285e70b6db',
  63: '5150d1772f50834a503e069a973fbd7c',
};

const littleEndianHex = (words: readonly number[]) =>
  Buffer.from(new Uint32Array(words).buffer).toString('hex');

describe('SipHash-2-4-128', () => {
  const key = new Uint32Array(new Uint8Array(Array.from({ length: 16 }, (_, i) => i)).buffer);

  it.each(Object.entries(VECTORS))('matches the reference vector for %s bytes', (length, hex) => {
    const message = String.fromCharCode(...Array.from({ length: Number(length) }, (_, i) => i));
    expect(littleEndianHex(sipHash128(key, message) ?? [])).toBe(hex);
  });

  it('has no value for text that is not bytes', () => {
    expect(sipHash128(key, 'acme_é')).toBeDefined();
    expect(sipHash128(key, 'acme_☃')).toBeUndefined();
  });
});

describe('createKeyIndex', () => {
  it('is stable within an instance and differs between instances (a fresh secret each)', () => {
    const key = 'acme_0123456789ABCDEFGHIJKLMNOPQRST3jZRME';
    const here = createKeyIndex((bytes) => crypto.getRandomValues(bytes));
    const elsewhere = createKeyIndex((bytes) => crypto.getRandomValues(bytes));
    expect(here(key)).toBe(here(key));
    expect(here(key)).toHaveLength(8);
    expect(here(key)).not.toBe(elsewhere(key));
    expect(here(`${key.slice(0, -1)}F`)).not.toBe(here(key));
  });
});
