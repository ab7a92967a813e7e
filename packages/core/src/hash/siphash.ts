/**
 * SipHash-2-4 with its 128-bit output (Aumasson and Bernstein, 2012): a keyed pseudorandom
 * function, here the index of the verification cache. With a secret random key per process, no
 * one can find another string with the index of a cached key (that would break the PRF), so a
 * cache hit authenticates the key as well as its SHA-256 would, while costing a fraction of the
 * native SHA-256 call in a busy server, and the cache holds no secret and no stored hash.
 *
 * JavaScript has no 64-bit integers that are cheap, so each 64-bit word is two 32-bit halves.
 * Checked against the reference test vectors (siphash.test.ts).
 */

/** The four 32-bit words of a 128-bit output, low word of the first half first. */
export type SipHash128 = [number, number, number, number];

// v0..v3 as [high, low] pairs: v0h, v0l, v1h, v1l, v2h, v2l, v3h, v3l.
const v = new Uint32Array(8);

/** `rounds` SipRounds over `v`. */
function sipRounds(rounds: number): void {
  let v0h = v[0] as number;
  let v0l = v[1] as number;
  let v1h = v[2] as number;
  let v1l = v[3] as number;
  let v2h = v[4] as number;
  let v2l = v[5] as number;
  let v3h = v[6] as number;
  let v3l = v[7] as number;
  let h: number;
  let l: number;
  for (let round = 0; round < rounds; round++) {
    // v0 += v1; v1 <<<= 13; v1 ^= v0; v0 <<<= 32
    l = (v0l + v1l) >>> 0;
    v0h = (v0h + v1h + (l < v0l ? 1 : 0)) >>> 0;
    v0l = l;
    h = ((v1h << 13) | (v1l >>> 19)) >>> 0;
    l = ((v1l << 13) | (v1h >>> 19)) >>> 0;
    v1h = (h ^ v0h) >>> 0;
    v1l = (l ^ v0l) >>> 0;
    h = v0h;
    v0h = v0l;
    v0l = h;
    // v2 += v3; v3 <<<= 16; v3 ^= v2
    l = (v2l + v3l) >>> 0;
    v2h = (v2h + v3h + (l < v2l ? 1 : 0)) >>> 0;
    v2l = l;
    h = ((v3h << 16) | (v3l >>> 16)) >>> 0;
    l = ((v3l << 16) | (v3h >>> 16)) >>> 0;
    v3h = (h ^ v2h) >>> 0;
    v3l = (l ^ v2l) >>> 0;
    // v0 += v3; v3 <<<= 21; v3 ^= v0
    l = (v0l + v3l) >>> 0;
    v0h = (v0h + v3h + (l < v0l ? 1 : 0)) >>> 0;
    v0l = l;
    h = ((v3h << 21) | (v3l >>> 11)) >>> 0;
    l = ((v3l << 21) | (v3h >>> 11)) >>> 0;
    v3h = (h ^ v0h) >>> 0;
    v3l = (l ^ v0l) >>> 0;
    // v2 += v1; v1 <<<= 17; v1 ^= v2; v2 <<<= 32
    l = (v2l + v1l) >>> 0;
    v2h = (v2h + v1h + (l < v2l ? 1 : 0)) >>> 0;
    v2l = l;
    h = ((v1h << 17) | (v1l >>> 15)) >>> 0;
    l = ((v1l << 17) | (v1h >>> 15)) >>> 0;
    v1h = (h ^ v2h) >>> 0;
    v1l = (l ^ v2l) >>> 0;
    h = v2h;
    v2h = v2l;
    v2l = h;
  }
  v[0] = v0h;
  v[1] = v0l;
  v[2] = v1h;
  v[3] = v1l;
  v[4] = v2h;
  v[5] = v2l;
  v[6] = v3h;
  v[7] = v3l;
}

/** Absorbs one message word (`c` = 2 rounds). */
function compress(high: number, low: number): void {
  v[6] = ((v[6] as number) ^ high) >>> 0;
  v[7] = ((v[7] as number) ^ low) >>> 0;
  sipRounds(2);
  v[0] = ((v[0] as number) ^ high) >>> 0;
  v[1] = ((v[1] as number) ^ low) >>> 0;
}

/** Little-endian 32-bit word of `text`'s char codes (all below 256) from `at`, `count` ≤ 4 of them. */
function word(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) value |= text.charCodeAt(at + i) << (8 * i);
  return value >>> 0;
}

/**
 * SipHash-2-4-128 of `text` read as bytes (each char code one byte), under the 128-bit key
 * `key` (four 32-bit words: low and high word of k0, then of k1). `undefined` when a char code is
 * 256 or more: no key is such a string, so it has no index.
 */
export function sipHash128(key: Uint32Array, text: string): SipHash128 | undefined {
  const length = text.length;
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) > 0xff) return undefined;
  const k0l = key[0] as number;
  const k0h = key[1] as number;
  const k1l = key[2] as number;
  const k1h = key[3] as number;
  v[0] = (k0h ^ 0x736f6d65) >>> 0;
  v[1] = (k0l ^ 0x70736575) >>> 0;
  v[2] = (k1h ^ 0x646f7261) >>> 0;
  v[3] = (k1l ^ 0x6e646f6d ^ 0xee) >>> 0; // 0xee: the 128-bit variant
  v[4] = (k0h ^ 0x6c796765) >>> 0;
  v[5] = (k0l ^ 0x6e657261) >>> 0;
  v[6] = (k1h ^ 0x74656462) >>> 0;
  v[7] = (k1l ^ 0x79746573) >>> 0;

  const whole = length - (length % 8);
  for (let at = 0; at < whole; at += 8) compress(word(text, at + 4, 4), word(text, at, 4));
  // The last word: the remaining bytes, and the length's low byte at the top.
  const rest = length - whole;
  const low = word(text, whole, Math.min(rest, 4));
  const high = (rest > 4 ? word(text, whole + 4, rest - 4) : 0) | ((length & 0xff) << 24);
  compress(high >>> 0, low);

  v[5] = ((v[5] as number) ^ 0xee) >>> 0;
  sipRounds(4);
  const firstLow =
    ((v[1] as number) ^ (v[3] as number) ^ (v[5] as number) ^ (v[7] as number)) >>> 0;
  const firstHigh =
    ((v[0] as number) ^ (v[2] as number) ^ (v[4] as number) ^ (v[6] as number)) >>> 0;
  v[3] = ((v[3] as number) ^ 0xdd) >>> 0;
  sipRounds(4);
  const secondLow =
    ((v[1] as number) ^ (v[3] as number) ^ (v[5] as number) ^ (v[7] as number)) >>> 0;
  const secondHigh =
    ((v[0] as number) ^ (v[2] as number) ^ (v[4] as number) ^ (v[6] as number)) >>> 0;
  return [firstLow, firstHigh, secondLow, secondHigh];
}

/**
 * The verification cache's index of a key: SipHash-2-4-128 under a key drawn from `random` once,
 * as an 8-character string. `undefined` for a string that cannot be a key.
 */
export function createKeyIndex(
  random: (bytes: Uint8Array) => void,
): (key: string) => string | undefined {
  const bytes = new Uint8Array(16);
  random(bytes);
  const secret = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    secret[i] =
      ((bytes[i * 4] as number) |
        ((bytes[i * 4 + 1] as number) << 8) |
        ((bytes[i * 4 + 2] as number) << 16) |
        ((bytes[i * 4 + 3] as number) << 24)) >>>
      0;
  }
  return (key) => {
    const index = sipHash128(secret, key);
    if (index === undefined) return undefined;
    const [a, b, c, d] = index;
    return String.fromCharCode(
      a & 0xffff,
      a >>> 16,
      b & 0xffff,
      b >>> 16,
      c & 0xffff,
      c >>> 16,
      d & 0xffff,
      d >>> 16,
    );
  };
}
