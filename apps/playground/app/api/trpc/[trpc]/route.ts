import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/router';
import { sessionFromCookieHeader } from '@/server/session';
import type { Context } from '@/server/trpc';

function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    createContext: ({ req, resHeaders }): Context => ({
      headers: req.headers,
      url: req.url,
      resHeaders,
      user: sessionFromCookieHeader(req.headers.get('cookie')),
    }),
  });
}

export { handler as GET, handler as POST };
