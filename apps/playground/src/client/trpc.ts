'use client';

import { createApiKeyUI } from '@latchkey/ui';
import { createTRPCReact } from '@trpc/react-query';
import type { AppRouter } from '@/server/router';

export const trpc = createTRPCReact<AppRouter>();

/** The key-management hooks and component, typed by this app's router and permissions. */
export const { useApiKeyManager, ApiKeyManager } = createApiKeyUI(trpc.apiKeys);
