import type { UsageDay } from '@latchkey/core';
import type { ComponentProps, ReactNode } from 'react';
import { errorMessage } from './error-message.js';
import { countOf, formatDay } from './format.js';
import { visuallyHidden } from './visually-hidden.js';

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

// Each day is a slot 10 units wide and 100 high in the SVG's own coordinates; the SVG stretches
// to the width the stylesheet gives it.
const SLOT = 10;
const BAR = 8;
const HEIGHT = 100;

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
  const bars = days.map((day) => {
    const valid = day.counts.VALID ?? 0;
    return { date: day.date, label: formatDay(day.date), valid, refused: day.total - valid };
  });
  const total = days.reduce((sum, day) => sum + day.total, 0);
  const refused = bars.reduce((sum, day) => sum + day.refused, 0);
  const highest = Math.max(...days.map((day) => day.total));

  let content: ReactNode;
  if (error !== undefined && error !== null) {
    content = (
      <div role="alert" data-slot="key-usage-error">
        <p>Could not load usage. {errorMessage(error)}</p>
        {onRetry === undefined ? null : (
          <button type="button" data-slot="button" data-variant="secondary" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    );
  } else if (isLoading) {
    content = (
      <p role="status" data-slot="key-usage-loading">
        Loading usage…
      </p>
    );
  } else if (total === 0) {
    content = <p data-slot="key-usage-empty">No verifications {span}.</p>;
  } else {
    content = (
      <figure data-slot="key-usage-figure">
        <figcaption data-slot="key-usage-summary">
          {countOf(total, 'verification')} {span}, {refused.toLocaleString()} refused
        </figcaption>
        {/* Hidden from screen readers, which get the table below; each bar's title is a tooltip. */}
        <svg
          data-slot="key-usage-bars"
          viewBox={`0 0 ${days.length * SLOT} ${HEIGHT}`}
          preserveAspectRatio="none"
          width="100%"
          height="96"
          aria-hidden="true"
          focusable="false"
        >
          {bars.map((day, index) => {
            const validHeight = (day.valid / highest) * HEIGHT;
            const refusedHeight = (day.refused / highest) * HEIGHT;
            const x = index * SLOT + (SLOT - BAR) / 2;
            return (
              <g key={day.date}>
                <title>{`${day.label}: ${day.valid} valid, ${day.refused} refused`}</title>
                {/* the whole slot shows the tooltip, so that a short bar's is easy to reach */}
                <rect x={index * SLOT} y={0} width={SLOT} height={HEIGHT} fill="transparent" />
                <rect
                  data-slot="key-usage-valid"
                  x={x}
                  y={HEIGHT - validHeight}
                  width={BAR}
                  height={validHeight}
                />
                <rect
                  data-slot="key-usage-refused"
                  x={x}
                  y={HEIGHT - validHeight - refusedHeight}
                  width={BAR}
                  height={refusedHeight}
                />
              </g>
            );
          })}
        </svg>
        <div data-slot="key-usage-axis" aria-hidden="true">
          <span>{bars[0]?.label}</span>
          <span>{bars.at(-1)?.label}</span>
        </div>
        <ul data-slot="key-usage-legend" aria-hidden="true">
          <li data-kind="valid">Valid</li>
          <li data-kind="refused">Refused</li>
        </ul>
        <table style={visuallyHidden}>
          <caption>Verifications per day (UTC)</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Valid</th>
              <th scope="col">Refused</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((day) => (
              <tr key={day.date}>
                <th scope="row">
                  <time dateTime={day.date}>{day.label}</time>
                </th>
                <td>{day.valid}</td>
                <td>{day.refused}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </figure>
    );
  }
  return (
    <div data-latchkey="" data-slot="key-usage" aria-busy={isLoading} {...props}>
      {content}
    </div>
  );
}
