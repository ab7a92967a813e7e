'use client';

import { type FormEvent, useId, useRef, useState } from 'react';
import { useApiKeyManager } from '@/client/trpc';

type Manager = ReturnType<typeof useApiKeyManager>;

export function HooksScreen() {
  const manager = useApiKeyManager();
  const { permissions, isLoading, error, createApiKey, isCreating, can, refusals } = manager;
  const { revealedKey, dismissRevealedKey } = manager;
  const [problem, setProblem] = useState<string | null>(null);
  const whyNotId = useId();
  // Set at once, not on the next render as `isCreating` is: a double click makes one key, not two
  // (the second would replace the first's secret on screen, leaving a live key nobody saw).
  const creating = useRef(false);

  async function quickCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (creating.current) return;
    creating.current = true;
    const name = new FormData(event.currentTarget).get('name');
    setProblem(null);
    try {
      await createApiKey({ name: String(name), permissions: permissions.slice(0, 1) });
    } catch (caught) {
      setProblem(caught instanceof Error ? caught.message : 'Could not create the key.');
    } finally {
      creating.current = false;
    }
  }

  if (isLoading) return <p>Loading keys…</p>;
  if (error) return <p role="alert">Could not load the keys: {error.message}</p>;
  return (
    <>
      <form onSubmit={quickCreate} style={{ display: 'flex', gap: '0.5rem', alignItems: 'end' }}>
        <label>
          Name of a read-only key
          <input type="text" name="name" required maxLength={100} defaultValue="Quick key" />
        </label>
        {/* Offered only to whom `authorize` allows it, with the server's reason otherwise. */}
        <button
          type="submit"
          className="primary"
          aria-disabled={isCreating}
          disabled={!can.create}
          aria-describedby={can.create ? undefined : whyNotId}
        >
          {isCreating ? 'Creating…' : 'Create'}
        </button>
      </form>
      {can.create ? null : <p id={whyNotId}>{refusals.create}</p>}
      {problem && <p role="alert">{problem}</p>}
      {revealedKey && (
        <p role="status">
          New key <code>{revealedKey.key}</code> (shown once){' '}
          <button type="button" onClick={dismissRevealedKey}>
            Done
          </button>
        </p>
      )}
      <KeyList manager={manager} onProblem={setProblem} />
    </>
  );
}

function KeyList({ manager, onProblem }: { manager: Manager; onProblem: (text: string) => void }) {
  const { apiKeys, can, revokeApiKey } = manager;
  return (
    <ul className="hooks-list" aria-label="Keys from useApiKeyManager">
      {apiKeys.map((key) => (
        <li key={key.id}>
          <strong>{key.name}</strong>
          <code>
            {key.start}…{key.last4}
          </code>
          <span>{key.status}</span>
          <span>{key.permissions.join(', ') || 'no permissions'}</span>
          {can.revoke && key.status !== 'revoked' && (
            <button
              type="button"
              style={{ marginLeft: 'auto' }}
              onClick={() =>
                revokeApiKey({ id: key.id, reason: 'revoked from the hooks page' }).catch(
                  (caught: unknown) =>
                    onProblem(caught instanceof Error ? caught.message : 'Could not revoke.'),
                )
              }
            >
              Revoke
            </button>
          )}
        </li>
      ))}
      {apiKeys.length === 0 && <li>No keys yet.</li>}
    </ul>
  );
}
