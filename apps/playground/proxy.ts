import { type NextRequest, NextResponse } from 'next/server';
import { latchkey } from '@/server/latchkey-next';
import { SESSION_COOKIE } from '@/server/session';

/**
 * The host app's own proxy logic, for everything that is not an API route: here an optimistic
 * check that sends visitors without a session cookie to the sign-in page (the pages check the
 * session properly on the server).
 */
function sessionProxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  return NextResponse.redirect(new URL('/', request.url));
}

/**
 * One proxy for users and machines: `/api/v1/*` needs an API key (refused here with 401, 403 or
 * 429, or handed on, signed, to the route, which reads it with `latchkey.auth(request)`); the
 * other matched routes go to the session check above, untouched.
 */
export const proxy = latchkey.proxy(
  {
    protectedWithKeys: ['/api/v1/(.*)'],
    next: (init) => NextResponse.next(init),
  },
  sessionProxy,
);

export const config = {
  matcher: ['/api/v1/:path*', '/keys', '/hooks', '/try'],
};
