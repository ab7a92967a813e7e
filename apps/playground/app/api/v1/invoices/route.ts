import { failureOf, failureResponseParts, type RequestAuthFailure } from '@latchkey/core/http';
import { listInvoices } from '@/server/invoices';
import { latchkey } from '@/server/latchkey-next';

/** A plain route behind `proxy.ts`: the proxy checked the key; `auth()` says for whom. */
export function GET(request: Request): Response {
  const auth = latchkey.auth(request);
  if (auth.consumerId === null) {
    // Only reachable if the proxy did not run for this route: never trust a request without it.
    return refusal(failureOf('MISSING'));
  }
  if (!auth.has({ permission: 'invoices:read' })) {
    return refusal({
      ...failureOf('INSUFFICIENT_PERMISSIONS'),
      missingPermissions: ['invoices:read'],
    });
  }
  return Response.json({ consumerId: auth.consumerId, invoices: listInvoices(auth.consumerId) });
}

/** Latchkey's answer to a refusal: its status, `WWW-Authenticate`, `Cache-Control` and JSON. */
function refusal(failure: RequestAuthFailure): Response {
  const { status, headers, body } = failureResponseParts(failure);
  return new Response(body, { status, headers });
}
