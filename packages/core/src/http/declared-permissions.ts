/**
 * Throws a `TypeError` unless `required` is a list of permissions the app declared. A permission
 * outside the declared ones can be held by no key (`create` refuses it), so a check that requires
 * one answers 403 to every request: a typo that the compiler catches in TypeScript, and that plain
 * JavaScript would otherwise only show as a route that never works. `declared` is `undefined`
 * when the caller's `apiKeys` does not say (a wrapper with `verify` only): nothing to check against.
 *
 * @param caller names the call in the message, e.g. `requireKey({ permissions })`.
 * @throws {TypeError} naming the unknown permission, the closest declared one, and all of them.
 */
export function assertDeclaredPermissions(
  declared: readonly string[] | undefined,
  required: unknown,
  caller: string,
): void {
  if (required === undefined) return;
  if (!Array.isArray(required)) {
    throw new TypeError(
      `Latchkey: ${caller}: permissions must be a list of permission names; got ${describe(required)}.`,
    );
  }
  for (const permission of required) assertDeclaredPermission(declared, permission, caller);
}

/** `assertDeclaredPermissions` for one permission, e.g. the argument of `hasPermission`. */
export function assertDeclaredPermission(
  declared: readonly string[] | undefined,
  permission: unknown,
  caller: string,
): void {
  if (typeof permission !== 'string') {
    throw new TypeError(
      `Latchkey: ${caller}: a permission is a string such as "invoices:read"; got ${describe(permission)}.`,
    );
  }
  if (declared === undefined || declared.includes(permission)) return;
  const suggestion = closest(permission, declared);
  throw new TypeError(
    `Latchkey: ${caller}: ${JSON.stringify(permission)} is not a declared permission, so no key can hold it.` +
      (suggestion === undefined ? '' : ` Did you mean ${JSON.stringify(suggestion)}?`) +
      ` Declared (createApiKeys's \`permissions\`): ${declared.length === 0 ? 'none' : declared.join(', ')}.`,
  );
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The declared permission nearest to `name` by edit distance, if it is near enough to be a typo. */
function closest(name: string, declared: readonly string[]): string | undefined {
  // One edit in four characters, at least two: `invoices:delet` finds `invoices:delete`, while
  // `invoices:delete` does not find `invoices:write`.
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of declared) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
