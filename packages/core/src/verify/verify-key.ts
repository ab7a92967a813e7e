import { MAX_KEY_LENGTH } from '../key-format.js';
import type { VerifyOptions, VerifyResult } from '../types.js';
import { accept, MALFORMED, NOT_FOUND } from './answers.js';
import { checkKeyState, checkPermissions, checkRateLimit, isOwnKey } from './checks.js';
import type { VerifierContext } from './context.js';
import { loadKey } from './load-key.js';
import { spendUsage } from './spend-usage.js';
import { track } from './underway.js';

// Where each code is decided:
//   MALFORMED                    here (not a string, too long); checks.ts `isOwnKey` (prefix,
//                                shape, checksum)
//   NOT_FOUND                    here (no such key stored); spend-usage.ts (deleted since read)
//   REVOKED, DISABLED, EXPIRED   checks.ts `checkKeyState`; spend-usage.ts (changed in storage
//                                since this process read it)
//   INSUFFICIENT_PERMISSIONS     checks.ts `checkPermissions`
//   RATE_LIMITED                 checks.ts `checkRateLimit`, by the rate limiter's decision
//   USAGE_EXCEEDED               spend-usage.ts, by the usage limiter's spend
//   VALID                        answers.ts `accept`

/**
 * The hot path. Checks, in order: the cache, by the key's index (SipHash) → on a miss, prefix,
 * shape and checksum → SHA-256 → storage → then revoked / disabled / expired → permissions → rate
 * limit → usage (whose spend checks revoked / disabled / expired again, in storage). A call that
 * fails a check spends nothing from a later one. A cached key with no usage limit costs no
 * SHA-256, no I/O, no write and, without a rate limit, no allocation (`verifyKey` adds the promise
 * its API returns; `verifyCached` not even that).
 */
export async function verifyKey<P extends string>(
  context: VerifierContext,
  key: unknown,
  options: VerifyOptions<P> | undefined,
): Promise<VerifyResult<P>> {
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH) return MALFORMED;
  const now = context.clock();
  const keyIndex = context.index(key);
  if (keyIndex === undefined) return MALFORMED;
  let record = context.cache.get(keyIndex, now) ?? null;
  if (record === null) {
    // A cache hit is a stored key of this instance, so the key is well-formed and its own;
    // anything else is checked before it is hashed and storage is touched.
    if (!isOwnKey(context.prefixes, key)) return MALFORMED;
    context.admit();
    record = await loadKey(context, context.hash(key), keyIndex);
    if (record === null) return NOT_FOUND;
  } else if (record.usageLimited) {
    context.admit(); // its spend is new storage work (after a read, the spend is part of the read's call)
  }
  const refusal =
    checkKeyState(context, record, now) ?? checkPermissions(context, record, options, now);
  if (refusal !== undefined) return refusal;
  let pass = checkRateLimit(context, record, options, now, true);
  if (pass instanceof Promise) pass = await pass; // only a limiter that must ask storage
  if ('valid' in pass) return pass;
  if (!record.usageLimited) return accept<P>(context, record, pass, now, undefined);
  return track(context, spendUsage<P>(context, record, keyIndex, pass, now));
}

/**
 * The result when no storage is needed to reach it: a malformed key, or a key in this process's
 * cache without a usage limit (and, unless the rate limiter always answers at once, without a
 * rate limit this call spends). `undefined`, having done nothing, when storage must be read or
 * written: then `verifyKey` gives the answer. No promise, no I/O, no write.
 */
export function verifyCached<P extends string>(
  context: VerifierContext,
  key: unknown,
  options: VerifyOptions<P> | undefined,
): VerifyResult<P> | undefined {
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH) return MALFORMED;
  const now = context.clock();
  const keyIndex = context.index(key);
  const record = keyIndex === undefined ? undefined : context.cache.get(keyIndex, now);
  if (record === undefined) return isOwnKey(context.prefixes, key) ? undefined : MALFORMED;
  if (record.usageLimited) return undefined;
  const refusal =
    checkKeyState(context, record, now) ?? checkPermissions(context, record, options, now);
  if (refusal !== undefined) return refusal;
  const pass = checkRateLimit(context, record, options, now, false);
  if (pass === undefined || 'valid' in pass) return pass;
  return accept<P>(context, record, pass, now, undefined);
}
