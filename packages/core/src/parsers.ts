import type { InputIssue } from './errors.js';

// Parsers of the few inputs that createApiKeys' options and a verification take, written by hand:
// zod costs a cold start ~100 ms to import, which neither path should pay. Each answers as a zod
// schema's `safeParse` does, with zod's own messages, so that `parseInput` and `parseOption` take
// either, and so that the management schemas (`./schemas.ts`) can reuse them.

/** What `safeParse` answers: the parsed value, or every issue found. */
export type ParseResult<T> =
  | { success: true; data: T }
  | {
      success: false;
      error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
    };

/** A zod schema, or a hand-written parser that answers alike. */
export interface Parser<T> {
  safeParse(input: unknown): ParseResult<T>;
}

type Path = (string | number)[];

/** The type name zod's messages give a value: `received string`, `received NaN`, `received Date`. */
function typeName(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    const maker = (value as { constructor?: { name: string } }).constructor;
    if (prototype !== Object.prototype && 'constructor' in value && maker) return maker.name;
  }
  return typeof value;
}

function wrongType(expected: string, value: unknown, path: Path): InputIssue {
  return { path, message: `Invalid input: expected ${expected}, received ${typeName(value)}` };
}

export interface IntegerBounds {
  min: number;
  max?: number;
  /** The message when under `min`, instead of zod's. */
  minMessage?: string;
  /** The message when over `max`, instead of zod's. */
  maxMessage?: string;
}

/**
 * The issues of `value` as a whole number within `bounds`, as `z.number().int().min().max()`
 * words them, added to `issues`.
 */
function integerIssues(value: unknown, bounds: IntegerBounds, path: Path, issues: InputIssue[]) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.push(wrongType('number', value, path));
    return;
  }
  if (!Number.isInteger(value)) {
    issues.push({ path, message: 'Invalid input: expected int, received number' });
    return;
  }
  if (value > Number.MAX_SAFE_INTEGER) {
    issues.push({ path, message: `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}` });
  } else if (value < Number.MIN_SAFE_INTEGER) {
    issues.push({ path, message: `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}` });
  }
  if (value < bounds.min) {
    issues.push({
      path,
      message: bounds.minMessage ?? `Too small: expected number to be >=${bounds.min}`,
    });
  }
  if (bounds.max !== undefined && value > bounds.max) {
    issues.push({
      path,
      message: bounds.maxMessage ?? `Too big: expected number to be <=${bounds.max}`,
    });
  }
}

function result<T>(value: T, issues: InputIssue[]): ParseResult<T> {
  return issues.length === 0
    ? { success: true, data: value }
    : { success: false, error: { issues } };
}

/** A whole number within `bounds`: `z.number().int().min(min).max(max)`. */
export function integerParser(bounds: IntegerBounds): Parser<number> {
  return {
    safeParse(input) {
      const issues: InputIssue[] = [];
      integerIssues(input, bounds, [], issues);
      return result(input as number, issues);
    },
  };
}

/** An optional string of at least one character: `z.string().min(1).optional()`. */
export const optionalTextParser: Parser<string | undefined> = {
  safeParse(input) {
    if (input === undefined) return { success: true, data: undefined };
    const issues: InputIssue[] = [];
    if (typeof input !== 'string') issues.push(wrongType('string', input, []));
    // zod checks the length of whatever has one, a list or a function too.
    const length = input === null ? undefined : (input as { length?: unknown }).length;
    if (length !== undefined && !((length as number) >= 1)) {
      const origin = typeof input === 'string' ? 'string' : Array.isArray(input) ? 'array' : '';
      const unit = origin === 'string' ? ' characters' : origin === 'array' ? ' items' : '';
      issues.push({
        path: [],
        message: `Too small: expected ${origin || 'unknown'} to ${unit ? 'have' : 'be'} >=1${unit}`,
      });
    }
    return result(input as string, issues);
  },
};

/** A rate limit as the options and the management calls take it, its defaults filled in. */
export interface ParsedRateLimit {
  name: string;
  limit: number;
  windowMs: number;
  per: 'key' | 'consumer';
}

const MAX_RATE_LIMITS = 10;
const RATE_LIMIT_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const RATE_LIMIT_KEYS = new Set(['name', 'limit', 'windowMs', 'per']);
const LIMIT_BOUNDS: IntegerBounds = { min: 1, max: 1_000_000_000 };

/**
 * One rate limit: a strict object whose `name` defaults to `"default"` and `per` to `'key'`;
 * `undefined` when it has issues, which are added to `issues`.
 */
function parseRateLimit(
  input: unknown,
  path: Path,
  windowBounds: IntegerBounds,
  issues: InputIssue[],
): ParsedRateLimit | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    issues.push(wrongType('object', input, path));
    return undefined;
  }
  const before = issues.length;
  const { name = 'default', limit, windowMs, per = 'key' } = input as Record<string, unknown>;
  if (typeof name !== 'string') issues.push(wrongType('string', name, [...path, 'name']));
  else if (!RATE_LIMIT_NAME.test(name)) {
    issues.push({
      path: [...path, 'name'],
      message: 'Rate limit names are 1–64 letters, digits or _ . : -',
    });
  }
  integerIssues(limit, LIMIT_BOUNDS, [...path, 'limit'], issues);
  integerIssues(windowMs, windowBounds, [...path, 'windowMs'], issues);
  if (per !== 'key' && per !== 'consumer') {
    issues.push({
      path: [...path, 'per'],
      message: 'Invalid option: expected one of "key"|"consumer"',
    });
  }
  const unknown: string[] = [];
  // Every enumerable key, inherited ones too, as zod's strict objects read them.
  for (const key in input) if (!RATE_LIMIT_KEYS.has(key)) unknown.push(JSON.stringify(key));
  if (unknown.length > 0) {
    issues.push({
      path,
      message: `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
    });
  }
  if (issues.length > before) return undefined;
  return { name, limit, windowMs, per } as ParsedRateLimit;
}

/**
 * A list of at most 10 rate limits with unique names, each a window of at most
 * `maxWindowMs`.
 */
export function createRateLimitsParser(maxWindowMs: number): Parser<ParsedRateLimit[]> {
  const windowBounds: IntegerBounds = {
    min: 1,
    max: maxWindowMs,
    maxMessage: 'A rate limit window is at most 31 days.',
  };
  return {
    safeParse(input) {
      if (!Array.isArray(input)) return result([], [wrongType('array', input, [])]);
      // Too long a list is refused as such, before its elements are read.
      if (input.length > MAX_RATE_LIMITS) {
        return result([], [{ path: [], message: `At most ${MAX_RATE_LIMITS} rate limits.` }]);
      }
      const issues: InputIssue[] = [];
      const limits: ParsedRateLimit[] = [];
      for (let i = 0; i < input.length; i++) {
        const limit = parseRateLimit(input[i], [i], windowBounds, issues);
        if (limit !== undefined) limits.push(limit);
      }
      const names = limits.map((limit) => limit.name);
      if (issues.length === 0 && new Set(names).size !== names.length) {
        issues.push({ path: [], message: 'Rate limit names must be unique.' });
      }
      return result(limits, issues);
    },
  };
}
