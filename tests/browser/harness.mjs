// Shared pieces of the browser tests: Debian's Chromium driven by playwright-core (never a
// downloaded browser), screenshots, page-error capture, and a tiny static server for the built SPA.

import { chromium } from 'playwright-core';
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// As root in a closed network: no sandbox, and no background traffic Chromium would try at start.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium with a fresh temporary profile. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** `${TEST_OUTPUT:-test-output}/screenshots`, created on demand. */
export function screenshotDir() {
  const dir = path.resolve(process.env.TEST_OUTPUT ?? 'test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a full-page screenshot under the screenshot dir; returns its path. */
export async function shoot(page, name) {
  const file = path.join(screenshotDir(), `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Records uncaught page errors (a wasm panic shows up here) and console errors, so a test can
 * assert the app stayed healthy. `ignore` filters expected console noise (e.g. a 401 probe).
 */
export function watchPage(page, { ignore = [] } = {}) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (ignore.some((re) => re.test(text))) return;
    problems.push(`console.error: ${text}`);
  });
  return problems;
}

/**
 * Waits until `fn()` returns a truthy value (polling), or throws with `what` after `timeoutMs`;
 * `describe()`, when given, says what the page showed instead, for the failure's message.
 */
export async function eventually(what, fn, { timeoutMs = 15_000, intervalMs = 200, describe } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) {
      const seen = describe ? `; the page showed: ${await describe().catch((e) => `(${e.message})`)}` : '';
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})${seen}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until the job shown by `locator` (its `data-state`) has ended; returns that state. */
export async function jobEnd(locator, { what = 'the job to end', timeoutMs = 90_000 } = {}) {
  return eventually(
    what,
    async () => {
      const s = await locator.getAttribute('data-state');
      return s === 'succeeded' || s === 'failed' ? s : null;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** The module page's upload of `file` (replacing earlier file rows) until its job has ended:
 * asserts it succeeded with `rowsOk` rows and the module total then reads `total` (t); with
 * `progressShot`, a screenshot of that name while the job is shown. */
export async function uploadAndSeeTotal(page, file, { rowsOk, total, progressShot }) {
  await page.getByTestId('upload-input').setInputFiles(file);
  await page.getByTestId('upload-mode-replace').check();
  await page.getByTestId('upload-submit').click();
  await page.getByTestId('job-state').waitFor({ timeout: 20_000 });
  if (progressShot) await shoot(page, progressShot);
  const state = await jobEnd(page.getByTestId('job-state'), { what: 'the upload job to finish' });
  const failure = (await page.getByTestId('job-failure').count()) ? await page.getByTestId('job-failure').innerText() : '';
  if (state !== 'succeeded') throw new Error(`the upload job failed: ${failure}`);
  const rows = (await page.getByTestId('job-rows-ok').innerText()).trim();
  if (rows !== String(rowsOk)) throw new Error(`${rows} rows loaded, not ${rowsOk}`);
  await eventually(
    `the module total ${total} t`,
    async () => (await page.getByTestId('module-total').innerText()).trim() === total,
    { timeoutMs: 20_000 },
  );
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
};
