export const DAY_MS = 86_400_000;

/** The UTC day of an epoch-ms time, `YYYY-MM-DD`: how usage is counted and read back. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
