import { defineConfig } from 'vitest/config';

// The sandbox's browser test drives a real Coxswain child process and chromium: it runs on its own after the rest
// (`npm run test:browser`, part of `npm test`), so the other test files' workers do not starve it of CPU.
const BROWSER_TEST = 'test/sandbox/browser.test.ts';
const browserOnly = process.env.COXSWAIN_TEST_BROWSER === '1';

export default defineConfig({
  test: {
    include: browserOnly ? [BROWSER_TEST] : ['test/**/*.test.ts'],
    exclude: browserOnly ? [] : ['**/node_modules/**', BROWSER_TEST],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    pool: 'forks',
    restoreMocks: true,
  },
});
