import { encodeBase62, type RandomSource, randomBase62 } from './base62.js';
import { crc32 } from './crc32.js';

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

const MAX_KEY_LENGTH = MAX_PREFIX_LENGTH + 1 + KEY_BODY_LENGTH;
const WHOLE_KEY = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*_[0-9A-Za-z]{36}$/;

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
 * True when `key` has the shape of a key and its checksum holds. Cheap (no allocation beyond the
 * checksum string) and total: any value, of any type or length, gives a boolean.
 */
export function isWellFormed(key: unknown): key is string {
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH || !WHOLE_KEY.test(key)) return false;
  const split = key.length - KEY_CHECKSUM_LENGTH;
  return key.endsWith(checksumOf(key.slice(0, split)));
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
