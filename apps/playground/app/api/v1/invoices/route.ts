import { listInvoices } from '@/server/invoices';
import { latchkey } from '@/server/latchkey-next';

/** A plain route behind `proxy.ts`: the proxy checked the key; `auth()` says for whom. */
export function GET(request: Request): Response {
  const auth = latchkey.auth(request);
  if (auth.consumerId === null) {
    // Only reachable if the proxy did not run for this route: never trust a request without it.
    return Response.json({ error: { code: 'MISSING' } }, { status: 401 });
  }
  if (!auth.has({ permission: 'invoices:read' })) {
    return Response.json(
      { error: { code: 'INSUFFICIENT_PERMISSIONS', message: 'This key lacks invoices:read.' } },
      { status: 403 },
    );
  }
  return Response.json({ consumerId: auth.consumerId, invoices: listInvoices(auth.consumerId) });
}
