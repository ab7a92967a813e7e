import type { ApiKeyUserAction } from '@latchkey/trpc-plugin';
import { type ReactNode, type Ref, useId } from 'react';
import type { ApiKeyManagerState } from './use-api-key-manager.js';

// The changes whose refusal the manager explains; looking (list, get, usage) needs no words.
const CHANGES: readonly ApiKeyUserAction[] = ['create', 'update', 'roll', 'revoke'];

// For a refusal the server gave no words for.
const FALLBACK_REFUSALS: Partial<Record<ApiKeyUserAction, string>> = {
  create: 'You may not create API keys.',
  update: 'You may not change API keys.',
  roll: 'You may not roll API keys.',
  revoke: 'You may not revoke API keys.',
};

/** Why this user is offered less than everything: each reason once, `null` when nothing is refused. */
function refusalNote({ can, refusals }: Pick<ApiKeyManagerState, 'can' | 'refusals'>) {
  const reasons = CHANGES.filter((action) => !can[action]).map(
    (action) => refusals[action] ?? FALLBACK_REFUSALS[action],
  );
  return reasons.length === 0 ? null : [...new Set(reasons)].join(' ');
}

/**
 * The manager's heading and Create button. Once the config has loaded, what `authorize` refuses
 * this user is said in a note under it, which a refused Create button points to.
 * @internal
 */
export function ManagerHeader({
  manager,
  heading,
  headingId,
  headingRef,
  onCreate,
}: {
  manager: Pick<ApiKeyManagerState, 'can' | 'refusals' | 'isLoading' | 'error'>;
  heading: ReactNode;
  headingId: string;
  headingRef: Ref<HTMLHeadingElement>;
  onCreate: () => void;
}) {
  const noteId = useId();
  const loaded = !manager.isLoading && manager.error === null;
  const note = loaded ? refusalNote(manager) : null;
  const createRefused = loaded && !manager.can.create;
  return (
    <>
      <header data-slot="api-key-manager-header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} data-slot="api-key-manager-title">
          {heading}
        </h2>
        <button
          type="button"
          data-slot="button"
          data-variant="primary"
          disabled={!loaded || !manager.can.create}
          aria-describedby={createRefused && note !== null ? noteId : undefined}
          onClick={onCreate}
        >
          Create API key
        </button>
      </header>
      {note === null ? null : (
        <p id={noteId} data-slot="api-key-manager-note">
          {note}
        </p>
      )}
    </>
  );
}
