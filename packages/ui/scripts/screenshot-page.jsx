// The page that `screenshot.mjs` photographs: a host app's client, as the README shows it.
import { QueryClient } from '@tanstack/react-query';
import { httpBatchLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import { createRoot } from 'react-dom/client';
import { createApiKeyUI } from '../src/index.ts';

const trpc = createTRPCReact();
const { ApiKeyManager } = createApiKeyUI(trpc.apiKeys);

const queryClient = new QueryClient();
const client = trpc.createClient({ links: [httpBatchLink({ url: '/trpc' })] });

const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <trpc.Provider client={client} queryClient={queryClient}>
      <ApiKeyManager />
    </trpc.Provider>,
  );
}
