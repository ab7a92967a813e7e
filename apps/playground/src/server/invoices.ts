// The host app's own data, kept in memory for the demo: each team sees only its invoices.

export interface Invoice {
  id: string;
  customer: string;
  amountCents: number;
  createdAt: string;
}

// On globalThis: Next.js bundles each route on its own, and all of them must see the same data.
const globalForInvoices = globalThis as typeof globalThis & {
  playgroundInvoices?: Map<string, Invoice[]>;
};
globalForInvoices.playgroundInvoices ??= new Map<string, Invoice[]>([
  [
    'team_acme',
    [
      { id: 'inv_1001', customer: 'Wile E. Coyote', amountCents: 129_900, createdAt: '2026-10-02' },
      { id: 'inv_1002', customer: 'Road Runner', amountCents: 4_500, createdAt: '2026-11-12' },
    ],
  ],
  [
    'team_globex',
    [{ id: 'inv_2001', customer: 'Hank Scorpio', amountCents: 1_000_000, createdAt: '2026-09-30' }],
  ],
]);
const byTeam = globalForInvoices.playgroundInvoices;

export function listInvoices(teamId: string): Invoice[] {
  return byTeam.get(teamId) ?? [];
}

export function createInvoice(
  teamId: string,
  input: { customer: string; amountCents: number },
): Invoice {
  const invoices = byTeam.get(teamId) ?? [];
  const invoice = {
    id: `inv_${Date.now().toString(36)}${invoices.length}`,
    ...input,
    createdAt: new Date().toISOString().slice(0, 10),
  };
  byTeam.set(teamId, [...invoices, invoice]);
  return invoice;
}
