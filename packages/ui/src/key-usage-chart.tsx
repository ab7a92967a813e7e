import type { UsageDay } from '@latchkey/core';
import type { ComponentProps } from 'react';
import { countOf, formatDay } from './format.js';
import { LoadedPart } from './loaded-part.js';
import { UsageBars } from './usage-bars.js';
import { type UsageBar, UsageTable } from './usage-table.js';

export type KeyUsageChartProps = Omit<ComponentProps<'div'>, 'children'> & {
  /** One entry per UTC day, oldest first (the `days` of `useApiKeyUsage`). */
  days: readonly UsageDay[];
  /** Shows the loading state instead of the chart. */
  isLoading?: boolean;
  /** Why the usage could not be loaded; shown in words instead of the chart. */
  error?: unknown;
  /** Offered with the error, to try again. */
  onRetry?: () => void;
};

/**
 * Verifications of one key per day, valid and refused stacked, as an inline SVG with the same
 * numbers in a table for screen readers; or the loading, error or empty state.
 */
export function KeyUsageChart({
  days,
  isLoading = false,
  error,
  onRetry,
  ...props
}: KeyUsageChartProps) {
  const span = days.length === 1 ? 'today' : `in the last ${days.length} days`;
  const bars: UsageBar[] = days.map((day) => {
    const valid = day.counts.VALID ?? 0;
    return { date: day.date, label: formatDay(day.date), valid, refused: day.total - valid };
  });
  const total = days.reduce((sum, day) => sum + day.total, 0);
  const refused = bars.reduce((sum, day) => sum + day.refused, 0);
  return (
    <LoadedPart
      part="key-usage"
      what="usage"
      isLoading={isLoading}
      error={error}
      onRetry={onRetry}
      isEmpty={total === 0}
      empty={<>No verifications {span}.</>}
      {...props}
    >
      {() => (
        <figure data-slot="key-usage-figure">
          <figcaption data-slot="key-usage-summary">
            {countOf(total, 'verification')} {span}, {refused.toLocaleString()} refused
          </figcaption>
          <UsageBars bars={bars} />
          <div data-slot="key-usage-axis" aria-hidden="true">
            <span>{bars[0]?.label}</span>
            <span>{bars.at(-1)?.label}</span>
          </div>
          <ul data-slot="key-usage-legend" aria-hidden="true">
            <li data-kind="valid">Valid</li>
            <li data-kind="refused">Refused</li>
          </ul>
          <UsageTable bars={bars} />
        </figure>
      )}
    </LoadedPart>
  );
}
