/**
 * Every error Latchkey throws, by code. Expected outcomes of `verify` are results, not errors
 * (see `VerifyCode`); these are for bad input, missing records and infrastructure faults.
 * Translation to HTTP statuses and tRPC errors happens only at the edges (plugin, request helpers).
 */
export const LATCHKEY_ERROR_CODES = {
  INVALID_INPUT: 'The input is invalid.',
  NOT_FOUND: 'No API key with this id.',
  INVALID_STATE: 'The API key cannot be changed in its current state.',
  STORAGE_UNAVAILABLE: 'The API key storage cannot be reached.',
  KEY_GENERATION_FAILED: 'Could not generate a unique API key.',
  KEY_LIMIT_REACHED: 'This consumer already has as many live API keys as it may.',
} as const;

export type LatchkeyErrorCode = keyof typeof LATCHKEY_ERROR_CODES;

/** One problem with an input, pointing at the offending field. */
export interface InputIssue {
  path: readonly (string | number)[];
  message: string;
}

export interface LatchkeyErrorOptions {
  message?: string;
  issues?: readonly InputIssue[];
  cause?: unknown;
}

export class LatchkeyError extends Error {
  override readonly name = 'LatchkeyError';
  readonly code: LatchkeyErrorCode;
  /** For `INVALID_INPUT`: what is wrong, field by field. */
  readonly issues: readonly InputIssue[];

  constructor(code: LatchkeyErrorCode, options: LatchkeyErrorOptions = {}) {
    super(options.message ?? LATCHKEY_ERROR_CODES[code], { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

/**
 * Checks the code rather than `instanceof`, so that two copies of this package (or an error that
 * crossed a realm) are still recognised.
 */
export function isLatchkeyError(error: unknown, code?: LatchkeyErrorCode): error is LatchkeyError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  if (candidate.name !== 'LatchkeyError' || typeof candidate.code !== 'string') return false;
  if (!(candidate.code in LATCHKEY_ERROR_CODES)) return false;
  return code === undefined || candidate.code === code;
}
