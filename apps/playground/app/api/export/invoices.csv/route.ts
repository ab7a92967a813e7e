import { listInvoices } from '@/server/invoices';
import { latchkey } from '@/server/latchkey-next';

/** A file download guarded by the route-handler wrapper instead of the proxy. */
export const GET = latchkey.withApiKey(
  (_request, auth) => {
    const rows = listInvoices(auth.consumerId).map(
      (invoice) => `${invoice.id},${JSON.stringify(invoice.customer)},${invoice.amountCents}`,
    );
    return new Response(['id,customer,amount_cents', ...rows].join('\n'), {
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
  },
  { permissions: ['invoices:read'] },
);
