import type { ApiKeysContext } from '../api-keys-context.js';
import type { VerifiedKey, VerifyFailureCode } from '../types.js';
import { invalidInput } from '../validation.js';

type RefundCode = Exclude<VerifyFailureCode, 'MALFORMED' | 'NOT_FOUND'>;

/** What `refund` may count a call under: a refusal that comes after a valid verification. */
const REFUND_CODES: ReadonlySet<RefundCode> = new Set([
  'INSUFFICIENT_PERMISSIONS',
  'REVOKED',
  'EXPIRED',
  'DISABLED',
  'RATE_LIMITED',
  'USAGE_EXCEEDED',
]);

/** `apiKeys.refund`: gives back what a valid verification spent, counted under `code`. */
export async function refund(
  context: ApiKeysContext<string>,
  result: VerifiedKey,
  code: RefundCode | undefined,
): Promise<void> {
  // The code the call is counted under: a refusal of a known key, never `VALID` or a name
  // that is no code (which would be counted as one, or vanish as `__proto__`).
  if (code !== undefined && !REFUND_CODES.has(code)) {
    throw invalidInput([
      { path: ['code'], message: `Must be one of ${[...REFUND_CODES].join(', ')}.` },
    ]);
  }
  return context.verifier.refund(result, code);
}
