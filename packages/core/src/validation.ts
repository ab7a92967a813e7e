import { type InputIssue, LatchkeyError } from './errors.js';
import { createRateLimitsParser, integerParser, type Parser } from './parsers.js';
import { DAY_MS } from './time.js';

/** The longest rate-limit window; the limiter forgets windows older than this. */
export const MAX_RATE_LIMIT_WINDOW_MS = 31 * DAY_MS;

/** Bounds on every input, so that no caller can store unbounded data through Latchkey. */
export const INPUT_LIMITS = {
  nameMaxLength: 100,
  idMaxLength: 255,
  reasonMaxLength: 500,
  metadataMaxBytes: 4096,
  pageSizeDefault: 20,
  pageSizeMax: 100,
  /** The longest grace period `roll` accepts: 30 days. */
  gracePeriodMaxMs: 30 * DAY_MS,
} as const;

/**
 * Parses `input` or throws `INVALID_INPUT` listing every problem; never returns partial data. `at`
 * is where `input` sits in the caller's arguments, for the issues' paths.
 */
export function parseInput<T>(
  schema: Parser<T>,
  input: unknown,
  at: readonly (string | number)[] = [],
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(
    result.error.issues.map((issue) => ({
      path: [
        ...at,
        ...issue.path.filter((part): part is string | number => typeof part !== 'symbol'),
      ],
      message: issue.message,
    })),
  );
}

export function invalidInput(issues: InputIssue[]): LatchkeyError {
  return new LatchkeyError('INVALID_INPUT', {
    message: `Invalid input: ${describeIssues(issues)}`,
    issues,
  });
}

/** Each problem as `path: message`, joined by `; ` (for errors about input and about options). */
export function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  return issues
    .map((issue) => {
      // zod's own messages start "Invalid input: " too; say it once.
      const message = issue.message.replace(/^Invalid input: /, '');
      const path = issue.path.filter((part) => typeof part !== 'symbol');
      return path.length > 0 ? `${path.join('.')}: ${message}` : message;
    })
    .join('; ');
}

/** A rate limit as given by a caller; `name` defaults to `"default"`, `per` to `'key'`. */
export const rateLimitsParser = createRateLimitsParser(MAX_RATE_LIMIT_WINDOW_MS);

/** The cost of one verification: whole units, spent from the rate limit and from `remaining`. */
export const costParser = integerParser({ min: 0, max: 1_000_000 });
