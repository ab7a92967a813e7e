import { BASE62_ALPHABET, encodeBase62, type RandomSource, randomBase62 } from './base62.js';
import { CRC32_TABLE, crc32 } from './crc32.js';

/** Random base62 characters in a key body (≈178 bits). */
export const KEY_RANDOM_LENGTH = 30;
/** Base62 characters of the CRC-32 checksum at the end of a key body. */
export const KEY_CHECKSUM_LENGTH = 6;
export const KEY_BODY_LENGTH = KEY_RANDOM_LENGTH + KEY_CHECKSUM_LENGTH;
export const MAX_PREFIX_LENGTH = 32;
/** Characters of the body kept (after the prefix) in a record's `start`, for display. */
export const KEY_START_LENGTH = 4;

/** A prefix: lower-case letters and digits, starting with a letter, optionally `_`-separated (`acme_live`). */
export const PREFIX_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * Any Latchkey key, for secret scanners: `<prefix>_<36 base62>`. A match is a real key when its
 * checksum holds (`isWellFormed`). For one app's keys use `keyPattern('acme')`.
 */
export const KEY_PATTERN = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*_[0-9A-Za-z]{36}\b/;

/** No key is longer: anything longer is rejected before any other work. */
export const MAX_KEY_LENGTH = MAX_PREFIX_LENGTH + 1 + KEY_BODY_LENGTH;
const UNDERSCORE = 95;

/** Base62 digit value by char code, -1 for anything else. */
const BASE62_VALUE = /* @__PURE__ */ (() => {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE62_ALPHABET.length; i++) values[BASE62_ALPHABET.charCodeAt(i)] = i;
  return values;
})();

export interface ParsedKey {
  prefix: string;
  /** The 30 random characters. */
  random: string;
  checksum: string;
}

/** The regular expression matching exactly the keys of one prefix, e.g. `keyPattern('acme_live')`. */
export function keyPattern(prefix: string): RegExp {
  assertPrefix(prefix);
  return new RegExp(`\\b${prefix}_[0-9A-Za-z]{${KEY_BODY_LENGTH}}\\b`);
}

export function assertPrefix(prefix: string): void {
  if (prefix.length > MAX_PREFIX_LENGTH || !PREFIX_PATTERN.test(prefix)) {
    throw new TypeError(
      `Invalid key prefix ${JSON.stringify(prefix)}: use 1–${MAX_PREFIX_LENGTH} lower-case letters and digits starting with a letter, optionally separated by "_" (e.g. "acme" or "acme_live").`,
    );
  }
}

export function checksumOf(prefixAndRandom: string): string {
  return encodeBase62(crc32(prefixAndRandom), KEY_CHECKSUM_LENGTH);
}

/** A new key `<prefix>_<30 random base62><6 base62 checksum>`. */
export function generateKey(prefix: string, random: RandomSource): string {
  const head = `${prefix}_${randomBase62(KEY_RANDOM_LENGTH, random)}`;
  return head + checksumOf(head);
}

/**
 * True when `key` has the shape of a key and its checksum holds. Total (any value, of any type or
 * length, gives a boolean) and on every verification, so it is one pass over the characters that
 * checks the shape and folds the CRC at once, and allocates nothing: the equivalent regular
 * expression plus checksum string cost as much as the SHA-256 that follows.
 */
export function isWellFormed(key: unknown): key is string {
  if (typeof key !== 'string') return false;
  const length = key.length;
  if (length < KEY_BODY_LENGTH + 2 || length > MAX_KEY_LENGTH) return false;
  const bodyStart = length - KEY_BODY_LENGTH;
  const checksumStart = length - KEY_CHECKSUM_LENGTH;
  let crc = 0xffffffff;
  let previous = UNDERSCORE; // the prefix starts with a letter, as if after a separator
  for (let i = 0; i < bodyStart; i++) {
    const code = key.charCodeAt(i);
    if (code === UNDERSCORE) {
      if (previous === UNDERSCORE) return false; // an empty segment, or a leading `_`
    } else if (code >= 48 && code <= 57) {
      if (i === 0) return false; // the prefix starts with a letter
    } else if (code < 97 || code > 122) {
      return false;
    }
    crc = (CRC32_TABLE[(crc ^ code) & 0xff] as number) ^ (crc >>> 8);
    previous = code;
  }
  if (previous !== UNDERSCORE) return false; // the body follows the last `_`
  for (let i = bodyStart; i < checksumStart; i++) {
    const code = key.charCodeAt(i);
    if (code > 127 || (BASE62_VALUE[code] as number) < 0) return false;
    crc = (CRC32_TABLE[(crc ^ code) & 0xff] as number) ^ (crc >>> 8);
  }
  let checksum = 0;
  for (let i = checksumStart; i < length; i++) {
    const code = key.charCodeAt(i);
    const value = code > 127 ? -1 : (BASE62_VALUE[code] as number);
    if (value < 0) return false;
    checksum = checksum * 62 + value;
  }
  return checksum === (crc ^ 0xffffffff) >>> 0;
}

/**
 * Whether well-formed `key` has exactly `prefix`: everything before its last 37 characters (`_`
 * and the body), so `acme_live` is neither `acme` nor `acme_live_eu`. Allocates nothing, for the
 * verification path.
 */
export function hasPrefix(key: string, prefix: string): boolean {
  return key.length === prefix.length + 1 + KEY_BODY_LENGTH && key.startsWith(prefix);
}

/** The parts of a well-formed key, or `null` for anything else (bad shape or checksum). */
export function parseKey(key: unknown): ParsedKey | null {
  if (!isWellFormed(key)) return null;
  const bodyStart = key.length - KEY_BODY_LENGTH;
  return {
    prefix: key.slice(0, bodyStart - 1),
    random: key.slice(bodyStart, key.length - KEY_CHECKSUM_LENGTH),
    checksum: key.slice(key.length - KEY_CHECKSUM_LENGTH),
  };
}

/** What a record keeps for display: the prefix and first body characters, and the last four. */
export function displayParts(key: string): { start: string; last4: string } {
  const bodyStart = key.length - KEY_BODY_LENGTH;
  return { start: key.slice(0, bodyStart + KEY_START_LENGTH), last4: key.slice(-4) };
}
