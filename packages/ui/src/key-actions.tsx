import type { ApiKey } from '@latchkey/core';
import type { ComponentProps } from 'react';

/** @internal */
export interface KeyActionsProps<P extends string> {
  apiKey: ApiKey<P>;
  /** Turns the key off or on again; without it, no Disable / Enable button. */
  onToggleEnabled: (() => void) | undefined;
  /** Whether the key's Disable / Enable is in flight: the button says so and ignores presses. */
  isToggling: boolean;
  /** Without it, no Roll button. */
  onRoll: (() => void) | undefined;
  /** Without it, no Revoke button. */
  onRevoke: (() => void) | undefined;
  /** The Usage button: whether the usage row is open, and its id; without it, no button. */
  usage: { isOpen: boolean; rowId: string; onToggle: () => void } | undefined;
}

/**
 * The buttons of one key's row, each only where the key's status allows it: a revoked key cannot
 * change; a rolled or expired one cannot be rolled again.
 * @internal
 */
export function KeyActions<P extends string>({
  apiKey,
  onToggleEnabled,
  isToggling,
  onRoll,
  onRevoke,
  usage,
}: KeyActionsProps<P>) {
  const changeable = apiKey.status !== 'revoked';
  const rollable = changeable && apiKey.status !== 'expired' && apiKey.replacedById === null;
  const toggleVerb = toggleLabel(apiKey.enabled, isToggling);
  return (
    <div data-slot="key-actions">
      {onToggleEnabled && changeable && apiKey.status !== 'expired' ? (
        <ActionButton
          aria-label={`${toggleVerb} ${apiKey.name}`}
          // aria-disabled rather than disabled, so the button keeps focus
          aria-disabled={isToggling}
          onClick={onToggleEnabled}
        >
          {isToggling ? `${toggleVerb}…` : toggleVerb}
        </ActionButton>
      ) : null}
      {onRoll && rollable ? (
        <ActionButton aria-label={`Roll ${apiKey.name}`} onClick={onRoll}>
          Roll
        </ActionButton>
      ) : null}
      {onRevoke && changeable ? (
        <ActionButton
          variant="ghost-danger"
          aria-label={`Revoke ${apiKey.name}`}
          onClick={onRevoke}
        >
          Revoke
        </ActionButton>
      ) : null}
      {usage ? (
        <ActionButton
          aria-label={`Usage of ${apiKey.name}`}
          aria-expanded={usage.isOpen}
          aria-controls={usage.isOpen ? usage.rowId : undefined}
          onClick={usage.onToggle}
        >
          Usage
        </ActionButton>
      ) : null}
    </div>
  );
}

function ActionButton({
  variant = 'ghost',
  ...props
}: Omit<ComponentProps<'button'>, 'type'> & { variant?: 'ghost' | 'ghost-danger' }) {
  return <button type="button" data-slot="button" data-variant={variant} {...props} />;
}

function toggleLabel(enabled: boolean, pending: boolean): string {
  if (pending) return enabled ? 'Disabling' : 'Enabling';
  return enabled ? 'Disable' : 'Enable';
}
