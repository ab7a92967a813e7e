import type { Migration } from '../packages/core/src/store/sqlite/migrate.js';

export function readMigrations(dir: string): Migration[];
export function renderModule(migrations: readonly Migration[]): string;
