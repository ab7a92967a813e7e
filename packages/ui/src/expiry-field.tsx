const DAY = 24 * 60 * 60 * 1000;

/**
 * When a new key stops working, from now; `null` never.
 * @internal
 */
export const EXPIRIES: readonly { label: string; ms: number | null }[] = [
  { label: 'Never', ms: null },
  { label: 'In 7 days', ms: 7 * DAY },
  { label: 'In 30 days', ms: 30 * DAY },
  { label: 'In 90 days', ms: 90 * DAY },
  { label: 'In 1 year', ms: 365 * DAY },
];

/**
 * The choice of a new key's expiry, as an index into `EXPIRIES`.
 * @internal
 */
export function ExpiryField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: number;
  onChange: (value: number) => void;
}) {
  return (
    <div data-slot="field">
      <label htmlFor={id}>Expires</label>
      <select
        id={id}
        name="expiry"
        value={value}
        onChange={(event) => onChange(Number(event.target.value))}
      >
        {EXPIRIES.map((choice, index) => (
          <option key={choice.label} value={index}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );
}
