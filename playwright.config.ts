import { defineConfig } from '@playwright/test';

// End-to-end specs drive the real demo through the real servers, in Debian's Chromium: Playwright must
// never download a browser of its own.
export default defineConfig({
  testDir: 'spec/e2e',
  testMatch: '*.e2e.ts',
  timeout: 120_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    launchOptions: {
      executablePath: process.env.CHROME_BIN || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
});
