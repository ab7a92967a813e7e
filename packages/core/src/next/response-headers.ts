/**
 * `response` with `headers` added, except those it already has (the route's own say wins). A
 * response whose headers cannot change (one from `fetch` passed through, `Response.redirect`) is
 * copied first, body and all, without reading the body.
 * @internal
 */
export function withResponseHeaders(
  response: Response,
  headers: Readonly<Record<string, string>>,
): Response {
  const names = Object.keys(headers);
  if (names.length === 0) return response;
  let target = response;
  try {
    addMissing(target.headers, headers, names);
  } catch {
    target = new Response(response.body, response);
    addMissing(target.headers, headers, names);
  }
  return target;
}

function addMissing(
  target: Headers,
  headers: Readonly<Record<string, string>>,
  names: readonly string[],
): void {
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined && !target.has(name)) target.set(name, value);
  }
}
