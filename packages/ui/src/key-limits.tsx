import type { ApiKey, RateLimit } from '@latchkey/core';
import type { ComponentProps } from 'react';
import { countOf } from './format.js';

export type KeyLimitsProps = Omit<ComponentProps<'ul'>, 'children'> & {
  /** The key whose limits are described. */
  apiKey: Pick<ApiKey, 'rateLimits' | 'remaining' | 'refill'>;
  /**
   * The app-wide rate limits (`rateLimits` of `useApiKeyManager()`): those the key does not
   * replace with one of the same name are its limits too.
   */
  defaults?: readonly RateLimit[];
};

const UNITS: readonly [string, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** A span of time in the largest unit it is a whole number of: "minute", "15 minutes". */
function span(ms: number): string {
  for (const [unit, size] of UNITS) {
    if (ms % size === 0) return ms === size ? unit : `${(ms / size).toLocaleString()} ${unit}s`;
  }
  return `${ms.toLocaleString()} ms`;
}

/**
 * A key's limits in words, e.g. "60 calls per minute" and "940 uses left, refilled to 1,000 every
 * day"; nothing for a key without any. As of when the key was read: `remaining` moves with every
 * call.
 */
export function KeyLimits({ apiKey, defaults = [], ...props }: KeyLimitsProps) {
  const own = new Set(apiKey.rateLimits.map((limit) => limit.name));
  const rateLimits = [...defaults.filter((limit) => !own.has(limit.name)), ...apiKey.rateLimits];
  const lines = rateLimits.map((limit) => {
    const named = limit.name === 'default' ? '' : ` for “${limit.name}”`;
    const shared = limit.per === 'consumer' ? ', shared with the other keys' : '';
    return `${countOf(limit.limit, 'call')} per ${span(limit.windowMs)}${named}${shared}`;
  });
  if (apiKey.remaining !== null) {
    const { refill } = apiKey;
    const refilled =
      refill === null
        ? ''
        : `, refilled to ${refill.amount.toLocaleString()} every ${span(refill.intervalMs)}`;
    lines.push(`${countOf(apiKey.remaining, 'use')} left${refilled}`);
  }
  if (lines.length === 0) return null;
  return (
    <ul data-latchkey="" data-slot="key-limits" aria-label="Limits of this key" {...props}>
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}
