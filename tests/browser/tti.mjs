// Time to interactive of the home page in headless Chromium, against a running server:
//   node tests/browser/tti.mjs [runs]      (CO2_BASE_URL, default http://127.0.0.1:8080)
// Each run opens a fresh page of a signed-in principal of 9001 at `/` (cold browser cache) and
// times navigation start → the 8 module cards of the report on screen and the header's unit
// picker usable. Prints one JSON line: {"runs":[ms…],"median_ms":…,"transfer_bytes":…}.

import { launchBrowser } from './harness.mjs';

const BASE_URL = (process.env.CO2_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const RUNS = Number(process.argv[2] ?? 5);

const browser = await launchBrowser();
try {
  const runs = [];
  let transfer = 0;
  for (let i = 0; i < RUNS; i += 1) {
    // A new context each run: empty cache, the session cookie set by signing in first.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const login = await context.request.post(`${BASE_URL}/api/v1/auth/dev-login`, {
      data: { persona: 'principal', unit: '9001' },
    });
    if (!login.ok()) throw new Error(`dev-login answered ${login.status()}`);
    const page = await context.newPage();
    await page.goto(`${BASE_URL}/`, { waitUntil: 'commit' });
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid^="module-card-"]').length === 8 &&
        !document.querySelector('[data-testid="unit-picker"]')?.disabled,
      null,
      { timeout: 30_000, polling: 'raf' },
    );
    const ms = await page.evaluate(() => performance.now());
    transfer = await page.evaluate(() =>
      performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
        .filter((e) => !e.name.includes('/api/'))
        .reduce((sum, e) => sum + (e.transferSize || 0), 0),
    );
    runs.push(Math.round(ms));
    await context.close();
  }
  const sorted = [...runs].sort((a, b) => a - b);
  console.log(JSON.stringify({ runs, median_ms: sorted[Math.floor(sorted.length / 2)], transfer_bytes: transfer }));
} finally {
  await browser.close();
}
