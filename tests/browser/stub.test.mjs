// The SPA's flows in headless Chromium against the in-memory stub API (stub-api.mjs), so they run
// without the backend: sign-in, report, equipment CRUD with server field errors, CSV upload with
// live job progress, and the access rules of the team / IT areas. The stub records what the SPA
// sent, so the requests themselves are checked too.
//
//   SPA_DIST            the build to serve (default frontend-dioxus/dist)
//   DEMO_EQUIPMENT_CSV  the demo equipment file (default shared/data/demo/equipments.csv)
//   TEST_OUTPUT         screenshots go to $TEST_OUTPUT/screenshots (default test-output)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchBrowser, serveDist, shoot, watchPage, eventually } from './harness.mjs';
import { createStubApi } from './stub-api.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.SPA_DIST ?? path.resolve(HERE, '../../frontend-dioxus/dist');
const DEMO_CSV =
  process.env.DEMO_EQUIPMENT_CSV ?? path.resolve(HERE, '../../../shared/data/demo/equipments.csv');

const MODULES = [
  'headcount',
  'professional_travel',
  'buildings',
  'equipment',
  'purchase',
  'research_facilities',
  'external_cloud_and_ai',
  'process_emissions',
];

// Expected: the 401 of the first session probe, the 422 / 409 answers the tests provoke.
const EXPECTED = [/\b401\b/, /\b422\b/, /Unprocessable/i, /Unauthorized/i];

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** A fresh stub + server + page for one test. */
async function open(t) {
  const stub = createStubApi();
  const server = await serveDist(DIST, stub.handle);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: EXPECTED });
  t.after(async () => {
    await context.close();
    await server.close();
  });
  return { stub, page, problems, url: server.url };
}

async function signIn(page, base, persona) {
  await page.goto(`${base}/login`);
  await page.getByTestId('persona-select').selectOption(persona);
  const unit = page.getByTestId('unit-input');
  if (await unit.isEnabled()) await unit.fill('9001');
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/units\/[^/]+\/years\/\d+$/, { timeout: 20_000 });
}

test('a principal signs in, uploads the demo equipment file and sees the new total', async (t) => {
  assert.ok(existsSync(DEMO_CSV), `demo file not found: ${DEMO_CSV}`);
  const { stub, page, problems, url } = await open(t);
  await signIn(page, url, 'principal');
  assert.match(page.url(), /\/units\/9001\/years\/2025$/, 'opens the latest open year');

  const cards = page.locator('[data-testid^="module-card-"]');
  await eventually('8 module cards', async () => (await cards.count()) === 8);
  const keys = await cards.evaluateAll((els) => els.map((e) => e.dataset.testid.slice('module-card-'.length)));
  assert.deepEqual(keys, MODULES);
  assert.equal(await page.getByTestId('report-progress').innerText(), '1/8');
  assert.equal(await page.getByTestId('report-total').innerText(), '13.19');
  assert.match(await page.getByTestId('user-name').innerText(), /Pat Principal/);
  await shoot(page, 'stub-home');

  await page.getByTestId('module-card-equipment').getByRole('link').click();
  await page.waitForURL(/\/modules\/equipment$/);
  await page.getByTestId('entries-table').waitFor();
  assert.equal(await page.getByTestId('module-total').innerText(), '0.35');
  const incomplete = page.locator('.tag-warn', { hasText: 'incomplete' });
  assert.match(await incomplete.getAttribute('title'), /No factor for class/);
  await shoot(page, 'stub-module-before');

  await page.getByTestId('upload-input').setInputFiles(DEMO_CSV);
  await page.getByTestId('upload-mode-replace').check();
  await page.getByTestId('upload-submit').click();
  await page.locator('[data-testid="job-state"][data-state="running"]').waitFor({ timeout: 10_000 });
  await shoot(page, 'stub-progress');
  await page.locator('[data-testid="job-state"][data-state="succeeded"]').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('job-rows-ok').innerText(), '41');
  assert.equal(await page.getByTestId('job-rows-failed').innerText(), '0');
  await eventually('the module total 5.89', async () => (await page.getByTestId('module-total').innerText()) === '5.89');
  assert.equal(await page.getByTestId('module-total-kg').innerText(), '5,890.87 kg CO₂e');
  assert.equal(await page.locator('[data-testid="entries-table"] tbody tr').count(), 41);
  await shoot(page, 'stub-module-after');

  // The requests: bearer token on API calls, the upload request, the PUT with the file's bytes.
  const apiCalls = stub.seen.filter((s) => s.path.startsWith('/api/v1/') && s.path !== '/api/v1/auth/dev-login');
  assert.ok(apiCalls.length > 5);
  assert.ok(apiCalls.filter((s) => s.path !== '/api/v1/session').every((s) => /^Bearer stub-principal-/.test(s.authorization ?? '')));
  const create = stub.seen.find((s) => s.path === '/api/v1/uploads');
  assert.deepEqual(create.body, { unit: '9001', year: 2025, module: 'equipment', entry_type: null, filename: 'equipments.csv', mode: 'replace' });
  const put = stub.seen.find((s) => s.method === 'PUT');
  assert.equal(put.contentType, 'text/csv');
  assert.equal(put.authorization, null, 'no bearer token goes to the presigned URL');
  assert.ok(put.bytes > 1000);
  const polls = stub.seen.filter((s) => s.path.startsWith('/api/v1/jobs/'));
  assert.ok(polls.length >= 3, `polled ${polls.length} times`);
  assert.deepEqual(problems, []);
});

test('a principal adds, corrects, edits and deletes an equipment entry', async (t) => {
  const { page, problems, url } = await open(t);
  await signIn(page, url, 'principal');
  await page.goto(`${url}/units/9001/years/2025/modules/equipment`);
  await page.getByTestId('entries-table').waitFor();

  await page.getByTestId('add-entry').click();
  // The browser's own checks first: required fields and the 168-hour week.
  await page.getByTestId('field-active_usage_hours_per_week').fill('100');
  await page.getByTestId('field-standby_usage_hours_per_week').fill('100');
  await page.getByTestId('entry-submit').click();
  await page.locator('#f-equipment-id-err .field-error').waitFor();
  assert.match(await page.locator('#f-standby-err').innerText(), /cannot exceed 168/);

  // Then the server's 422, shown next to the field it names.
  await page.getByTestId('field-equipment_id').fill('SCI-0100');
  await page.getByTestId('field-name').fill('Benchtop centrifuge');
  await page.getByTestId('field-equipment_class').fill('Teleporter');
  await page.getByTestId('field-standby_usage_hours_per_week').fill('68');
  await page.getByTestId('entry-submit').click();
  await page.locator('#f-class-err .field-error').waitFor();
  assert.match(await page.locator('#f-class-err').innerText(), /No factor for class “Teleporter” in 2025/);
  assert.equal(await page.getByTestId('field-equipment_class').getAttribute('aria-invalid'), 'true');
  await shoot(page, 'stub-form-errors');

  await page.getByTestId('field-equipment_class').fill('Centrifugation');
  await page.getByTestId('entry-submit').click();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').innerText(), /Benchtop centrifuge.*added/);
  const row = page.locator('[data-testid="entries-table"] tbody tr', { hasText: 'SCI-0100' });
  await row.waitFor();
  assert.equal(await page.getByTestId('module-total').innerText(), '0.47');

  await row.getByRole('button', { name: 'Edit Benchtop centrifuge' }).click();
  assert.equal(await page.getByTestId('field-equipment_id').inputValue(), 'SCI-0100');
  await page.getByTestId('field-name').fill('Benchtop centrifuge (cold room)');
  await page.getByTestId('entry-submit').click();
  await page.locator('[data-testid="entries-table"] tbody tr', { hasText: 'cold room' }).waitFor();

  const edited = page.locator('[data-testid="entries-table"] tbody tr', { hasText: 'SCI-0100' });
  await edited.getByRole('button', { name: /^Delete / }).click();
  await edited.getByTestId('confirm-delete').click();
  await eventually('the row to disappear', async () => (await edited.count()) === 0);
  assert.deepEqual(problems, []);
});

test('row errors of an upload are listed with a link to the full report', async (t) => {
  const { page, problems, url } = await open(t);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'co2-upload-'));
  const csv = path.join(dir, 'broken.csv');
  writeFileSync(
    csv,
    'equipment_id,name,equipment_class,sub_class,active_usage_hours_per_week,standby_usage_hours_per_week,note,kg_co2eq,equipment_category\n' +
      'SCI-1,Freezer,Lab Freezer / Frigde,,168,0,,,scientific\n' +
      'SCI-2,Oven,Computer,,100,100,,,scientific\n',
  );
  await signIn(page, url, 'principal');
  await page.goto(`${url}/units/9001/years/2025/modules/equipment`);
  await page.getByTestId('upload-input').setInputFiles(csv);
  await page.getByTestId('upload-submit').click();
  await page.locator('[data-testid="job-state"][data-state="succeeded"]').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('job-rows-ok').innerText(), '1');
  assert.equal(await page.getByTestId('job-rows-failed').innerText(), '1');
  assert.match(await page.getByTestId('job-errors').innerText(), /3\s+standby_usage_hours_per_week\s+Active and standby hours/);
  assert.match(await page.getByTestId('job-errors-url').getAttribute('href'), /errors\.csv$/);
  await shoot(page, 'stub-upload-row-errors');
  assert.deepEqual(problems, []);
});

test('areas follow the permissions of the session', async (t) => {
  const { page, problems, url } = await open(t);

  await signIn(page, url, 'standard');
  assert.equal(await page.getByRole('link', { name: 'Team', exact: true }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'IT manager' }).count(), 0);
  await page.goto(`${url}/it-manager`);
  await page.getByTestId('not-allowed').waitFor();
  await shoot(page, 'stub-standard-it-not-allowed');
  await page.goto(`${url}/team-manager`);
  await page.getByTestId('not-allowed').waitFor();

  await page.getByTestId('sign-out').click();
  await page.waitForURL(/\/login$/);

  await signIn(page, url, 'principal');
  await page.getByRole('link', { name: 'Team', exact: true }).click();
  await page.getByTestId('team-area').waitFor();
  const teamNav = await page.locator('.side-nav a').allInnerTexts();
  assert.deepEqual(teamNav, ['Team', 'Validation', 'Progress', 'Exports']);
  await page.getByRole('link', { name: 'Validation' }).click();
  await page.waitForURL(/\/team-manager\/validation$/);
  assert.equal(await page.locator('.side-link.active').innerText(), 'Validation');
  await shoot(page, 'stub-team-validation');
  await page.getByTestId('sign-out').click();
  await page.waitForURL(/\/login$/);

  await signIn(page, url, 'admin');
  await page.getByRole('link', { name: 'IT manager' }).click();
  await page.getByTestId('it-area').waitFor();
  const itNav = await page.locator('.side-nav a').allInnerTexts();
  assert.deepEqual(itNav, ['Years', 'Factors', 'Reference data', 'Recalculation', 'Pipelines', 'Roles', 'API tokens', 'Audit', 'Reporting']);
  await shoot(page, 'stub-it-years');
  await page.getByTestId('sign-out').click();
  await page.waitForURL(/\/login$/);

  await signIn(page, url, 'backoffice');
  await page.getByRole('link', { name: 'IT manager' }).click();
  await page.waitForURL(/\/it-manager\/reporting$/);
  assert.deepEqual(await page.locator('.side-nav a').allInnerTexts(), ['Reporting']);
  await page.goto(`${url}/it-manager/factors`);
  await page.getByTestId('not-allowed').waitFor();
  assert.deepEqual(problems, []);
});
