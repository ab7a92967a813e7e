'use client';

import { useEffect, useState } from 'react';

const PLACEHOLDER = 'play_…';

export function TryScreen() {
  const [key, setKey] = useState('');
  const [origin, setOrigin] = useState('http://localhost:3000');
  useEffect(() => setOrigin(window.location.origin), []);
  const shown = key.trim() === '' ? PLACEHOLDER : key.trim();
  const auth = `-H "Authorization: Bearer ${shown}"`;

  return (
    <>
      <label>
        Your key
        <input
          type="password"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          placeholder="play_…"
          autoComplete="off"
          spellCheck={false}
        />
      </label>

      <h2>tRPC procedures</h2>
      <p>
        <code>invoices.list</code> needs <code>invoices:read</code>:
      </p>
      <pre data-testid="curl-list">{`curl -s ${auth} \\\n  ${origin}/api/trpc/invoices.list`}</pre>
      <p>
        <code>invoices.create</code> needs <code>invoices:write</code> (403 without it):
      </p>
      <pre data-testid="curl-create">
        {`curl -s -X POST ${auth} \\\n  -H "Content-Type: application/json" \\\n  -d '{"customer":"Acme Rockets","amountCents":4200}' \\\n  ${origin}/api/trpc/invoices.create`}
      </pre>
      <p>
        <code>whoami</code> needs any valid key. Without one, or with a revoked one, every call
        answers 401 with <code>WWW-Authenticate: Bearer</code>; over the team’s rate limit (60 per
        minute, shared by its keys), 429 with <code>Retry-After</code>.
      </p>
      <pre>{`curl -si ${auth} ${origin}/api/trpc/whoami`}</pre>

      <h2>A plain route handler</h2>
      <p>
        Not every endpoint is a tRPC procedure: <code>/api/v1/invoices</code> is an ordinary Next.js
        route, protected by Latchkey in <code>proxy.ts</code>.
      </p>
      <pre>{`curl -s ${auth} ${origin}/api/v1/invoices`}</pre>

      <h2>A typed machine client</h2>
      <p>
        <code>apps/playground/scripts/machine-client.ts</code> calls the same procedures with{' '}
        <code>@trpc/client</code>, fully typed from the app’s router, and waits out a 429:
      </p>
      <pre>{`LATCHKEY_KEY=${shown} PLAYGROUND_URL=${origin} \\\n  pnpm --filter @latchkey/playground machine-client`}</pre>
    </>
  );
}
