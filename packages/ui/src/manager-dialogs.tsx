import type { ApiKey } from '@latchkey/core';
import { CreateKeyDialog } from './create-key-dialog.js';
import { RevokeKeyDialog } from './revoke-key-dialog.js';
import { RollKeyDialog } from './roll-key-dialog.js';
import type { ApiKeyManagerState } from './use-api-key-manager.js';

/** The dialog `<ApiKeyManager/>` has open, if any. @internal */
export type OpenDialog<P extends string> =
  | { kind: 'create' }
  | { kind: 'revoke' | 'roll'; apiKey: ApiKey<P> }
  | null;

/**
 * The open dialog of `<ApiKeyManager/>`, running its action through the hook's state; closed
 * once the action is done.
 * @internal
 */
export function ManagerDialogs<P extends string>({
  dialog,
  manager,
  onClose,
  onRevoked,
}: {
  dialog: OpenDialog<P>;
  manager: ApiKeyManagerState<P>;
  onClose: () => void;
  /** After a revoke, once its dialog has closed. */
  onRevoked: (apiKey: ApiKey<P>) => void;
}) {
  if (dialog === null) return null;
  if (dialog.kind === 'create') {
    return (
      <CreateKeyDialog
        permissions={manager.permissions}
        onCancel={onClose}
        onCreate={async (input) => {
          await manager.createApiKey(input);
          onClose();
        }}
      />
    );
  }
  if (dialog.kind === 'revoke') {
    return (
      <RevokeKeyDialog
        apiKey={dialog.apiKey}
        onCancel={onClose}
        onRevoke={async (input) => {
          await manager.revokeApiKey(input);
          onClose();
          onRevoked(dialog.apiKey);
        }}
      />
    );
  }
  return (
    <RollKeyDialog
      apiKey={dialog.apiKey}
      onCancel={onClose}
      onRoll={async (input) => {
        await manager.rollApiKey(input);
        onClose();
      }}
    />
  );
}
