// Browser journeys through the cluster's shape (tests/src/bin/topology.rs): the SPA and every API
// call go through the nginx edge generated from the HTTPRoute to the function that serves the
// path, each function its own process in the cluster profile; files go to S3 (moto) through
// presigned links, the steps are fed from SQS. People sign in with the institution's identity
// provider (oidc-provider.mjs), whose directory names their roles: the development sign-in does
// not exist here.
//
//   CO2_BASE_URL        the edge
//   DEMO_EQUIPMENT_CSV  the demo lab's equipment file
//   TEST_OUTPUT         screenshots go to $TEST_OUTPUT/screenshots

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, shoot, watchPage, jobEnd, uploadAndSeeTotal } from './harness.mjs';

const BASE_URL = (process.env.CO2_BASE_URL ?? 'http://127.0.0.1:18090').replace(/\/$/, '');
const DEMO_CSV = process.env.DEMO_EQUIPMENT_CSV;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// The provider's development pages ask for a favicon it does not have and for web fonts this
// offline machine cannot resolve; the app's own pages are held to the usual standard.
const PROVIDER_NOISE = [/401/, /Unauthorized/i, /ERR_NAME_NOT_RESOLVED/, /404 \(Not Found\)/, /Not Found/i];

/** Signs `login` in through the identity provider; waits for the app's signed-in page. */
async function signIn(page, login, { unit = true } = {}) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByTestId('oidc-login').click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any');
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]').click();
  if (unit) {
    await page.waitForURL(/\/units\/[^/]+\/years\/\d+$/, { timeout: 30_000 });
  } else {
    await page.getByTestId('user-name').waitFor({ timeout: 30_000 });
  }
}

async function withPage(fn) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: PROVIDER_NOISE });
  try {
    await fn(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
}

test('the cluster offers its identity provider and no development sign-in', async () => {
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/login`);
    await page.getByTestId('oidc-login').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('persona-select').count(), 0, 'no persona picker in a cluster');
    const refused = await page.request.post(`${BASE_URL}/api/v1/auth/dev-login`, {
      data: { persona: 'admin' },
    });
    assert.equal(refused.status(), 404);
    assert.ok((await refused.json()).error.code, 'the error envelope');
  });
});

test('a principal uploads a file through S3 and sees the total the steps computed', async () => {
  assert.ok(DEMO_CSV, 'DEMO_EQUIPMENT_CSV');
  await withPage(async (page) => {
    await signIn(page, 'ada');
    assert.match(page.url(), /\/units\/9001\/years\/\d+$/);
    await page.getByTestId('module-card-equipment').getByRole('link').click();
    await page.waitForURL(/\/modules\/equipment$/);
    await page.getByTestId('entries-table').waitFor({ timeout: 20_000 });
    await uploadAndSeeTotal(page, DEMO_CSV, { rowsOk: 41, total: '5.89' });
    await shoot(page, 'cluster-principal-upload');
  });
});

test('a member reads their unit’s module and is refused another unit', async () => {
  await withPage(async (page) => {
    await signIn(page, 'linus');
    const year = page.url().match(/\/years\/(\d+)$/)[1];
    await page.goto(`${BASE_URL}/units/9001/years/${year}/modules/headcount`);
    await page.getByTestId('view-only').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('add-entry').count(), 0);
    // Another unit's report, by URL: refused without telling whether it exists.
    await page.goto(`${BASE_URL}/units/9002/years/${year}`);
    await page.getByTestId('not-allowed').waitFor({ timeout: 20_000 });
    await shoot(page, 'cluster-member-refused');
  });
});

test('a back-office operator reports on the units of their school', async () => {
  await withPage(async (page) => {
    await signIn(page, 'barbara', { unit: false });
    await page.goto(`${BASE_URL}/it-manager/reporting`);
    await page.locator('[data-testid="reporting-table"] tr[data-unit="9001"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByRole('link', { name: 'Roles' }).count(), 0, 'data management is the IT manager’s');
    await shoot(page, 'cluster-backoffice-reporting');
  });
});

test('the IT manager recalculates a module through the compute queue', async () => {
  await withPage(async (page) => {
    await signIn(page, 'grace', { unit: false });
    await page.goto(`${BASE_URL}/it-manager/recalculation`);
    await page.getByTestId('recalc-module').selectOption('equipment');
    await page.getByTestId('recalc-start').click();
    await page.getByTestId('recalc-started').waitFor({ timeout: 20_000 });
    assert.equal(await jobEnd(page.getByTestId('job-progress')), 'succeeded');
    await shoot(page, 'cluster-admin-recalculation');
  });
});
