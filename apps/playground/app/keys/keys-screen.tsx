'use client';

import { ApiKeyManager } from '@/client/trpc';

export function KeysScreen() {
  return <ApiKeyManager />;
}
