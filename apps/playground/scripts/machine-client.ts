// A machine calling the playground's API with a key: a typed tRPC client (types come from the
// app's router) whose link sends the key and waits out a 429 using `Retry-After`.
//
//   LATCHKEY_KEY=play_… pnpm --filter @latchkey/playground machine-client
import { apiKeyLink } from '@latchkey/trpc-plugin/client';
import { createTRPCClient, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../src/server/router';

const apiKey = process.env.LATCHKEY_KEY;
if (!apiKey) {
  console.error('Set LATCHKEY_KEY to a key created on the Keys page.');
  process.exit(1);
}
const baseUrl = process.env.PLAYGROUND_URL ?? 'http://localhost:3000';
const client = createTRPCClient<AppRouter>({
  links: [apiKeyLink({ url: `${baseUrl}/api/trpc`, apiKey })],
});

try {
  const me = await client.whoami.query();
  console.log(`key ${me.keyId} acts for ${me.consumerId} with [${me.permissions.join(', ')}]`);
  const { invoices } = await client.invoices.list.query();
  console.log(`${invoices.length} invoices:`, invoices.map((invoice) => invoice.id).join(', '));
  const created = await client.invoices.create.mutate({
    customer: 'Machine Co.',
    amountCents: 990,
  });
  console.log('created', created.id);
} catch (error) {
  if (!(error instanceof TRPCClientError)) throw error;
  // `data.latchkeyCode` says why, without parsing messages: MISSING, REVOKED, RATE_LIMITED…
  console.error(`refused: ${error.data?.latchkeyCode ?? error.data?.code} — ${error.message}`);
  process.exitCode = 1;
}
