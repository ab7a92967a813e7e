import { visuallyHidden } from './visually-hidden.js';

/**
 * One day of a key's usage, as the chart shows it.
 * @internal
 */
export interface UsageBar {
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
  /** The day in words, e.g. "Mar 4". */
  label: string;
  valid: number;
  refused: number;
}

/**
 * The chart's numbers as a table, for screen readers (hidden from the eye).
 * @internal
 */
export function UsageTable({ bars }: { bars: readonly UsageBar[] }) {
  return (
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
  );
}
