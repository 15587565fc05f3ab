import { defineConfig } from '@playwright/test';
import path from 'node:path';

/**
 * E2E tests drive Debian's chromium (Playwright's own browsers cannot be downloaded here) against
 * the headless web mode, which serves the same handlers as Electron (DESIGN.md). The server is
 * started and stopped by Playwright; its tokened URL is written to E2E_URL_FILE for the tests.
 */
export const E2E_PORT = Number(process.env.CERTBENCH_E2E_PORT ?? 47813);
/** Per port, so two runs on different CERTBENCH_E2E_PORTs (parallel development) do not read each other's URL. */
export const E2E_URL_FILE = path.resolve(`.tmp/e2e/url-${E2E_PORT}.txt`);

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: process.env.CERTBENCH_E2E_PORT ? `test-results/e2e-${E2E_PORT}` : 'test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.tmp/reports/playwright.json' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1360, height: 860 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `node scripts/e2e-server.mjs ${E2E_PORT} ${JSON.stringify(E2E_URL_FILE)}`,
    url: `http://127.0.0.1:${E2E_PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
