import { defineConfig } from 'drizzle-kit';

// Generates core's SQL migrations for SQLite from its schema: `pnpm db:generate` (which also embeds
// them in packages/core/src/store/sqlite/migrations.generated.ts so that no bundler has to resolve
// a folder).
export default defineConfig({
  dialect: 'sqlite',
  schema: './packages/core/src/store/sqlite/schema.ts',
  out: './packages/core/src/store/sqlite/drizzle',
});
