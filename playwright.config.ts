import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { METRICS_TOKEN } from "./test/server-process";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;
// Debian's Chromium when installed (Playwright cannot download its own browser offline).
const systemChromium = "/usr/bin/chromium";
const dataDir = ".data/e2e";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: existsSync(systemChromium)
          ? {
              executablePath: systemChromium,
              args: [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
              ],
            }
          : {},
      },
    },
  ],
  // A production build on a fresh, throwaway data folder: the tests see what users get.
  webServer: {
    command: `rm -rf ${dataDir} && npm run build && PORT=${port} npm start`,
    url: `${baseURL}/api/health`,
    timeout: 300_000,
    // Always a fresh server on a fresh data folder: reusing one (a stale build, another run's
    // data) would test something else.
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      DATA_DIR: dataDir,
      AUTH_SECRET: "e2e-only-secret-not-for-production-0123456789",
      METRICS_TOKEN,
      // "When the board is full" imports 5,000 cards through the API in seconds: more than a
      // person's default 5,000 commands a minute (fair use is tested on its own).
      RATE_LIMIT_COMMANDS: "20000",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
