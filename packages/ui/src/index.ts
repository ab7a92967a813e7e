export { ConfirmDialog, type ConfirmDialogProps } from './confirm-dialog.js';
export { CopyButton, type CopyButtonProps } from './copy-button.js';
export {
  type ApiKeyManagerProps,
  type ApiKeyUI,
  createApiKeyUI,
} from './create-api-key-ui.js';
export { CreateKeyDialog, type CreateKeyDialogProps } from './create-key-dialog.js';
export { errorMessage } from './error-message.js';
export { KeyLimits, type KeyLimitsProps } from './key-limits.js';
export { KeyStatus, type KeyStatusProps } from './key-status.js';
export { KeyTable, type KeyTableProps } from './key-table.js';
export { KeyUsageChart, type KeyUsageChartProps } from './key-usage-chart.js';
export { RevealKeyOnce, type RevealKeyOnceProps } from './reveal-key-once.js';
export { RevokeKeyDialog, type RevokeKeyDialogProps } from './revoke-key-dialog.js';
export { RollKeyDialog, type RollKeyDialogProps } from './roll-key-dialog.js';
export type { ApiKeyClientError, ApiKeyRouterHooks } from './types.js';
export type {
  ApiKeyManagerState,
  RevealedKey,
  UseApiKeyManagerOptions,
} from './use-api-key-manager.js';
export type { ApiKeyUsageState, UseApiKeyUsageOptions } from './use-api-key-usage.js';
