export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Fills a buffer with random bytes; `crypto.getRandomValues` unless a test injects its own. */
export type RandomSource = (bytes: Uint8Array) => void;

export const cryptoRandom: RandomSource = (bytes) => {
  globalThis.crypto.getRandomValues(bytes);
};

/**
 * `length` uniformly random base62 characters. Bytes ≥ 248 are rejected rather than folded with
 * `% 62`, which would make the first characters of the alphabet more likely.
 */
export function randomBase62(length: number, random: RandomSource): string {
  let out = '';
  const bytes = new Uint8Array(length + 16);
  while (out.length < length) {
    random(bytes);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const byte = bytes[i] as number;
      if (byte < 248) out += BASE62_ALPHABET[byte % 62];
    }
  }
  return out;
}

/** `value` (a non-negative integer) in base62, left-padded with `0` to `width` characters. */
export function encodeBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62_ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}
