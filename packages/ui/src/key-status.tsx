import type { ApiKeyStatus } from '@latchkey/core';
import type { ComponentProps } from 'react';

const LABELS: Record<ApiKeyStatus, string> = {
  active: 'Active',
  disabled: 'Disabled',
  expired: 'Expired',
  revoked: 'Revoked',
};

export type KeyStatusProps = Omit<ComponentProps<'span'>, 'children'> & { status: ApiKeyStatus };

/** A key's status as a word (colour only adds to it, for readers who cannot see colour). */
export function KeyStatus({ status, ...props }: KeyStatusProps) {
  return (
    <span data-latchkey="" data-slot="key-status" data-status={status} {...props}>
      {LABELS[status]}
    </span>
  );
}
