// The built SPA in headless Chromium against the running server (`make run`'s embedded default):
// it boots, guards client routes, and is keyboard-usable.
//
//   CO2_BASE_URL where the app is served (default http://127.0.0.1:8080)
//   TEST_OUTPUT  screenshots go to $TEST_OUTPUT/screenshots (default test-output)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, shoot, watchPage } from './harness.mjs';

const BASE_URL = (process.env.CO2_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const server = { url: BASE_URL };

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// The 401 of the signed-out session probe is expected here.
const EXPECTED = [/401/, /Unauthorized/i];

test('the login page renders from the built wasm', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const problems = watchPage(page, { ignore: EXPECTED });
  await page.goto(`${server.url}/login`);
  await page.getByTestId('login-submit').waitFor({ timeout: 20_000 });
  assert.match(await page.getByTestId('dev-banner').innerText(), /Development sign-in/);
  const personas = await page.getByTestId('persona-select').locator('option').allInnerTexts();
  assert.deepEqual(personas, [
    'Standard member',
    'Principal / team manager',
    'Back-office operator',
    'IT manager / admin',
  ]);
  assert.equal(await page.getByTestId('unit-input').inputValue(), '9001');
  assert.equal(await page.title(), 'CO₂ Calculator');
  await shoot(page, 'login');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the page runs under its Content-Security-Policy: no inline script runs, nothing frames it', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, { ignore: EXPECTED });
  const response = await page.goto(`${server.url}/login`);
  const csp = response.headers()['content-security-policy'] ?? '';
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(response.headers()['x-frame-options'], 'DENY');
  // The app booted under that policy (its wasm compiled, its script loaded from our origin).
  await page.getByTestId('login-submit').waitFor({ timeout: 20_000 });
  // A script injected into the page, as an XSS would, does not run; the browser reports it.
  const violations = [];
  page.on('console', (msg) => { if (/Content Security Policy/.test(msg.text())) violations.push(msg.text()); });
  const ran = await page.evaluate(() => new Promise((resolve) => {
    window.__injected = false;
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.appendChild(s);
    setTimeout(() => resolve(window.__injected), 100);
  }));
  assert.equal(ran, false, 'an inline script ran');
  assert.ok(violations.length >= 1, 'the browser reports the refused script');
  // The app itself caused no violation (the injected script's report aside).
  assert.deepEqual(problems.filter((p) => !violations.some((v) => p.includes(v))), []);
  await page.close();
});

test('a signed-out visitor of a client route is sent to sign-in', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, { ignore: EXPECTED });
  await page.goto(`${server.url}/units/9001/years/2025/modules/equipment`);
  await page.waitForURL(/\/login$/, { timeout: 20_000 });
  await page.getByTestId('login-submit').waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('the keyboard reaches the language switch, then the sign-in controls in order, with a visible focus', async () => {
  const page = await browser.newPage();
  // The page learns how one signs in from the API; the order is known once that answer is in.
  const providers = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/providers'));
  await page.goto(`${server.url}/login`);
  await page.getByTestId('login-submit').waitFor({ timeout: 20_000 });
  const configured = (await (await providers).json()).oidc != null;
  // The identity provider's button comes first when one is configured.
  if (configured) await page.getByTestId('oidc-login').waitFor({ timeout: 20_000 });
  const idp = configured ? ['oidc-login'] : [];
  const expected = ['lang-en', 'lang-fr', ...idp, 'persona-select', 'unit-input', 'login-submit'];
  const order = [];
  for (let i = 0; i < expected.length; i += 1) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')));
  }
  assert.deepEqual(order, expected);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid');
  await page.close();
});
