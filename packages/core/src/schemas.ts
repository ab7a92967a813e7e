import { z } from 'zod';
import type { JsonObject } from './json.js';
import { DAY_MS } from './time.js';
import { INPUT_LIMITS, rateLimitsParser } from './validation.js';

// The zod schemas of the management calls' inputs, loaded with them on first use (see
// `operations/management.ts`): zod is no part of verifying a key. Some are public, through
// `@latchkey/core/schemas`.

// Control characters, the line and paragraph separators (a line break by another name), and the
// bidirectional embeddings, overrides and isolates that make text display other than it reads
// (not the marks LRM, RLM and ALM, which right-to-left text holds).
const CONTROL_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// Characters that show as nothing (Unicode's default-ignorable ones: zero-width space, word
// joiner, soft hyphen, fillers, byte-order mark…) and the interlinear annotation marks: in a name
// they only make two names that look alike differ. Not ZWJ and ZWNJ, variation selectors and tag
// characters, with which emoji, flags and several scripts are written, nor the direction marks
// (LRM, RLM, ALM) that right-to-left text holds.
const INVISIBLE_CHARACTERS =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: code points are matched one by one
  /(?![\u061c\u200c-\u200f\ufe00-\ufe0f\u{e0020}-\u{e007f}\u{e0100}-\u{e01ef}])[\p{Default_Ignorable_Code_Point}\ufff9-\ufffb]/u;
// A character that shows: neither white space, nor one ignored in display, nor the blank
// braille pattern, which looks like a space.
const VISIBLE_CHARACTER = /[^\s\p{Default_Ignorable_Code_Point}\u2800]/u;
// Line breaks (the line and paragraph separators too, as pasted text may hold them) and tabs,
// which free text may hold besides.
const LINE_BREAKS_AND_TABS = /[\t\n\u2028\u2029]/g;
// Half of a surrogate pair alone: not Unicode text. Stored, it would come back as U+FFFD, so two
// different strings would become one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NOT_UNICODE = 'Must be well-formed Unicode text.';
const isUnicode = (text: string) => !LONE_SURROGATE.test(text);
const MAX_TIMESTAMP = 8.64e15;

export const nameSchema = z
  .string()
  .trim()
  .min(1, { error: 'Name must not be empty.' })
  .max(INPUT_LIMITS.nameMaxLength, {
    error: `Name must be at most ${INPUT_LIMITS.nameMaxLength} characters.`,
  })
  .refine((name) => !CONTROL_CHARACTERS.test(name), {
    error: 'Name must not contain control characters.',
  })
  .refine((name) => !INVISIBLE_CHARACTERS.test(name), {
    error: 'Name must not contain invisible characters.',
  })
  .refine((name) => VISIBLE_CHARACTER.test(name), {
    error: 'Name must contain a visible character.',
  })
  .refine(isUnicode, { error: NOT_UNICODE });

/** A consumer, owner or actor id of the host app. */
export const externalIdSchema = z
  .string()
  .min(1, { error: 'Must not be empty.' })
  .max(INPUT_LIMITS.idMaxLength, {
    error: `Must be at most ${INPUT_LIMITS.idMaxLength} characters.`,
  })
  .refine(isUnicode, { error: NOT_UNICODE });

export const reasonSchema = z
  .string()
  .trim()
  .max(INPUT_LIMITS.reasonMaxLength, {
    error: `Reason must be at most ${INPUT_LIMITS.reasonMaxLength} characters.`,
  })
  .refine((reason) => !CONTROL_CHARACTERS.test(reason.replace(LINE_BREAKS_AND_TABS, '')), {
    error: 'Reason must not contain control characters.',
  })
  .refine(isUnicode, { error: NOT_UNICODE });

const utf8 = new TextEncoder();
const METADATA_TOO_LARGE = `Metadata must be at most ${INPUT_LIMITS.metadataMaxBytes} bytes as JSON.`;
/** Deep enough for any structured metadata; a bound, so that checking it never exhausts the stack. */
const MAX_METADATA_DEPTH = 32;

/**
 * A JSON object of at most `metadataMaxBytes` once serialised and `MAX_METADATA_DEPTH` levels
 * deep, holding only JSON values and Unicode text (an object's property may be `undefined`: it is
 * left out). Returned as a copy made from its JSON, so later changes to the caller's object change
 * nothing stored.
 */
export const metadataSchema = z.unknown().transform((value, ctx): JsonObject => {
  let serialised: string | undefined;
  try {
    serialised = JSON.stringify(value);
  } catch {
    serialised = undefined;
  }
  if (
    serialised === undefined ||
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value)
  ) {
    ctx.addIssue({ code: 'custom', message: 'Metadata must be a JSON object.' });
    return z.NEVER;
  }
  if (utf8.encode(serialised).length > INPUT_LIMITS.metadataMaxBytes) {
    ctx.addIssue({ code: 'custom', message: METADATA_TOO_LARGE });
    return z.NEVER;
  }
  // What is stored is the copy made from the JSON, which `toJSON` or a getter can make other than
  // the object given: both must pass.
  const copy: unknown = JSON.parse(serialised);
  const problem = metadataProblem(value) ?? metadataProblem(copy as object);
  if (problem !== undefined) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return copy as JsonObject;
});

/** What is wrong with a metadata value, if anything: a walk with its own stack, not recursion. */
function metadataProblem(metadata: object): string | undefined {
  const pending: [value: unknown, depth: number][] = [[metadata, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (value === null || typeof value === 'boolean') continue;
    if (typeof value === 'string') {
      if (!isUnicode(value)) return `Metadata text must be well-formed Unicode.`;
      continue;
    }
    if (typeof value === 'number' && Number.isFinite(value)) continue;
    const prototype = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
    if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
      return 'Metadata must hold only JSON values (strings, finite numbers, booleans, null, arrays, plain objects).';
    }
    if (depth > MAX_METADATA_DEPTH) {
      return `Metadata must be at most ${MAX_METADATA_DEPTH} levels deep.`;
    }
    if (Array.isArray(value)) {
      // Each element is at least a byte of JSON: a longer list (its JSON made small by `toJSON`)
      // is refused before its indices are walked.
      if (value.length > INPUT_LIMITS.metadataMaxBytes) return METADATA_TOO_LARGE;
      // Every index, holes included: JSON would turn a hole or `undefined` into `null`, so both
      // are refused.
      for (let i = 0; i < value.length; i++) pending.push([value[i], depth + 1]);
      continue;
    }
    for (const [key, child] of Object.entries(value as object)) {
      // A property left `undefined` (an optional field spread in) is dropped, as JSON and tRPC
      // over HTTP drop it.
      if (child === undefined) continue;
      // JSON.parse makes `__proto__` an ordinary key, which most code reading it back would not.
      if (key === '__proto__') return 'Metadata keys must not be `__proto__`.';
      if (!isUnicode(key)) return 'Metadata keys must be well-formed Unicode.';
      pending.push([child, depth + 1]);
    }
  }
  return undefined;
}

const TIMESTAMP_ERROR = 'Must be a valid date or a whole number of epoch milliseconds.';

/** A point in time as a `Date` or epoch milliseconds; parsed to epoch milliseconds. */
export const timestampSchema = z
  .union([z.date(), z.number()], { error: TIMESTAMP_ERROR })
  .transform((value) => (typeof value === 'number' ? value : value.getTime()))
  .refine((ms) => Number.isInteger(ms) && Math.abs(ms) <= MAX_TIMESTAMP, {
    error: TIMESTAMP_ERROR,
  });

export const cursorSchema = z.string().max(512);

export const pageSizeSchema = z
  .number()
  .int()
  .min(1)
  .max(INPUT_LIMITS.pageSizeMax, { error: `At most ${INPUT_LIMITS.pageSizeMax} per page.` });

export const gracePeriodSchema = z
  .number()
  .int()
  .min(0, { error: 'Grace period must not be negative.' })
  .max(INPUT_LIMITS.gracePeriodMaxMs, { error: 'Grace period must be at most 30 days.' });

/** A list of the app's declared permissions, without duplicates. */
export function permissionsSchema<P extends string>(declared: readonly P[]) {
  const known = new Set<string>(declared);
  return z
    .array(z.string())
    .max(Math.max(declared.length, 1) * 4, { error: 'Too many permissions.' })
    .superRefine((list, ctx) => {
      list.forEach((permission, index) => {
        if (!known.has(permission)) {
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `Unknown permission ${JSON.stringify(permission.slice(0, 100))}; declared: ${declared.join(', ') || '(none)'}.`,
          });
        }
      });
    })
    .transform((list) => [...new Set(list)] as P[]);
}

/** The rate limits a key is given: `rateLimitsParser`'s rules, in a zod schema. */
export const rateLimitsSchema = z.array(z.unknown()).transform((input, ctx) => {
  const parsed = rateLimitsParser.safeParse(input);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
  }
  return z.NEVER;
});

/** Uses left for a usage-limited key. */
export const remainingSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Reset `remaining` to `amount` every `intervalMs` (at least a second). */
export const refillSchema = z.strictObject({
  amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  intervalMs: z
    .number()
    .int()
    .min(1000, { error: 'A refill interval is at least 1000 ms.' })
    .max(366 * DAY_MS),
});
