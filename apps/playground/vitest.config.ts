import { defineConfig } from 'vitest/config';

// The playground's end-to-end tests: a production build served by `next start` (and `next dev`,
// as a new user first runs it), driven by Debian's Chromium. Run after `next build` (the test
// command builds it once).
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
