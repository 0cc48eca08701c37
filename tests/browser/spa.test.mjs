// End-to-end journeys of the SPA against a running server (`make run`), in headless Chromium.
//
//   CO2_BASE_URL       where the app is served (default http://127.0.0.1:8080)
//   DEMO_EQUIPMENT_CSV the demo lab's equipment file (default shared/data/demo/equipments.csv)
//   TEST_OUTPUT        screenshots go to $TEST_OUTPUT/screenshots (default test-output)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchBrowser, shoot, watchPage, eventually, jobEnd, uploadAndSeeTotal } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BASE_URL = (process.env.CO2_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const DEMO_CSV =
  process.env.DEMO_EQUIPMENT_CSV ?? path.resolve(HERE, '../../../shared/data/demo/equipments.csv');
// The equipment factors shipped with the product (data/factors/<year>/).
const FACTORS_DIR = process.env.FACTORS_DIR ?? path.resolve(HERE, '../../data/factors');

// DOMAIN §1, in order.
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

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Signs in through the development sign-in and waits for the report page. */
async function signIn(page, persona, unit = '9001') {
  await page.goto(`${BASE_URL}/login`);
  await page.getByTestId('persona-select').selectOption(persona);
  const unitInput = page.getByTestId('unit-input');
  if (await unitInput.isEnabled()) await unitInput.fill(unit);
  await page.getByTestId('login-submit').click();
  if (persona === 'admin') {
    // The IT manager has no unit of their own: signed in is enough.
    await page.getByTestId('user-name').waitFor({ timeout: 20_000 });
  } else {
    await page.waitForURL(/\/units\/[^/]+\/years\/\d+$/, { timeout: 20_000 });
  }
}

/** The results page's PDF report, built by step-export: asked for, followed, and fetched. */
async function reportPdf(page) {
  await page.getByTestId('export-pdf-start').click();
  const pdfLink = page.getByTestId('export-pdf-download');
  await pdfLink.waitFor({ timeout: 60_000 });
  const pdf = await page.request.get(new URL(await pdfLink.getAttribute('href'), BASE_URL).toString());
  assert.equal(pdf.status(), 200);
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
}

test('a principal uploads the demo equipment file and sees the module total', async () => {
  assert.ok(existsSync(DEMO_CSV), `demo file not found: ${DEMO_CSV} (set DEMO_EQUIPMENT_CSV)`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'principal', '9001');
    assert.match(page.url(), /\/units\/9001\/years\/\d+$/);

    // Home: the 8 modules, in DOMAIN order.
    const cards = page.locator('[data-testid^="module-card-"]');
    await eventually('8 module cards', async () => (await cards.count()) === 8);
    const keys = await cards.evaluateAll((els) =>
      els.map((el) => el.getAttribute('data-testid').replace('module-card-', '')),
    );
    assert.deepEqual(keys, MODULES);
    await page.getByTestId('report-progress').waitFor();
    await shoot(page, 'home');

    // Equipment module.
    await page.getByTestId('module-card-equipment').getByRole('link').click();
    await page.waitForURL(/\/modules\/equipment$/);
    await page.getByTestId('entries-table').waitFor();

    // The templates of the module's types, to start a file from.
    const templates = page.locator('[data-testid="upload-templates"] a');
    assert.equal(await templates.count(), 3);
    const template = await page.request.get(new URL(await templates.first().getAttribute('href'), BASE_URL).toString());
    assert.equal(template.status(), 200);
    assert.match(await template.text(), /^equipment_id,name,equipment_class/);

    // Upload the demo file, replacing earlier file rows; the table and the total reload after
    // the job: 5,890.87 kg → 5.89 t.
    await uploadAndSeeTotal(page, DEMO_CSV, { rowsOk: 41, total: '5.89', progressShot: 'progress' });
    await shoot(page, 'module-equipment');

    // An entry edited in place: its form opens under its row, with the year's classes to pick
    // from and the class's usual hours as the default.
    const firstRow = page.locator('[data-testid="entries-table"] tr[data-entry-id]').first();
    await firstRow.getByRole('button', { name: /^Edit/ }).click();
    const inline = page.locator('[data-testid="entries-table"] tr.row-inline-edit [data-testid="entry-form"]');
    await inline.waitFor();
    await eventually('the year’s classes offered', async () =>
      (await inline.locator('[data-testid="options-equipment_class"] option').count()) > 10,
    );
    const usual = await inline.getByTestId('field-active_usage_hours_per_week').getAttribute('placeholder');
    await inline.getByTestId('field-note').fill('Checked in the lab inventory');
    await shoot(page, 'equipment-inline-edit');
    await inline.getByTestId('entry-submit').click();
    await page.getByTestId('notice').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('tr.row-inline-edit').count(), 0);
    assert.ok(usual === null || /^usually \d/.test(usual), `placeholder: ${usual}`);
    assert.equal((await page.getByTestId('module-total').innerText()).trim(), '5.89');

    // Results: the draft (every module) counts the equipment just loaded.
    await page.getByTestId('nav-results').click();
    await page.waitForURL(/\/units\/9001\/years\/\d+\/results$/);
    await page.getByTestId('results-page').waitFor({ timeout: 20_000 });
    await page.getByTestId('basis-all').check({ force: true });
    await page.getByTestId('draft-notice').waitFor();
    const equipmentRow = page.locator('[data-testid="results-modules"] tr[data-module="equipment"]');
    await equipmentRow.waitFor({ timeout: 20_000 });
    assert.equal((await equipmentRow.locator('td').last().innerText()).trim(), '5.89');
    assert.equal(await page.locator('#chart-modules rect[fill="#1f6f5c"]').count() > 0, true, 'scope-2 bars drawn');
    await page.locator('#chart-categories').waitFor();
    await shoot(page, 'results-draft');

    // A chart saved as PNG.
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-modules-png').click()]);
    assert.match(png.suggestedFilename(), /^9001-\d+-modules\.png$/);
    const pngBytes = await readFile(await png.path());
    assert.deepEqual([...pngBytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

    // The PDF report, built by step-export.
    await reportPdf(page);

    // In French: texts and numbers, remembered across a reload.
    await page.getByTestId('lang-fr').click();
    await eventually('the French title', async () => (await page.locator('h1').innerText()).trim() === 'Résultats');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    await page.reload();
    await page.getByTestId('results-page').waitFor({ timeout: 20_000 });
    assert.equal((await page.locator('h1').innerText()).trim(), 'Résultats');
    await page.getByTestId('basis-all').check({ force: true });
    await equipmentRow.waitFor({ timeout: 20_000 });
    assert.equal((await equipmentRow.locator('td').last().innerText()).trim(), '5,89');
    await shoot(page, 'results-fr');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a principal opens why a number is what it is, then the data quality and range of the results, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'principal', '9001');
    await page.getByTestId('module-card-equipment').getByRole('link').click();
    await page.waitForURL(/\/modules\/equipment$/);
    // A demo row with blank hours: the factor's defaults stand in for them.
    const row = page.locator('[data-testid="entries-table"] tr[data-entry-id]', { hasText: 'Avanti JXN-26' });
    await row.waitFor({ timeout: 20_000 });
    const why = row.getByTestId('why');
    assert.equal(await why.getAttribute('aria-expanded'), 'false');
    await why.click();
    const panel = page.getByTestId('why-panel');
    await panel.waitFor({ timeout: 20_000 });
    assert.equal(await why.getAttribute('aria-expanded'), 'true');
    await panel.getByTestId('why-formula').waitFor({ timeout: 20_000 });
    assert.match(await panel.getByTestId('why-formula').innerText(), /52 weeks/);
    const ef = panel.locator('[data-term="ef_kg_co2eq_per_kwh"]');
    assert.match(await ef.innerText(), /0\.097\s+kg CO₂-eq\/kWh/);
    assert.match(await panel.getByTestId('why-defaults').innerText(), /active_usage_hours_per_week = \d+ — left blank: the equipment factor's default hours/);
    const factor = panel.getByTestId('why-factor').first();
    assert.equal(await factor.getAttribute('data-origin'), 'shipped');
    assert.match(await factor.innerText(), /Year \d{4} · equipments_factors\.csv — Shipped default: .*BAFU 2025/);
    assert.match(await panel.getByTestId('why-inputs').innerText(), /equipment_class\s+Centrifugation/);
    assert.equal(await panel.getByTestId('why-quality').getAttribute('data-class'), 'default_filled');
    assert.match(await panel.getByTestId('why-uncertainty').innerText(), /± 77 %/);
    await shoot(page, 'why-this-number');

    await page.getByTestId('lang-fr').click();
    await eventually('the French detail', async () => /52 semaines/.test(await panel.getByTestId('why-formula').innerText()));
    assert.match(await panel.locator('h3').innerText(), /D’où vient ce chiffre/);
    assert.match(await ef.innerText(), /0,097/);
    assert.match(await panel.getByTestId('why-defaults').innerText(), /les heures par défaut du facteur/);
    await shoot(page, 'why-this-number-fr');
    await page.getByTestId('lang-en').click();
    await panel.getByTestId('why-close').click();
    await eventually('the detail closed', async () => (await page.getByTestId('why-panel').count()) === 0);

    // The results say how good the data is and the range the total lies in, with where better
    // data helps most.
    await page.getByTestId('nav-results').click();
    await page.getByTestId('results-page').waitFor({ timeout: 20_000 });
    await page.getByTestId('basis-all').check({ force: true });
    const quality = page.getByTestId('results-quality');
    await quality.waitFor({ timeout: 20_000 });
    assert.match(await quality.getByTestId('quality-score').innerText(), /\d+ \/ 100/);
    assert.match(await quality.getByTestId('quality-coverage').innerText(), /40 \/ 41 entries/);
    assert.match(await quality.getByTestId('quality-range').innerText(), /5\.89 t ± \d+\.\d\d t \(± \d+ %\)/);
    assert.match(await quality.locator('[data-class="default_filled"]').innerText(), /Default-filled: 16 entries/);
    assert.match(await quality.getByTestId('quality-hints').innerText(), /Equipment · .+ — (fill in the inputs|measure the activity)/);
    await quality.scrollIntoViewIfNeeded();
    await shoot(page, 'results-quality');
    await page.getByTestId('lang-fr').click();
    await eventually('the French section', async () =>
      /Qualité des données et incertitude/.test(await quality.innerText()),
    );
    assert.match(await quality.locator('[data-class="default_filled"]').innerText(), /Complété par défaut : 16 saisies/);
    assert.match(await quality.getByTestId('quality-range').innerText(), /5,89 t ±/);
    await shoot(page, 'results-quality-fr');
    await page.getByTestId('lang-en').click();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the IT manager sets the long-term goals and a principal plans the lab’s reductions against them, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await context.newPage();
  const problems = watchPage(admin, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(admin, 'admin');
    await admin.goto(`${BASE_URL}/it-manager`);
    const goals = admin.getByTestId('long-term-goals');
    await goals.waitFor({ timeout: 20_000 });
    for (const [i, values] of [['2030', '50', '2025'], ['2040', '100', '2025']].entries()) {
      for (const [k, v] of values.entries()) await goals.getByTestId(`goal-${i}-${k}`).fill(v);
    }
    await goals.getByTestId('goals-save').click();
    await goals.getByTestId('goals-saved').waitFor({ timeout: 20_000 });
    assert.equal(await goals.getByTestId('goal-1-0').inputValue(), '2040');
  } finally {
    await context.close();
  }

  const lab = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await lab.newPage();
  const seen = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'principal', '9001');
    await page.getByTestId('nav-results').click();
    await page.getByTestId('results-page').waitFor({ timeout: 20_000 });
    await page.getByTestId('open-plans').click();
    await page.getByTestId('plans-page').waitFor({ timeout: 20_000 });
    await page.getByTestId('no-plan').waitFor({ timeout: 20_000 });
    await page.getByTestId('plan-name').fill('Lab 2030');
    assert.match(await page.getByTestId('plan-reference-year').inputValue(), /^\d{4}$/);
    await page.getByTestId('plan-create').click();
    const detail = page.getByTestId('plan-detail');
    await detail.waitFor({ timeout: 20_000 });
    await eventually('the plan listed', async () =>
      (await page.getByTestId('plan-tab').allInnerTexts()).join() === 'Lab 2030 (2025)',
    );
    assert.equal(await page.getByTestId('no-plan').count(), 0);
    assert.equal((await detail.getByTestId('plan-reference-kg').innerText()).trim(), '5.89 t');

    const form = page.getByTestId('new-measure');
    await form.getByTestId('measure-lever').fill('Switch the freezers’ standby off at night');
    await form.getByTestId('measure-module').selectOption('equipment');
    await form.getByTestId('measure-owner').fill('Lab manager');
    await form.getByTestId('measure-year').fill('2027');
    await form.getByTestId('measure-kg').fill('1000');
    await form.getByTestId('measure-add').click();
    await eventually('the measure listed', async () =>
      (await page.locator('[data-testid="measures-table"] tr[data-measure]').count()) === 1,
    );
    assert.equal((await detail.getByTestId('plan-saving').innerText()).trim(), '1.00 t');
    assert.equal(
      (await detail.getByTestId('plan-vs-goal').innerText()).trim(),
      'In 2030 the plan leaves 4.89 t; the goals ask for 2.95 t.',
    );
    // The chart draws the planned line, the goals dashed and the reported year.
    const chart = page.locator('#chart-trajectory');
    assert.equal(await chart.locator('path').count(), 2);
    assert.ok((await chart.locator('circle').count()) >= 1);
    assert.match(await page.locator('[data-testid="trajectory-table"] tr[data-year="2027"]').textContent(), /4\.89/);
    await detail.scrollIntoViewIfNeeded();
    await shoot(page, 'plans');

    await page.getByTestId('lang-fr').click();
    await eventually('the French page', async () =>
      /Plans de réduction/.test(await page.locator('h1').innerText()),
    );
    assert.equal(
      (await detail.getByTestId('plan-vs-goal').innerText()).trim(),
      'En 2030, le plan laisse 4,89 t ; les objectifs demandent 2,95 t.',
    );
    await shoot(page, 'plans-fr');
    await page.getByTestId('lang-en').click();
    assert.deepEqual([...problems, ...seen], []);
  } finally {
    await lab.close();
  }
});

test('a principal reads how a module is computed, the whole methodology and the user guide, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'principal', '9001');
    await page.getByTestId('module-card-equipment').getByRole('link').click();
    await page.getByTestId('module-methodology').click();
    await page.waitForURL(/\/help\/methodology\/equipment$/);
    const module = page.getByTestId('help-module');
    await module.waitFor({ timeout: 20_000 });
    // The formula is the calculation's own, as the why-this-number detail shows it.
    assert.match(await module.getByTestId('help-formula').first().innerText(), /52 weeks/);
    assert.match(await module.innerText(), /left blank: the equipment factor's default hours/);
    await module.getByTestId('to-methodology').click();
    const methodology = page.getByTestId('help-methodology');
    await methodology.waitFor({ timeout: 20_000 });
    assert.equal(await methodology.locator('article[data-module]').count(), 8);
    assert.match(await methodology.locator('article[data-module="professional_travel"]').innerText(), /\+ 95 km/);
    await shoot(page, 'help-methodology');

    await page.getByTestId('nav-help').click();
    const guide = page.getByTestId('help-guide');
    await guide.waitFor({ timeout: 20_000 });
    assert.equal(await guide.locator('article.help-section').count(), 8);
    await page.getByTestId('lang-fr').click();
    await eventually('the French guide', async () => /Guide d’utilisation/.test(await page.locator('h1').innerText()));
    await guide.getByTestId('to-methodology').click();
    await methodology.waitFor({ timeout: 20_000 });
    assert.match(await methodology.locator('article[data-module="equipment"]').innerText(), /52 semaines/);
    await shoot(page, 'help-methodology-fr');
    await page.getByTestId('lang-en').click();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the team manager validates a module, which then counts in the official results, and reopens it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'principal', '9001');
    const year = page.url().match(/\/years\/(\d+)$/)[1];
    await page.getByRole('link', { name: 'Team', exact: true }).click();
    await page.getByTestId('team-area').waitFor();
    await page.getByRole('link', { name: 'Validation' }).click();
    const row = page.locator('[data-testid="validation-table"] tr[data-module="equipment"]');
    await row.waitFor({ timeout: 20_000 });
    const status = () => row.locator('[data-status]').getAttribute('data-status');
    if ((await status()) === 'Validated') {
      await row.getByTestId('status-action').click();
      await eventually('equipment reopened', async () => (await status()) === 'In progress');
    }
    await row.getByTestId('status-action').click();
    await eventually('equipment validated', async () => (await status()) === 'Validated');
    await shoot(page, 'team-validation');

    // The official figures (validated modules) now count it.
    await page.goto(`${BASE_URL}/units/9001/years/${year}/results`);
    const counted = page.locator('[data-testid="results-modules"] tr[data-module="equipment"]');
    await counted.waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('draft-notice').count(), 0);
    assert.equal((await counted.locator('td').last().innerText()).trim(), '5.89');
    // The trend over the unit's report years counts this year's validated equipment.
    const thisYear = page.locator(`[data-testid="trend-table"] tr[data-year="${year}"] td`);
    await thisYear.waitFor({ timeout: 20_000 });
    assert.equal((await thisYear.innerText()).trim(), '5.89');

    // Progress lists what is left, then the module is reopened for changes.
    await page.goto(`${BASE_URL}/team-manager/progress`);
    await page.getByTestId('team-progress').waitFor({ timeout: 20_000 });
    assert.doesNotMatch(await page.getByTestId('still-to-validate').innerText(), /Equipment/);
    await page.locator('#chart-trend').waitFor();
    await shoot(page, 'team-progress');
    await page.goto(`${BASE_URL}/team-manager/validation`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('status-action').click();
    await eventually('equipment reopened', async () => (await status()) === 'In progress');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the IT manager uploads a factor file, which recalculates its entries, then recalculates a module', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'admin');
    await page.goto(`${BASE_URL}/it-manager/factors`);
    const row = page.locator('[data-testid="factor-files"] tr[data-file="equipments_factors"]');
    await row.waitFor({ timeout: 20_000 });
    const year = await page.getByTestId('it-year').inputValue();
    const csv = path.join(FACTORS_DIR, year, 'equipments_factors.csv');
    assert.ok(existsSync(csv), `factor file not found: ${csv}`);
    assert.ok(Number(await row.getByTestId('factor-current').innerText()) > 0);

    await row.getByTestId('factor-input').setInputFiles(csv);
    await row.getByTestId('factor-upload').click();
    await row.getByTestId('factor-result').waitFor({ timeout: 20_000 });
    assert.match(await row.getByTestId('factor-result').innerText(), /factors stored, 0 newly stale/);
    const recalculation = row.getByTestId('job-progress');
    const state = await jobEnd(recalculation, { what: 'the recalculation started by the upload to end', timeoutMs: 60_000 });
    assert.equal(state, 'succeeded');
    assert.equal((await row.getByTestId('factor-stale').innerText()).trim(), '0');
    await shoot(page, 'it-factors');

    await page.getByRole('link', { name: 'Recalculation' }).click();
    await page.getByTestId('recalc-module').selectOption('equipment');
    await page.getByTestId('recalc-start').click();
    await page.getByTestId('recalc-started').waitFor({ timeout: 20_000 });
    const recalc = await jobEnd(page.getByTestId('job-progress'), { what: 'the recalculation to end', timeoutMs: 60_000 });
    assert.equal(recalc, 'succeeded');
    await shoot(page, 'it-recalculation');

    // The pipelines console lists both recalculations, done.
    await page.getByRole('link', { name: 'Pipelines' }).click();
    await page.getByTestId('jobs-kind').selectOption('recalculation');
    const recalcRows = page.locator('[data-testid="jobs-table"] tr[data-kind="recalculation"]');
    await eventually('two recalculations listed', async () => (await recalcRows.count()) >= 2, { timeoutMs: 20_000 });
    assert.equal(await recalcRows.first().locator('[data-state]').getAttribute('data-state'), 'succeeded');
    await recalcRows.first().getByTestId('job-detail').click();
    await page.getByTestId('job-detail-panel').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('job-detail-panel').innerText(), /No failure and no row error/);
    await shoot(page, 'it-pipelines');

    await page.getByRole('link', { name: 'Years', exact: true }).click();
    await page.getByTestId('years-table').waitFor({ timeout: 20_000 });
    assert.ok((await page.locator('[data-testid="years-table"] tr[data-year]').count()) >= 1);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the IT manager reads the GHG inventory, publishes it and compares the version with now, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'admin');
    await page.goto(`${BASE_URL}/it-manager/inventory`);
    // The institution's inventory first, then the lab's alone once the subtree applies (its
    // coverage counts 1 unit).
    await page.getByTestId('inventory-totals').waitFor({ timeout: 30_000 });
    await page.getByTestId('inventory-subtree').fill('9001');
    await page.getByTestId('inventory-subtree').press('Enter');
    const lines = page.locator('[data-testid="inventory-table"] tbody tr');
    await eventually(
      'the inventory of the lab',
      async () => /of 1 units have validated every module/.test(await page.getByTestId('inventory-coverage').innerText().catch(() => '')),
      { timeoutMs: 30_000, describe: async () => (await page.locator('main').innerText()).slice(0, 600) },
    );
    await eventually('the 19 lines of the inventory', async () => (await lines.count()) === 19);
    // A category no leaf maps to is stated as not reported, with its reason.
    assert.match(await page.locator('tr[data-line="scope3.cat03"]').innerText(), /Not reported/);
    // The lab's equipment (uploaded above) is electricity: Scope 2, 5.89 t.
    assert.match(await page.getByTestId('inventory-totals').innerText(), /Scope 2 \(location-based\)\s+5\.89 t/i);
    assert.match(await page.getByTestId('inventory-csv').getAttribute('href'), /format=csv/);
    // The workbook with the methodology, built by the export step.
    await page.getByTestId('export-inventory-xlsx-start').click();
    const workbook = page.getByTestId('export-inventory-xlsx-download');
    await workbook.waitFor({ timeout: 30_000 });
    const file = await page.request.get(new URL(await workbook.getAttribute('href'), BASE_URL).toString());
    assert.equal(file.status(), 200);
    assert.ok((await file.body()).subarray(0, 2).equals(Buffer.from('PK')), 'an XLSX (a ZIP) file');
    assert.match(await page.getByTestId('inventory-coverage').innerText(), /of 1 units have validated every module/);

    await page.getByTestId('publish-note').fill('as reported');
    await page.getByTestId('publish').click();
    const published = page.locator('[data-testid="publications-table"] tr[data-version]');
    await eventually('a published version', async () => (await published.count()) >= 1);
    await published.first().getByTestId('compare').click();
    await page.getByTestId('restatement').waitFor({ timeout: 20_000 });
    await page.getByTestId('no-change').waitFor({ timeout: 20_000 });
    await shoot(page, 'it-inventory');

    await page.getByTestId('lang-fr').click();
    await page.getByRole('heading', { name: 'Inventaire GES' }).waitFor({ timeout: 20_000 });
    assert.match(await page.locator('tr[data-line="scope3.cat03"]').innerText(), /Non déclarée/);
    await shoot(page, 'it-inventory-fr');
    await page.getByTestId('lang-en').click();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the IT manager loads the travel agency’s export for every unit and follows its job, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'admin');
    await page.goto(`${BASE_URL}/it-manager/loading`);
    const agency = page.getByTestId('load-professional_travel-plane-agency');
    await agency.waitFor({ timeout: 20_000 });
    const year = await page.getByTestId('it-year').inputValue();
    assert.match(await agency.innerText(), /Agency export/);
    assert.match(await page.getByTestId('latest-professional_travel-plane-agency').innerText(), /No file yet/);
    // The templates lead with the unit, the agency's with the trip's key too.
    assert.match(await agency.getByRole('link', { name: 'Template' }).getAttribute('href'), /plane\.csv\?for=agency$/);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'co2-agency-'));
    const file = path.join(dir, 'agency-march.csv');
    await writeFile(
      file,
      'unit_institutional_id,ticket,segment,origin_iata,destination_iata,user_institutional_id,departure_date,number_of_trips,cabin_class,kg_co2eq\n' +
        `9002,A1,1,GVA,LHR,400001,${year}-03-02,1,economy,95\n` +
        `9002,A1,2,LHR,GVA,400001,${year}-03-06,1,economy,95\n` +
        `9002,A1,2,LHR,GVA,400001,${year}-03-06,1,economy,96\n`,
    );
    await page.getByTestId('load-file-professional_travel-plane-agency').click();
    await page.getByTestId('load-input').setInputFiles(file);
    await page.getByTestId('load-from').fill(`${year}-03-01`);
    await page.getByTestId('load-to').fill(`${year}-03-31`);
    await page.getByTestId('load-submit').click();
    await eventually('the export loaded: 2 trips in 1 unit', async () => (await agency.getAttribute('data-entries')) === '2', {
      timeoutMs: 30_000,
    });
    const latest = page.getByTestId('latest-professional_travel-plane-agency');
    await eventually('its job listed as done', async () => (await latest.getByTestId('latest-state').getAttribute('data-state').catch(() => null)) === 'succeeded', {
      timeoutMs: 30_000,
    });
    const text = await latest.innerText();
    assert.match(text, /agency-march\.csv/);
    assert.match(text, new RegExp(`${year}-03-01 → ${year}-03-31`));
    assert.match(text, /Rows loaded 2 · Rows skipped 1/);
    assert.match(text, /duplicate_key|already appears on row 3/);
    await shoot(page, 'it-loading');

    await page.getByTestId('lang-fr').click();
    await page.getByRole('heading', { name: 'Chargement central' }).waitFor({ timeout: 20_000 });
    assert.match(await agency.innerText(), /Export de l’agence|Export de l'agence/);
    await shoot(page, 'it-loading-fr');
    await page.getByTestId('lang-en').click();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the back office filters the institution’s units, reads the cards and charts, and exports the view, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'admin');
    await page.goto(`${BASE_URL}/it-manager/reporting`);
    const rows = page.locator('[data-testid="reporting-table"] tbody tr[data-unit]');
    await page.locator('[data-testid="reporting-table"] tr[data-unit="9001"]').waitFor({ timeout: 20_000 });
    const units = await rows.count();
    assert.ok(units >= 2, 'the demo lab and the second lab');
    const card = (key) => page.locator(`[data-testid="reporting-cards"] [data-card="${key}"] .summary-value`);
    assert.equal((await card('units').innerText()).trim(), String(units));
    assert.match(await rows.first().getByTestId('open-unit').getAttribute('href'), /\/units\/[^/]+\/years\/\d+\/results$/);

    // The second lab validates its travel (the agency's trips loaded above).
    const year = await page.getByTestId('it-year').inputValue();
    const validated = await page.request.patch(`${BASE_URL}/api/v1/units/9002/years/${year}/modules/professional_travel`, {
      headers: { Origin: BASE_URL },
      data: { status: 'validated' },
    });
    assert.equal(validated.status(), 200, await validated.text());

    // The second lab only, kept by its travel module's state; its figures are charted.
    await page.getByTestId('reporting-subtree').fill('9002');
    await page.getByTestId('reporting-subtree').press('Enter');
    await eventually('only the second lab', async () => (await rows.count()) === 1 && (await rows.first().getAttribute('data-unit')) === '9002');
    await page.getByTestId('reporting-module-filter').selectOption('professional_travel');
    await page.getByTestId('reporting-module-status').selectOption('validated');
    await eventually('kept by its travel module’s state', async () => (await card('units').innerText()).trim() === '1');
    const travel = page.locator('[data-testid="reporting-modules"] tr[data-module="professional_travel"]');
    assert.equal((await travel.getByTestId('validated-count').innerText()).trim(), '1');
    await page.locator('#reporting-by-module').waitFor({ timeout: 20_000 });
    await page.locator('#reporting-by-category').waitFor({ timeout: 20_000 });
    assert.match(await rows.first().innerText(), /Professional travel/, 'its top category');
    assert.match(
      await page.getByTestId('reporting-csv').getAttribute('href'),
      /format=csv&subtree=9002&module=professional_travel&module_status=validated$/,
    );
    await page.getByTestId('export-reporting-pdf-start').click();
    const pdf = page.getByTestId('export-reporting-pdf-download');
    await pdf.waitFor({ timeout: 30_000 });
    const file = await page.request.get(new URL(await pdf.getAttribute('href'), BASE_URL).toString());
    assert.equal(file.status(), 200);
    assert.ok((await file.body()).subarray(0, 5).equals(Buffer.from('%PDF-')), 'a PDF');
    await page.getByTestId('reporting-module-filter').selectOption('');
    await page.getByTestId('reporting-subtree').fill('');
    await page.getByTestId('reporting-subtree').press('Enter');
    await eventually('every unit again', async () => (await rows.count()) === units);
    await shoot(page, 'it-reporting');

    await page.getByTestId('lang-fr').click();
    await page.getByRole('heading', { name: /Rapport/ }).first().waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('reporting-cards').innerText(), /Unités/i);
    await shoot(page, 'it-reporting-fr');
    await page.getByTestId('lang-en').click();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the back office follows the institution over the years, as reported and restated with the latest factors, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'admin');
    await page.goto(`${BASE_URL}/it-manager/rollups`);
    // Faculties by default: the school holds both labs, with a column per year.
    const school = page.locator('[data-testid="rollups-table"] tr[data-node="ENAC"]');
    await school.waitFor({ timeout: 20_000 });
    const years = await school.locator('td[data-year]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-year')));
    assert.ok(years.length >= 2, `a column per year: ${years}`);
    await page.locator('#rollups-trend').waitFor({ timeout: 20_000 });
    // The units level: each lab is its own row.
    await page.getByTestId('rollups-depth').selectOption('12');
    await page.locator('[data-testid="rollups-table"] tr[data-node="9002"]').waitFor({ timeout: 20_000 });
    // The second lab's validated travel shows in its latest year.
    const latest = years[years.length - 1];
    const travel = page.locator(`[data-testid="rollups-table"] tr[data-node="9002"] td[data-year="${latest}"] [data-testid="rollup-total"]`);
    await eventually('the second lab’s validated total', async () => (await travel.innerText()) !== '0.00');
    await page.getByTestId('rollups-restated').check();
    await page.getByTestId('rollups-restated-note').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('rollups-restated-note').innerText(), new RegExp(`with ${latest}'s factors`));
    assert.match(await page.getByTestId('rollups-csv').getAttribute('href'), /depth=12&basis=validated&restated=true$/);
    await shoot(page, 'it-rollups');

    await page.getByTestId('lang-fr').click();
    await page.getByRole('heading', { name: 'Au fil des années' }).waitFor({ timeout: 20_000 });
    await shoot(page, 'it-rollups-fr');
    await page.getByTestId('lang-en').click();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the IT manager runs the year’s campaign and a principal finds the reminder in the app, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'admin');
    await page.goto(`${BASE_URL}/it-manager/campaign`);
    const late = page.locator('[data-testid="late-units"] tr[data-unit]');
    await page.locator('[data-testid="late-units"] tr[data-unit="9001"]').waitFor({ timeout: 20_000 });
    const year = await page.getByTestId('it-year').inputValue();
    await page.getByTestId('deadline-input').fill(`${year}-01-31`);
    await page.getByTestId('deadline-save').click();
    await eventually('the deadline saved', async () =>
      (await page.getByTestId('campaign-outcome').innerText().catch(() => '')).includes(`Deadline set: ${year}-01-31`),
    );
    await eventually('how late the campaign is', async () =>
      /Deadline \d{4}-01-31, passed \d+ days ago/.test(await page.getByTestId('campaign-deadline-state').innerText()),
    );
    assert.match(await late.first().innerText(), /Headcount/, 'the modules left');
    await page.getByTestId('send-reminders').click();
    await eventually('the reminders sent', async () =>
      /Sent for [1-9]\d* units?: [1-9]\d* notifications?/.test(await page.getByTestId('campaign-outcome').innerText()),
    );
    await shoot(page, 'it-campaign');
    await page.getByTestId('lang-fr').click();
    await page.getByRole('heading', { name: 'Campagne' }).waitFor({ timeout: 20_000 });
    await shoot(page, 'it-campaign-fr');
    await page.getByTestId('lang-en').click();

    // The lab's principal has the reminder in the app.
    await signIn(page, 'principal', '9001');
    const bell = page.getByTestId('notifications');
    await eventually('an unread notification', async () => Number(await bell.getAttribute('data-unread')) >= 1);
    await bell.click();
    const reminder = page.locator('[data-testid="notifications-panel"] li[data-kind="reminder"]').first();
    await reminder.waitFor({ timeout: 20_000 });
    assert.match(await reminder.innerText(), new RegExp(`unit 9001's ${year} carbon footprint is not complete`));
    await shoot(page, 'notifications');
    await eventually('marked read', async () => (await bell.getAttribute('data-unread')) === '0');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a standard member is not allowed into the IT manager area', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'standard', '9001');
    assert.equal(await page.getByRole('link', { name: 'IT manager' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Team', exact: true }).count(), 0);

    await page.goto(`${BASE_URL}/it-manager`);
    await page.getByTestId('not-allowed').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('not-allowed').innerText(), /Not allowed/);
    await shoot(page, 'it-manager-not-allowed');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a member records their own trips and sees only those; another unit stays closed', async () => {
  const stamp = Date.now().toString(36);
  const guest = `guest-${stamp}`;
  const principalContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const principal = await principalContext.newPage();
  const memberContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const member = await memberContext.newPage();
  const principalProblems = watchPage(principal, { ignore: [/401/, /Unauthorized/i] });
  const memberProblems = watchPage(member, { ignore: [/401/, /Unauthorized/i, /404/, /Not Found/i] });
  try {
    // The team manager records a guest's trip.
    await signIn(principal, 'principal', '9001');
    const year = principal.url().match(/\/years\/(\d+)$/)[1];
    await principal.goto(`${BASE_URL}/units/9001/years/${year}/modules/professional_travel`);
    await principal.getByTestId('add-entry').click();
    await principal.getByTestId('field-origin_iata').fill('GVA');
    await principal.getByTestId('field-destination_iata').fill('ZRH');
    await principal.getByTestId('field-user_institutional_id').fill(guest);
    await principal.getByTestId('entry-submit').click();
    await principal.getByTestId('notice').waitFor({ timeout: 20_000 });
    await eventually('the guest trip listed', async () =>
      (await principal.getByTestId('entries-table').innerText()).includes(guest),
    );

    // The member: no traveller field, the trip's distance as counted, only their own rows.
    await signIn(member, 'standard', '9001');
    await member.goto(`${BASE_URL}/units/9001/years/${year}/modules/professional_travel`);
    await member.getByTestId('add-entry').click();
    assert.equal(await member.getByTestId('field-user_institutional_id').count(), 0);
    await member.getByTestId('field-origin_iata').fill('gene');
    const suggested = member.locator('[data-testid="options-origin_iata"] option');
    await eventually('airport suggestions', async () =>
      (await suggested.evaluateAll((os) => os.map((o) => o.value))).includes('GVA'),
    );
    await member.getByTestId('field-origin_iata').fill('GVA');
    await member.getByTestId('field-destination_iata').fill('JFK');
    // DOMAIN G1: GVA → JFK counts 6,201 km great circle + 95 km.
    await eventually('the distance of the trip', async () =>
      (await member.getByTestId('trip-distance').getAttribute('data-km')) === '6296',
    );
    await member.getByTestId('field-departure_date').fill(`${year}-03-14`);
    await shoot(member, 'travel-member-form');
    await member.getByTestId('entry-submit').click();
    await member.getByTestId('notice').waitFor({ timeout: 20_000 });
    const table = member.getByTestId('entries-table');
    await eventually('the member trip listed', async () => (await table.innerText()).includes('JFK'));
    assert.ok(!(await table.innerText()).includes(guest), 'another traveller’s trip is not shown to a member');
    await shoot(member, 'travel-own-trips');

    // A module whose rows are the team manager's: read-only for a member.
    await member.goto(`${BASE_URL}/units/9001/years/${year}/modules/headcount`);
    await member.getByTestId('view-only').waitFor({ timeout: 20_000 });
    assert.equal(await member.getByTestId('add-entry').count(), 0);

    // The team manager's what-if: the short flight by train, recomputed in the browser.
    await principal.goto(`${BASE_URL}/units/9001/years/${year}/simulation`);
    const outcome = principal.getByTestId('sim-outcome-professional_travel');
    let lastOutcome = '';
    try {
      await eventually('both flights loaded', async () => /of 2 entries/.test((lastOutcome = await outcome.innerText())), {
        timeoutMs: 20_000,
      });
    } catch (e) {
      throw new Error(`${e.message}; the simulation said: ${lastOutcome}`);
    }
    const before = Number(await principal.getByTestId('sim-after').getAttribute('data-kg'));
    await principal.getByTestId('sim-train-km').fill('500');
    await eventually('the short flight by train', async () => /^1 of 2 entries changed/.test(await outcome.innerText()));
    const after = Number(await principal.getByTestId('sim-after').getAttribute('data-kg'));
    assert.ok(after < before, `the simulated total falls (${before} → ${after})`);
    // Nothing was saved: the trips are as entered.
    await principal.goto(`${BASE_URL}/units/9001/years/${year}/modules/professional_travel`);
    await eventually('both trips still by plane', async () =>
      (await principal.getByTestId('entries-table').innerText()).includes('ZRH'),
    );

    // Another unit's report, by URL: refused without telling whether it exists.
    await member.goto(`${BASE_URL}/units/9002/years/${year}`);
    await member.getByTestId('not-allowed').waitFor({ timeout: 20_000 });
    await shoot(member, 'cross-unit-refused');
    assert.deepEqual([...principalProblems, ...memberProblems], []);
  } finally {
    await principalContext.close();
    await memberContext.close();
  }
});

test('a principal simulates levers and hypothetical entries with the reports’ own calculation, and downloads the scenario, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'principal', '9001');
    const year = page.url().match(/\/years\/(\d+)$/)[1];
    await page.goto(`${BASE_URL}/units/9001/years/${year}/simulation`);
    await page.getByTestId('simulation-page').waitFor({ timeout: 20_000 });
    const equipment = page.getByTestId('sim-outcome-equipment');
    await eventually('the entries computed in the browser', async () => /of \d+ entries changed/.test(await equipment.innerText()));
    // Without levers, the browser's figure is the server's.
    const results = await (await page.request.get(`${BASE_URL}/api/v1/results/units/9001/years/${year}?basis=all`)).json();
    const serverKg = results.modules.reduce((sum, m) => sum + m.totals.total_kg, 0);
    const now = Number(await page.getByTestId('sim-before').getAttribute('data-kg'));
    assert.ok(Math.abs(now - serverKg) < 0.01, `${now} = ${serverKg}`);
    assert.equal(Number(await page.getByTestId('sim-after').getAttribute('data-kg')), now);

    // Equipment switched off instead of standby: recomputed entry by entry.
    await page.getByTestId('sim-standby-off').check();
    await eventually('equipment recomputed', async () => /^[1-9]\d* of \d+ entries changed/.test(await equipment.innerText()));
    const afterStandby = Number(await page.getByTestId('sim-after').getAttribute('data-kg'));
    assert.ok(afterStandby < now, `${afterStandby} < ${now}`);

    // A hypothetical flight: the module's own form, computed like a saved one. The member's
    // GVA → JFK trip in economy, saved on the server, weighs the same.
    await page.getByTestId('sandbox-module').selectOption('professional_travel');
    await page.getByTestId('sandbox-add').click();
    await page.getByTestId('field-origin_iata').fill('GVA');
    await page.getByTestId('field-destination_iata').fill('JFK');
    await page.getByTestId('field-departure_date').fill(`${year}-06-01`);
    await page.getByTestId('entry-submit').click();
    const sandboxKg = page.getByTestId('sandbox-kg');
    await sandboxKg.waitFor({ timeout: 20_000 });
    const hypothetical = Number(await sandboxKg.getAttribute('data-kg'));
    const trips = await (await page.request.get(`${BASE_URL}/api/v1/entries/units/9001/years/${year}/modules/professional_travel?per_page=100`)).json();
    const saved = trips.items.find((e) => e.data.origin_iata === 'GVA' && e.data.destination_iata === 'JFK' && e.data.cabin_class === 'economy' && Number(e.data.number_of_trips ?? 1) === 1);
    assert.ok(saved, 'the member’s GVA → JFK trip is stored');
    assert.ok(hypothetical > 0 && Math.abs(hypothetical - saved.kg_co2eq) < 0.01, `${hypothetical} = ${saved.kg_co2eq}`);
    await eventually('the flight counted', async () =>
      Math.abs(Number(await page.getByTestId('sim-after').getAttribute('data-kg')) - (afterStandby + hypothetical)) < 0.02,
    );
    // A form with a mistake says so by its field, as on a module page.
    await page.getByTestId('sandbox-add').click();
    await page.getByTestId('field-origin_iata').fill('GVA');
    await page.getByTestId('field-destination_iata').fill('GVA2');
    await page.getByTestId('entry-submit').click();
    await page.locator('#f-destination_iata-err .field-error').first().waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByTestId('sandbox-row').count(), 1);
    assert.match(await page.getByTestId('sim-assumptions').innerText(), /switched off instead of left in standby/);
    await shoot(page, 'simulation-scenario');

    // The scenario as a file: each module now and simulated, and every assumption.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sim-export').click()]);
    assert.equal(download.suggestedFilename(), `simulation-${year}.csv`);
    const csv = await readFile(await download.path(), "utf8");
    assert.match(csv, /"Equipment",\d+\.\d\d,\d+\.\d\d/);
    assert.match(csv, /"\+ Professional travel · GVA → JFK"/);

    await page.getByTestId('lang-fr').click();
    await eventually('the French levers', async () => /saisies sur \d+ modifiées/.test(await equipment.innerText()));
    assert.match(await page.getByTestId('sim-sandbox').innerText(), /Saisies hypothétiques/);
    assert.match(await page.getByTestId('sim-assumptions').innerText(), /éteints au lieu d'être en veille/);
    await shoot(page, 'simulation-scenario-fr');
    await page.getByTestId('lang-en').click();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a member reads the results as deep as the team manager — options, IT classes, per FTE — and gets the PDF, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'standard', '9001');
    await page.getByTestId('nav-results').click();
    await page.getByTestId('results-page').waitFor({ timeout: 20_000 }).catch((e) => {
      throw new Error(`${e.message}; the page's problems: ${JSON.stringify(problems)}`);
    });
    await page.getByTestId('basis-all').check({ force: true });
    const modules = page.getByTestId('results-modules');
    const facilities = modules.locator('tr[data-module="research_facilities"]');
    await page.getByTestId('draft-notice').waitFor({ timeout: 20_000 });
    await facilities.waitFor({ timeout: 20_000 });
    // Research facilities left out of every figure, through the API's exclude=.
    await page.getByTestId('hide-facilities').click({ force: true });
    await eventually('research facilities left out', async () => (await facilities.count()) === 0);
    assert.ok(await page.getByTestId('hide-facilities').isChecked());
    assert.ok((await modules.locator('tr[data-module="equipment"]').count()) === 1);
    // The IT focus names its heaviest equipment classes.
    const top = page.getByTestId('it-top-equipment');
    await top.waitFor({ timeout: 20_000 });
    const classes = await top.locator('tr[data-class]').count();
    assert.ok(classes >= 1 && classes <= 3, `${classes} classes`);
    // Where the unit travels, on the map that ships with the app (no tile server).
    await page.locator('#chart-trips path').first().waitFor({ timeout: 20_000 });
    assert.ok((await page.locator('#chart-trips g[data-mode="plane"]').count()) >= 1, 'the flights are drawn');
    assert.match(await page.getByTestId('trips-routes').innerText(), /GVA – JFK|JFK – GVA/);
    // Each module in detail, on demand: its leaves and its charts.
    await page.getByTestId('module-section-toggle-equipment').click();
    const leaves = page.getByTestId('module-section-leaves-equipment');
    await leaves.waitFor({ timeout: 20_000 });
    assert.ok((await leaves.locator('tr[data-leaf^="equipment__"]').count()) >= 1);
    await page.getByTestId('chart-equipment-by_class-panel').waitFor({ timeout: 20_000 });
    // Per full-time equivalent, when the unit has people; the additional categories can be hidden.
    if ((await page.getByTestId('results-per-fte').count()) > 0) {
      await page.locator('#chart-per-fte').waitFor({ timeout: 20_000 });
    }
    await page.getByTestId('hide-additional').click({ force: true });
    await eventually('the additional categories hidden', async () => (await page.getByTestId('results-additional').count()) === 0);
    assert.ok(await top.isVisible(), 'hiding a section does not load the figures again');
    await shoot(page, 'results-member');

    // The PDF, for a member too.
    await reportPdf(page);

    await page.getByTestId('lang-fr').click();
    await eventually('the French options', async () => /Exclure les infrastructures de recherche/.test(await page.getByTestId('results-options').innerText()));
    assert.match(await page.getByTestId('results-it-focus').innerText(), /Classes d'équipement informatique les plus lourdes/);
    await shoot(page, 'results-member-fr');
    await page.getByTestId('lang-en').click();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the team manager sees the unit’s people and their roles', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    // A member signs in first, so the unit has two people.
    const other = await context.browser().newContext();
    await signIn(await other.newPage(), 'standard', '9001');
    await other.close();
    await signIn(page, 'principal', '9001');
    await page.getByRole('link', { name: 'Team', exact: true }).click();
    const rows = page.locator('[data-testid="members-table"] tbody tr[data-user]');
    await eventually('two members', async () => (await rows.count()) >= 2, { timeoutMs: 20_000 });
    const text = await page.getByTestId('members-table').innerText();
    assert.match(text, /Team manager/);
    assert.match(text, /Member/);
    await shoot(page, 'team-members');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the IT manager grants a role, creates and revokes an API token, and finds both in the audit log', async () => {
  const stamp = Date.now().toString(36);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'admin');
    await page.goto(`${BASE_URL}/it-manager/roles`);
    const person = `new-member-${stamp}`;
    await page.getByTestId('grant-user').fill(person);
    await page.getByTestId('grant-name').fill('New Member');
    await page.getByTestId('grant-role').selectOption('standard');
    await page.getByTestId('grant-unit').fill('9001');
    await page.getByTestId('grant-submit').click();
    const granted = page.locator(`[data-testid="roles-table"] tr[data-user="${person}"]`);
    await granted.waitFor({ timeout: 20_000 });
    assert.equal(await granted.getAttribute('data-role'), 'standard');
    await shoot(page, 'it-roles');

    await page.getByRole('link', { name: 'API tokens' }).click();
    const name = `ci-${stamp}`;
    await page.getByTestId('token-name').fill(name);
    await page.getByTestId('token-scope').selectOption('read');
    await page.getByTestId('token-days').fill('30');
    await page.getByTestId('token-create').click();
    const secret = await page.getByTestId('token-secret').locator('input').inputValue({ timeout: 20_000 });
    assert.match(secret, /^co2pat_[0-9a-f]{64}$/);
    const token = page.locator(`[data-testid="tokens-table"] tr[data-token="${name}"]`);
    await token.waitFor({ timeout: 20_000 });
    const bearer = { headers: { Authorization: `Bearer ${secret}` } };
    assert.equal((await page.request.get(`${BASE_URL}/api/v1/backoffice/jobs`, bearer)).status(), 200);
    assert.equal((await page.request.post(`${BASE_URL}/api/v1/backoffice/years`, { ...bearer, data: { year: 2099 } })).status(), 403);
    await shoot(page, 'it-api-tokens');
    await token.getByTestId('revoke-token').click();
    await eventually('the token revoked', async () =>
      (await token.getByTestId('token-state').innerText()).trim() === 'Revoked',
    );
    assert.equal((await page.request.get(`${BASE_URL}/api/v1/session`, bearer)).status(), 401);

    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByTestId('audit-action').fill('token.');
    await page.getByTestId('audit-apply').click();
    const revoked = page.locator('[data-testid="audit-table"] tr[data-action="token.revoked"]');
    await revoked.first().waitFor({ timeout: 20_000 });
    assert.ok((await page.locator('[data-testid="audit-table"] tr[data-action="token.created"]').count()) >= 1);
    await page.getByTestId('audit-action').fill('role.granted');
    await page.getByTestId('audit-apply').click();
    await eventually('the role grant in the log', async () =>
      (await page.getByTestId('audit-table').innerText()).includes(person),
    );
    await page.getByTestId('audit-verify').click();
    await eventually('the chain verified', async () =>
      (await page.getByTestId('audit-chain').getAttribute('data-intact')) === 'true',
    );
    await shoot(page, 'it-audit');

    await page.getByRole('link', { name: 'Reporting' }).click();
    await page.locator('[data-testid="reporting-table"] tr[data-unit="9001"]').waitFor({ timeout: 20_000 });

    // A reduction goal for the latest year against the one before, then a row threshold.
    await page.getByRole('link', { name: 'Years', exact: true }).click();
    await page.locator('[data-testid="years-table"] tr[data-year]').first().waitFor({ timeout: 20_000 });
    const years = await page.locator('[data-testid="years-table"] tr[data-year]').evaluateAll((rows) =>
      rows.map((r) => Number(r.getAttribute('data-year'))).sort(),
    );
    assert.ok(years.length >= 2, `two report years at least: ${years}`);
    const latest = years[years.length - 1];
    const goal = page.getByTestId(`goal-${latest}`);
    await goal.getByTestId('goal-percent').fill('10');
    await goal.getByTestId('goal-reference').selectOption(String(years[years.length - 2]));
    await goal.getByTestId('goal-save').click();
    await eventually('the goal shown', async () =>
      /−10 % against/.test(await page.getByTestId(`goal-${latest}`).innerText()),
    );
    const scientific = page.locator('[data-testid="thresholds-table"] tr[data-type="scientific"]');
    await scientific.waitFor({ timeout: 20_000 });
    await scientific.getByTestId('policy-kind').selectOption('fixed');
    await scientific.getByTestId('policy-value').fill('100');
    await scientific.getByTestId('policy-save').click();
    await eventually('the fixed threshold', async () => /Fixed: 100\.00 kg/.test(await scientific.innerText()));
    // A module not collected this year: every unit's report shows it so, then it is back.
    const switches = page.getByTestId(`modules-${latest}`);
    await switches.locator('summary').click();
    await switches.locator('input[data-module="process_emissions"]').uncheck();
    await eventually('7 of 8 collected', async () =>
      (await page.getByTestId(`modules-${latest}`).locator('summary').innerText()).trim() === '7/8',
    );
    await shoot(page, 'it-years');
    await page.goto(`${BASE_URL}/units/9001/years/${latest}`);
    await page.getByTestId('module-card-process_emissions').getByTestId('module-not-collected').waitFor({ timeout: 20_000 });
    await page.goto(`${BASE_URL}/it-manager`);
    const again = page.getByTestId(`modules-${latest}`);
    await again.locator('summary').click();
    await again.locator('input[data-module="process_emissions"]').check();
    await eventually('8 of 8 collected', async () =>
      (await page.getByTestId(`modules-${latest}`).locator('summary').innerText()).trim() === '8/8',
    );
    // A sub-module (the train) not collected: its module says so and stops offering it.
    const opened = async (d) => {
      if (!(await d.evaluate((el) => el.open))) await d.locator('summary').click();
      return d;
    };
    await (await opened(page.getByTestId(`modules-${latest}`))).locator('input[data-entry-type="train"]').uncheck();
    await eventually('the train off', async () =>
      !(await page.getByTestId(`modules-${latest}`).locator('input[data-entry-type="train"]').isChecked()),
    );
    await page.goto(`${BASE_URL}/units/9001/years/${latest}/modules/professional_travel`);
    await page.getByTestId('types-not-collected').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('types-not-collected').innerText(), /Train/);
    await page.goto(`${BASE_URL}/it-manager`);
    await (await opened(page.getByTestId(`modules-${latest}`))).locator('input[data-entry-type="train"]').check();
    await eventually('the train back', async () =>
      page.getByTestId(`modules-${latest}`).locator('input[data-entry-type="train"]').isChecked(),
    );

    // The unit's results say where it stands against the goal.
    await page.goto(`${BASE_URL}/units/9001/years/${latest}/results`);
    await page.getByTestId('basis-all').check({ force: true });
    await page.getByTestId('results-goal').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('results-goal').innerText(), /−10 % against/);
    // The demo lab has no figures for the reference year: nothing to measure against yet.
    assert.match(await page.getByTestId('results-goal').innerText(), /cannot be measured yet/);
    await shoot(page, 'results-goal');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the IT manager ends a person’s sessions, who is then signed out; a person signs out everywhere', async () => {
  const memberContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const member = await memberContext.newPage();
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await adminContext.newPage();
  const memberProblems = watchPage(member, { ignore: [/401/, /Unauthorized/i] });
  const adminProblems = watchPage(admin, { ignore: [/401/, /Unauthorized/i] });
  try {
    // The lab member is signed in, in their own browser.
    await signIn(member, 'standard', '9002');
    const home = member.url();

    await signIn(admin, 'admin');
    await admin.goto(`${BASE_URL}/it-manager/roles`);
    await admin.getByTestId('roles-user').fill('dev-standard-9002');
    await admin.getByTestId('roles-user').press('Enter');
    const row = admin.locator('[data-testid="roles-table"] tr[data-user="dev-standard-9002"]');
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('show-sessions').click();
    const panel = admin.getByTestId('person-sessions');
    await panel.waitFor({ timeout: 20_000 });
    const states = panel.getByTestId('session-state');
    await eventually('an active session listed', async () => (await states.allInnerTexts()).includes('Active'));
    await panel.getByTestId('end-all-sessions').click();
    await eventually('every session ended', async () =>
      (await states.allInnerTexts()).every((s) => s.startsWith('Ended')));
    await shoot(admin, 'it-person-sessions');

    // The member's next request is refused: the app sends them to sign-in.
    await member.goto(home);
    await member.waitForURL(/\/login$/, { timeout: 20_000 });

    // Signed in again, they sign out everywhere: the session is gone on the server too.
    await signIn(member, 'standard', '9002');
    await member.getByTestId('sign-out-everywhere').click();
    await member.waitForURL(/\/login$/, { timeout: 20_000 });
    await member.goto(home);
    await member.waitForURL(/\/login$/, { timeout: 20_000 });
    await admin.reload();
    await admin.getByTestId('roles-user').fill('dev-standard-9002');
    await admin.getByTestId('roles-user').press('Enter');
    await row.getByTestId('show-sessions').click();
    await eventually('no session left active', async () => {
      const all = await states.allInnerTexts();
      return all.length >= 2 && all.every((s) => !s.startsWith('Active'));
    });
    assert.deepEqual([...memberProblems, ...adminProblems], []);
  } finally {
    await memberContext.close();
    await adminContext.close();
  }
});

test('a person signs in with the institution’s identity provider and gets the roles it names', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // The provider's development pages ask for a favicon it does not have and for web fonts this
  // offline machine cannot resolve; the app's own pages are held to the usual standard.
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i, /ERR_NAME_NOT_RESOLVED/, /404 \(Not Found\)/] });
  try {
    // A forged answer, without the sign-in it claims to finish: back to sign-in, said in words.
    await page.goto(`${BASE_URL}/api/v1/auth/oidc/callback?code=forged&state=forged`);
    await page.getByTestId('login-error').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('login-error').innerText(), /took too long|another window/);

    await page.getByTestId('oidc-login').click();
    // The provider's own pages: its login form, then consent.
    await page.locator('input[name="login"]').fill('ada');
    await page.locator('input[name="password"]').fill('any');
    await shoot(page, 'oidc-provider-login');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    // Back in the app, signed in, as the team manager of 9001 the directory says she is.
    await page.waitForURL(/\/units\/9001\/years\/\d+$/, { timeout: 20_000 });
    assert.match(await page.getByTestId('user-name').innerText(), /Ada Lovelace/);
    await shoot(page, 'oidc-signed-in');
    const session = await page.request.get(`${BASE_URL}/api/v1/session`);
    assert.equal(session.status(), 200);
    const info = await session.json();
    assert.equal(info.dev_login, false);
    assert.ok(info.permissions.includes('unit:9001:manage'), JSON.stringify(info.permissions));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the team manager works on a module page: its charts, page size, validation and reopening, a round trip for someone of the headcount, in English and French', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'principal', '9001');
    const year = page.url().match(/\/years\/(\d+)$/)[1];
    await page.goto(`${BASE_URL}/units/9001/years/${year}/modules/equipment`);
    // The module's chart, by equipment class, with its figures and a PNG.
    const chart = page.getByTestId('chart-equipment-by_class-panel');
    await chart.waitFor({ timeout: 20_000 });
    const groups = await page.getByTestId('chart-equipment-by_class-table').locator('tr').count();
    assert.ok(groups >= 2 && groups <= 11, `${groups} groups`);
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-equipment-by_class-png').click()]);
    assert.match(png.suggestedFilename(), /^9001-\d+-equipment-by_class\.png$/);
    await shoot(page, 'module-charts');

    // The page size: 41 entries on pages of 25, then all on one page.
    await page.getByTestId('filter-per-page').selectOption('25');
    await eventually('pages of 25', async () => /1 \/ 2|of 2/.test(await page.getByTestId('pagination').innerText()));
    await page.getByTestId('filter-per-page').selectOption('100');
    await eventually('one page', async () => (await page.getByTestId('pagination').count()) === 0);
    assert.equal(await page.locator('[data-testid="entries-table"] tr[data-entry-id]').count(), 41);

    // Validated on the page, read-only, then reopened.
    await page.getByTestId('module-validate').click();
    await page.getByTestId('module-validated').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('add-entry').count(), 0);
    // A member sees who leads the unit and asks for a change, which reaches the team manager.
    const memberContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const member = await memberContext.newPage();
      await signIn(member, 'standard', '9001');
      await member.goto(`${BASE_URL}/units/9001/years/${year}/modules/equipment`);
      await member.getByTestId('unit-heads').waitFor({ timeout: 20_000 });
      assert.match(await member.getByTestId('unit-heads').innerText(), /team manager: .+\./);
      await member.getByTestId('request-change').click();
      await member.getByTestId('change-request-message').fill('The ultracentrifuge now runs 20 hours a week.');
      await member.getByTestId('change-request-send').click();
      await member.getByTestId('change-request-sent').waitFor({ timeout: 20_000 });
      await shoot(member, 'module-change-request');
    } finally {
      await memberContext.close();
    }
    const inbox = await (await page.request.get(`${BASE_URL}/api/v1/session/notifications`)).json();
    assert.ok(inbox.items.some((n) => n.kind === 'change_request' && /ultracentrifuge/.test(n.body)), 'the team manager is notified');
    await page.getByTestId('module-reopen').click();
    await page.getByTestId('add-entry').waitFor({ timeout: 20_000 });

    // Someone of the year's headcount, without a role, travels: picked as the traveller.
    await page.goto(`${BASE_URL}/units/9001/years/${year}/modules/headcount`);
    await page.getByTestId('add-entry').click();
    await page.getByTestId('field-name').fill('Grace Hopper');
    await page.getByTestId('field-sius_code').selectOption('51');
    await page.getByTestId('field-user_institutional_id').fill('777777');
    await page.getByTestId('field-fte').fill('1');
    await page.getByTestId('entry-submit').click();
    await page.getByTestId('notice').waitFor({ timeout: 20_000 });
    await page.getByTestId('chart-headcount-fte_by_position-panel').waitFor({ timeout: 20_000 });
    await page.goto(`${BASE_URL}/units/9001/years/${year}/modules/professional_travel`);
    await page.getByTestId('add-entry').click();
    const people = page.locator('[data-testid="options-user_institutional_id"] option');
    await eventually('the headcount among the travellers', async () =>
      (await people.evaluateAll((os) => os.map((o) => o.value))).includes('777777'),
    );
    await page.getByTestId('field-user_institutional_id').fill('777777');
    await page.getByTestId('field-origin_iata').fill('GVA');
    await page.getByTestId('field-destination_iata').fill('CDG');
    await page.getByTestId('field-departure_date').fill(`${year}-09-01`);
    await page.getByTestId('field-round_trip').check();
    await page.getByTestId('entry-submit').click();
    await page.getByTestId('notice').waitFor({ timeout: 20_000 });
    const trips = await (await page.request.get(`${BASE_URL}/api/v1/entries/units/9001/years/${year}/modules/professional_travel?per_page=100`)).json();
    const round = trips.items.find((e) => e.data.destination_iata === 'CDG' && e.data.user_institutional_id === '777777');
    assert.ok(round, 'the trip is saved for the person of the headcount');
    assert.equal(Number(round.data.number_of_trips), 2, 'a round trip counts both legs');
    await page.getByTestId('chart-professional_travel-by_haul_and_class-panel').waitFor({ timeout: 20_000 });

    await page.getByTestId('lang-fr').click();
    await eventually('the French chart', async () =>
      /Voyages par mode, distance et classe/.test(await page.getByTestId('chart-professional_travel-by_haul_and_class-panel').innerText()),
    );
    assert.match(await page.getByTestId('entry-filters').innerText(), /Par page/);
    await shoot(page, 'module-charts-fr');
    await page.getByTestId('lang-en').click();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('on a phone-sized screen the report, a module page and the results fit the width', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const problems = watchPage(page, { ignore: [/401/, /Unauthorized/i] });
  try {
    await signIn(page, 'principal', '9001');
    const year = page.url().match(/\/years\/(\d+)$/)[1];
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.locator('[data-testid^="module-card-"]').first().waitFor({ timeout: 20_000 });
    assert.ok((await overflow()) <= 0, 'the report page fits');
    await shoot(page, 'mobile-home');
    await page.goto(`${BASE_URL}/units/9001/years/${year}/modules/professional_travel`);
    await page.getByTestId('module-total').waitFor({ timeout: 20_000 });
    assert.ok((await overflow()) <= 0, 'the module page fits (wide tables scroll inside their frame)');
    await page.goto(`${BASE_URL}/units/9001/years/${year}/results`);
    await page.getByTestId('results-page').waitFor({ timeout: 20_000 });
    assert.ok((await overflow()) <= 0, 'the results page fits');
    await shoot(page, 'mobile-results');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
