// The built SPA boots in headless Chromium with no backend: served from dist/ by a tiny static
// server whose API answers like a signed-out visitor on a cluster (401 session, no dev sign-in).
//
//   SPA_DIST     the build to serve (default frontend-dioxus/dist)
//   TEST_OUTPUT  screenshots go to $TEST_OUTPUT/screenshots (default test-output)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchBrowser, serveDist, shoot, watchPage } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.SPA_DIST ?? path.resolve(HERE, '../../frontend-dioxus/dist');

const envelope = (code, message) => ({ error: { code, message } });
const API = {
  'GET /api/v1/session': [401, envelope('unauthenticated', 'Sign in first.')],
  'POST /api/v1/auth/dev-login': [404, envelope('not_found', 'Development sign-in is disabled.')],
};

let browser;
let server;

before(async () => {
  server = await serveDist(DIST, API);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// The 401 of the session probe and the 404 of the refused dev-login are expected here.
const EXPECTED = [/401/, /404/, /Unauthorized/i, /Not Found/i];

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

test('a signed-out visitor of a client route is sent to sign-in', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, { ignore: EXPECTED });
  await page.goto(`${server.url}/units/9001/years/2025/modules/equipment`);
  await page.waitForURL(/\/login$/, { timeout: 20_000 });
  await page.getByTestId('login-submit').waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('a deployment without development sign-in says so', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, { ignore: EXPECTED });
  await page.goto(`${server.url}/login`);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('dev-login-unavailable').waitFor({ timeout: 10_000 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the keyboard reaches the sign-in controls in order, with a visible focus', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByTestId('login-submit').waitFor({ timeout: 20_000 });
  const order = [];
  for (let i = 0; i < 3; i += 1) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')));
  }
  assert.deepEqual(order, ['persona-select', 'unit-input', 'login-submit']);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid');
  await page.close();
});
