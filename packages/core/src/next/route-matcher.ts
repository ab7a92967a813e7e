/**
 * A route as `protectedWithKeys` takes it:
 * - a path pattern: `'/api/v1(.*)'` (a parenthesised group is a regular expression),
 *   `'/api/v1/:path*'` (`:name` is one path segment; `*` zero or more, `+` one or more, `?` optional),
 *   `'/webhooks/stripe'` (exact). Whole path, case-sensitive, with or without a trailing slash;
 * - a `RegExp`, tested against the path;
 * - a function of the request.
 */
export type RoutePattern = string | RegExp;
export type RouteMatcherParam =
  | RoutePattern
  | readonly RoutePattern[]
  | ((request: Request) => boolean);

export type RouteMatcher = (request: Request) => boolean;

const PARAMETER = /^:([A-Za-z0-9_]+)([*+?]?)/;

/**
 * Whether a request is on one of the routes. Paths are tested both as sent and percent-decoded
 * (and, on a `NextRequest`, also as `nextUrl` gives them without `basePath`): a route matches when
 * any of them matches, so `/api/%761` cannot slip past `'/api/v1(.*)'`. Patterns are checked once,
 * here: a pattern that cannot work (a bare `*`, an unclosed group) throws a `TypeError` rather than
 * silently protecting nothing.
 */
export function createRouteMatcher(routes: RouteMatcherParam): RouteMatcher {
  if (typeof routes === 'function') return routes;
  const patterns = (Array.isArray(routes) ? routes : [routes]) as readonly RoutePattern[];
  if (patterns.length === 0) throw new TypeError('protectedWithKeys lists no route.');
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' && !(pattern instanceof RegExp)) {
      throw new TypeError(
        `protectedWithKeys takes path patterns, RegExps or a function; got ${JSON.stringify(pattern) ?? String(pattern)}.`,
      );
    }
  }
  const expressions = patterns.map((pattern) =>
    typeof pattern === 'string' ? patternToRegExp(pattern) : pattern,
  );
  return (request) => {
    const paths = pathsOf(request);
    return expressions.some((expression) =>
      paths.some((path) => {
        // A global or sticky RegExp keeps state between tests; reset it so each test is whole.
        expression.lastIndex = 0;
        return expression.test(path);
      }),
    );
  };
}

function pathsOf(request: Request): string[] {
  const paths = [new URL(request.url).pathname];
  const nextUrl = (request as { nextUrl?: { pathname?: unknown } }).nextUrl;
  if (typeof nextUrl?.pathname === 'string') paths.push(nextUrl.pathname);
  for (const path of [...paths]) {
    try {
      paths.push(decodeURIComponent(path));
    } catch {
      // Not valid percent-encoding: the raw path is still tested.
    }
  }
  return paths;
}

/**
 * A route pattern (`/api/v1/:id`, `/api/(.*)`) as an anchored regular expression.
 * @internal
 */
export function patternToRegExp(pattern: string): RegExp {
  if (!pattern.startsWith('/')) {
    throw new TypeError(`Route pattern ${JSON.stringify(pattern)} must start with "/".`);
  }
  let source = '';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i] as string;
    if (char === '(') {
      const end = closingParenthesis(pattern, i);
      source += `(?:${pattern.slice(i + 1, end)})`;
      i = end + 1;
    } else if (char === ':') {
      const match = PARAMETER.exec(pattern.slice(i));
      if (match === null) throw invalid(pattern, 'a ":" must start a parameter name');
      const modifier = match[2] as string;
      // `/:path*` also matches nothing at all, slash included: `/api/:path*` matches `/api`.
      if (source.endsWith('/')) source = `${source.slice(0, -1)}(?:/[^/]+)${modifier}`;
      else source += `(?:[^/]+)${modifier}`;
      i += match[0].length;
    } else if (char === '*' || char === '+' || char === '?' || char === ')') {
      throw invalid(
        pattern,
        `"${char}" is only allowed in a group, e.g. "(.*)", or after a parameter`,
      );
    } else {
      source += char.replace(/[.^$|[\]{}\\]/, '\\$&');
      i++;
    }
  }
  try {
    return new RegExp(`^${source}/?$`);
  } catch (error) {
    throw invalid(pattern, (error as Error).message);
  }
}

function closingParenthesis(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') i++;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return i;
  }
  throw invalid(pattern, 'a group is not closed');
}

function invalid(pattern: string, reason: string): TypeError {
  return new TypeError(`Invalid route pattern ${JSON.stringify(pattern)}: ${reason}.`);
}
