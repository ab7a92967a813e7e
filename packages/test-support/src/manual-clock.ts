/** A clock the test moves by hand, for `createApiKeys({ clock })`: expiry and windows without sleeps. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
