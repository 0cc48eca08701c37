// An in-memory stand-in for the API, speaking the wire types of shared/api-types (the same JSON
// shapes), so the SPA's flows can be driven in a browser without the backend. It also records what
// the SPA sent, so tests can check the requests themselves (bearer token, upload request, PUT).
//
// Figures here are test fixtures, not calculations: the real numbers are checked by spa.test.mjs
// against the real server.

import { randomUUID } from 'node:crypto';

const MODULES = [
  ['headcount', ['member', 'student']],
  ['professional_travel', ['plane', 'train']],
  ['buildings', ['building', 'energy_combustion', 'building_embodied_energy']],
  ['equipment', ['scientific', 'it', 'other']],
  ['purchase', ['scientific_equipment', 'it_equipment', 'consumable_accessories']],
  ['research_facilities', ['research_facilities', 'mice_and_fish_animal_facilities']],
  ['external_cloud_and_ai', ['external_clouds', 'external_ai']],
  ['process_emissions', ['process_emissions']],
];

const PERMISSIONS = {
  standard: ['unit:9001:view', 'unit:9001:edit'],
  principal: ['unit:9001:view', 'unit:9001:edit', 'unit:9001:manage'],
  backoffice: ['backoffice:reporting'],
  admin: ['backoffice:admin', 'backoffice:reporting'],
};

const NAMES = {
  standard: 'Sam Standard',
  principal: 'Pat Principal',
  backoffice: 'Bo Operator',
  admin: 'Ada Admin',
};

/** Headline the demo equipment file yields with the 2025 factors (DOMAIN G26 data). */
const DEMO_EQUIPMENT_KG = 5890.87;

const err = (status, code, message, details) => [
  status,
  { error: details ? { code, message, details } : { code, message } },
];

const now = () => new Date().toISOString();

function totals(s1, s2, s3) {
  const total = s1 + s2 + s3;
  return { scope1_kg: s1, scope2_kg: s2, scope3_kg: s3, total_kg: total, total_t: total / 1000 };
}

/** Splits one CSV line, honouring `"` quoting (enough for one-line records). */
function cells(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

export function createStubApi() {
  const sessions = new Map(); // token → persona
  const seen = []; // { method, path, authorization, body }
  const jobs = new Map();
  const uploads = new Map();
  let entries = [
    entry('scientific', { equipment_id: 'SCI-0001', name: 'Optima XPN-100 ultracentrifuge', equipment_class: 'Centrifugation', sub_class: 'Ultra centrifuges', active_usage_hours_per_week: 40, standby_usage_hours_per_week: 128, note: '' }, 346.22, 'upload'),
    entry('it', { equipment_id: 'IT-0042', name: 'Old plotter', equipment_class: 'Plotter', sub_class: '', active_usage_hours_per_week: '', standby_usage_hours_per_week: '', note: 'class not in factors' }, null, 'upload'),
  ];
  let equipmentKg = 346.22;
  const status = {
    headcount: 'validated',
    professional_travel: 'in_progress',
    equipment: 'in_progress',
  };
  const figures = {
    headcount: [0, 0, 0],
    professional_travel: [0, 0, 12843.5],
    buildings: [0, 0, 0],
    purchase: [0, 0, 0],
    research_facilities: [0, 0, 0],
    external_cloud_and_ai: [0, 0, 0],
    process_emissions: [0, 0, 0],
  };

  function entry(entry_type, data, kg, source) {
    return {
      entry_id: randomUUID(),
      entry_type,
      data,
      kg_co2eq: kg,
      incomplete_reason: kg === null ? `No factor for class “${data.equipment_class}” in 2025.` : null,
      source,
      emissions:
        kg === null
          ? []
          : [{ emission_type: `equipment__${entry_type}`, scope: 2, kg_co2eq: kg, quantity: null, quantity_unit: 'kWh', factor_ids: [] }],
      created_at: now(),
      updated_at: now(),
    };
  }

  function scopes(module) {
    if (module === 'equipment') return [0, equipmentKg, 0];
    return figures[module] ?? [0, 0, 0];
  }

  function moduleView(module, types, i) {
    const [s1, s2, s3] = scopes(module);
    return {
      module,
      position: i + 1,
      status: status[module] ?? 'not_started',
      entry_count: module === 'equipment' ? entries.length : module === 'professional_travel' ? 27 : module === 'headcount' ? 18 : 0,
      kg_co2eq: s1 + s2 + s3,
      scope1_kg: s1,
      scope2_kg: s2,
      scope3_kg: s3,
      additional_kg: module === 'headcount' ? 14736.29 : 0,
      entry_types: types,
    };
  }

  function progress() {
    return `${Object.values(status).filter((s) => s === 'validated').length}/8`;
  }

  function report(unit, year) {
    const modules = MODULES.map(([m, t], i) => moduleView(m, t, i));
    const done = modules.filter((m) => m.status === 'validated').length;
    return {
      unit,
      unit_name: 'Laboratory of Environmental Chemistry',
      year,
      modules,
      completion_progress: progress(),
      overall_status: done === 0 ? 'not_started' : done === 8 ? 'validated' : 'in_progress',
    };
  }

  function results(unit, year) {
    const modules = MODULES.map(([m]) => {
      const [s1, s2, s3] = scopes(m);
      return { module: m, status: status[m] ?? 'not_started', totals: totals(s1, s2, s3), additional_kg: 0 };
    });
    const sum = (list) =>
      list.reduce((acc, m) => [acc[0] + m.totals.scope1_kg, acc[1] + m.totals.scope2_kg, acc[2] + m.totals.scope3_kg], [0, 0, 0]);
    return {
      unit,
      year,
      modules,
      entered: totals(...sum(modules)),
      core: totals(...sum(modules.filter((m) => m.status === 'validated'))),
      completion_progress: progress(),
    };
  }

  function personaOf(req) {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : /co2_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    return token ? sessions.get(token) : undefined;
  }

  function validate(input) {
    const fields = {};
    const d = input.data ?? {};
    for (const key of ['equipment_id', 'name', 'equipment_class']) {
      if (!String(d[key] ?? '').trim()) (fields[key] ??= []).push({ code: 'required', message: 'This field is required.' });
    }
    if (d.equipment_class && !['Centrifugation', 'Lab Freezer / Frigde', 'Computer'].includes(d.equipment_class)) {
      (fields.equipment_class ??= []).push({ code: 'unknown_class', message: `No factor for class “${d.equipment_class}” in 2025.` });
    }
    return Object.keys(fields).length ? fields : null;
  }

  function finishUpload(up) {
    const lines = up.bytes.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim());
    const header = cells(lines[0]);
    const col = (row, name) => row[header.indexOf(name)] ?? '';
    const ok = [];
    const errors = [];
    lines.slice(1).forEach((line, i) => {
      const row = cells(line);
      const active = Number(col(row, 'active_usage_hours_per_week') || 0);
      const standby = Number(col(row, 'standby_usage_hours_per_week') || 0);
      if (active + standby > 168) {
        errors.push({ row: i + 2, column: 'standby_usage_hours_per_week', code: 'hours_exceed_week', message: 'Active and standby hours add up to more than 168.' });
        return;
      }
      ok.push(row);
    });
    // Fixture figures: the demo file's 41 rows share the demo headline exactly.
    const perRow = Math.floor((DEMO_EQUIPMENT_KG / 41) * 100) / 100;
    const fileRows = ok.map((row, i) =>
      entry(
        col(row, 'equipment_category') || 'other',
        {
          equipment_id: col(row, 'equipment_id'),
          name: col(row, 'name'),
          equipment_class: col(row, 'equipment_class'),
          sub_class: col(row, 'sub_class'),
          active_usage_hours_per_week: col(row, 'active_usage_hours_per_week'),
          standby_usage_hours_per_week: col(row, 'standby_usage_hours_per_week'),
          note: col(row, 'note'),
        },
        i === 40 ? Math.round((DEMO_EQUIPMENT_KG - 40 * perRow) * 100) / 100 : perRow,
        'upload',
      ),
    );
    // Replace drops the rows of earlier files and keeps typed-in entries (DOMAIN §2.2).
    if (up.mode === 'replace') entries = entries.filter((e) => e.source !== 'upload');
    entries = [...entries, ...fileRows];
    equipmentKg = entries.reduce((s, e) => s + (e.kg_co2eq ?? 0), 0);
    return { rows_ok: ok.length, rows_failed: errors.length, errors };
  }

  async function handle(req, url, body) {
    const p = url.pathname;
    const m = req.method;
    const json = body.length && (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(body.toString('utf8')) : null;
    if (p.startsWith('/api/') || p.startsWith('/blob/')) {
      seen.push({ method: m, path: p + url.search, authorization: req.headers.authorization ?? null, body: json, contentType: req.headers['content-type'] ?? null, bytes: body.length });
    }

    // Presigned PUT target (no session needed: the URL is the credential).
    const put = /^\/blob\/uploads\/([^/]+)\/[^/]+$/.exec(p);
    if (put && m === 'PUT') {
      const up = uploads.get(put[1]);
      if (!up || url.searchParams.get('sig') !== up.sig) return err(403, 'bad_signature', 'Invalid signature.');
      up.bytes = body;
      const job = jobs.get(up.job_id);
      job.polls = 0;
      job.state = 'queued';
      return [200, null];
    }
    if (!p.startsWith('/api/')) return undefined;

    if (p === '/api/v1/auth/dev-login' && m === 'POST') {
      if (!PERMISSIONS[json?.persona]) return err(422, 'invalid_persona', 'Unknown persona.', { fields: { persona: [{ code: 'invalid', message: 'Unknown persona.' }] } });
      if (json.persona !== 'admin' && json.unit !== '9001') return err(422, 'unit_not_found', 'No such unit.', { fields: { unit: [{ code: 'unit_not_found', message: `Unit ${json.unit} does not exist.` }] } });
      const token = `stub-${json.persona}-${randomUUID()}`;
      sessions.set(token, json.persona);
      return [200, { token, expires_at: new Date(Date.now() + 3600_000).toISOString() }, { 'set-cookie': `co2_session=${token}; HttpOnly; Path=/; SameSite=Lax` }];
    }

    const persona = personaOf(req);
    if (!persona) return err(401, 'unauthenticated', 'Sign in first.');

    if (p === '/api/v1/auth/logout' && m === 'POST') return [204, null, { 'set-cookie': 'co2_session=; Max-Age=0; Path=/' }];
    if (p === '/api/v1/session') {
      return [200, {
        user: { user_id: randomUUID(), institutional_id: `1${Object.keys(NAMES).indexOf(persona)}0001`, display_name: NAMES[persona], email: null },
        roles: [{ role: persona, unit: persona === 'admin' ? null : persona === 'backoffice' ? 'ENAC' : '9001' }],
        permissions: PERMISSIONS[persona],
        dev_login: true,
      }];
    }
    if (p === '/api/v1/units') {
      if (persona === 'admin' || persona === 'backoffice') {
        return [200, [
          { institutional_id: '9001', name: 'Laboratory of Environmental Chemistry', parent: 'ENAC', my_role: null },
          { institutional_id: '9002', name: 'Urban Mobility Lab', parent: 'ENAC', my_role: null },
        ]];
      }
      return [200, [{ institutional_id: '9001', name: 'Laboratory of Environmental Chemistry', parent: 'ENAC', my_role: persona }]];
    }
    let r = /^\/api\/v1\/units\/([^/]+)\/years$/.exec(p);
    if (r) return [200, [{ year: 2024, is_open: false }, { year: 2025, is_open: true }]];
    r = /^\/api\/v1\/units\/([^/]+)\/years\/(\d+)\/report$/.exec(p);
    if (r) return [200, report(r[1], Number(r[2]))];
    r = /^\/api\/v1\/units\/([^/]+)\/years\/(\d+)\/results$/.exec(p);
    if (r) return [200, results(r[1], Number(r[2]))];
    r = /^\/api\/v1\/units\/([^/]+)\/years\/(\d+)\/modules\/equipment\/entries$/.exec(p);
    if (r && m === 'GET') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const perPage = Number(url.searchParams.get('per_page') ?? 50);
      return [200, { items: entries.slice((page - 1) * perPage, page * perPage), total: entries.length, page, per_page: perPage, module_kg_co2eq: equipmentKg }];
    }
    if (r && m === 'POST') {
      if (status.equipment === 'validated') return err(409, 'module_validated', 'The module is validated.');
      const fields = validate(json);
      if (fields) return err(422, 'validation_failed', 'Some fields are invalid.', { fields });
      const e = entry(json.entry_type, json.data, 123.45, 'manual');
      entries.push(e);
      equipmentKg += 123.45;
      return [201, e];
    }
    r = /^\/api\/v1\/entries\/([^/]+)$/.exec(p);
    if (r) {
      const i = entries.findIndex((e) => e.entry_id === r[1]);
      if (i < 0) return err(404, 'entry_not_found', 'No such entry.');
      if (m === 'DELETE') {
        equipmentKg -= entries[i].kg_co2eq ?? 0;
        entries.splice(i, 1);
        return [204, null];
      }
      if (m === 'PATCH') {
        const fields = validate(json);
        if (fields) return err(422, 'validation_failed', 'Some fields are invalid.', { fields });
        entries[i] = { ...entries[i], entry_type: json.entry_type, data: json.data, updated_at: now() };
        return [200, entries[i]];
      }
    }
    if (p === '/api/v1/uploads' && m === 'POST') {
      const upload_id = randomUUID();
      const job_id = randomUUID();
      const sig = randomUUID().slice(0, 8);
      uploads.set(upload_id, { ...json, job_id, sig, bytes: null });
      jobs.set(job_id, { upload_id, state: 'queued', polls: -1 });
      return [201, { upload_id, put_url: `/blob/uploads/${upload_id}/${encodeURIComponent(json.filename)}?sig=${sig}`, job_id, put_headers: { 'content-type': 'text/csv' } }];
    }
    r = /^\/api\/v1\/jobs\/([^/]+)$/.exec(p);
    if (r) {
      const job = jobs.get(r[1]);
      if (!job) return err(404, 'job_not_found', 'No such job.');
      const up = uploads.get(job.upload_id);
      const base = { job_id: r[1], kind: 'upload', rows_ok: 0, rows_failed: 0, errors_url: null, errors: [], failure: null, unit: up.unit, year: up.year, module: up.module, created_at: now(), finished_at: null };
      if (job.polls < 0) return [200, { ...base, state: 'queued', progress: 0 }];
      job.polls += 1;
      if (job.polls < 3) return [200, { ...base, state: job.polls === 1 ? 'queued' : 'running', progress: job.polls === 1 ? 0 : 0.45 }];
      job.result ??= finishUpload(up);
      return [200, {
        ...base,
        state: 'succeeded',
        progress: 1,
        rows_ok: job.result.rows_ok,
        rows_failed: job.result.rows_failed,
        errors: job.result.errors,
        errors_url: job.result.rows_failed ? `/blob/reports/${r[1]}/errors.csv` : null,
        finished_at: now(),
      }];
    }
    return undefined;
  }

  return { handle, seen };
}
