import { defineConfig } from '@playwright/test';
import base from '../../e2e/playwright.config';

/**
 * The Studio's UI benchmarks (not tests: they assert nothing about timing, they print figures).
 * Run: `npm run bench:ui`. Each figure is one JSON line.
 */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: /.*\.bench\.ts$/,
  globalSetup: '../../e2e/global-setup.ts',
  timeout: 15 * 60_000,
  outputDir: '../../test-results/bench',
});
