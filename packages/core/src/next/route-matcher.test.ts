import { describe, expect, it } from 'vitest';
import { createRouteMatcher, patternToRegExp } from './route-matcher.js';

const origin = 'https://app.example.com';
const at = (path: string) => new Request(`${origin}${path}`);

function matches(routes: Parameters<typeof createRouteMatcher>[0], paths: string[]) {
  const isProtected = createRouteMatcher(routes);
  return paths.filter((path) => isProtected(at(path)));
}

describe('createRouteMatcher', () => {
  it('"(.*)" groups are regular expressions', () => {
    expect(
      matches('/api/v1(.*)', ['/api/v1', '/api/v1/', '/api/v1/invoices/7', '/api/v2', '/api']),
    ).toEqual(['/api/v1', '/api/v1/', '/api/v1/invoices/7']);
    expect(matches('/api/(v1|v2)/invoices', ['/api/v1/invoices', '/api/v3/invoices'])).toEqual([
      '/api/v1/invoices',
    ]);
  });

  it('":name" is one segment; *, + and ? as in Next.js matchers', () => {
    const paths = ['/api', '/api/a', '/api/a/b', '/apix'];
    expect(matches('/api/:path*', paths)).toEqual(['/api', '/api/a', '/api/a/b']);
    expect(matches('/api/:path+', paths)).toEqual(['/api/a', '/api/a/b']);
    expect(matches('/api/:path?', paths)).toEqual(['/api', '/api/a']);
    expect(matches('/api/:id', paths)).toEqual(['/api/a']);
    expect(matches('/files/:name.pdf', ['/files/a.pdf', '/files/apdf'])).toEqual(['/files/a.pdf']);
  });

  it('exact paths match the whole path, with or without a trailing slash, and the query is ignored', () => {
    expect(
      matches('/webhooks/stripe', [
        '/webhooks/stripe',
        '/webhooks/stripe/',
        '/webhooks/stripe?x=1',
        '/webhooks/stripe/x',
        '/prefix/webhooks/stripe',
      ]),
    ).toEqual(['/webhooks/stripe', '/webhooks/stripe/', '/webhooks/stripe?x=1']);
  });

  it('takes lists, regular expressions (global ones too) and functions', () => {
    expect(matches(['/a', /^\/b\//], ['/a', '/b/1', '/c'])).toEqual(['/a', '/b/1']);
    expect(matches([/^\/g/g], ['/g', '/g', '/g'])).toEqual(['/g', '/g', '/g']);
    const byHeader = createRouteMatcher((request) => request.headers.has('x-machine'));
    expect(byHeader(new Request(origin, { headers: { 'x-machine': '1' } }))).toBe(true);
    expect(byHeader(at('/'))).toBe(false);
  });

  it('a percent-encoded path cannot slip past a pattern', () => {
    expect(
      matches('/api/v1(.*)', ['/api/%761/invoices', '/%61pi/v1', '/api/v1%2Fx', '/%zz']),
    ).toEqual(['/api/%761/invoices', '/%61pi/v1', '/api/v1%2Fx']);
  });

  it('reads a NextRequest-like nextUrl (the path without basePath) too', () => {
    const request = Object.assign(at('/docs/api/v1/x'), { nextUrl: new URL(`${origin}/api/v1/x`) });
    expect(createRouteMatcher('/api/v1(.*)')(request)).toBe(true);
  });

  it('refuses patterns that would silently protect nothing', () => {
    for (const pattern of [
      '/api/*',
      '/api/v1+',
      'api/v1',
      '/api/(.*',
      '/api/:',
      '/a)',
      '/api/([)',
    ]) {
      expect(() => patternToRegExp(pattern), pattern).toThrow(TypeError);
    }
    // Nor a list with no route, or something that is not a route at all, as a JavaScript caller
    // or a misread configuration may pass.
    for (const routes of [[], undefined, null, {}, [42]]) {
      expect(() => createRouteMatcher(routes as never), String(routes)).toThrow(TypeError);
    }
  });

  it('escapes regular-expression characters outside groups', () => {
    expect(matches('/a.b', ['/a.b', '/axb'])).toEqual(['/a.b']);
    expect(matches('/price$', ['/price$'])).toEqual(['/price$']);
  });
});
