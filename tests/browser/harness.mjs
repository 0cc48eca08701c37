// Shared pieces of the browser tests: Debian's Chromium driven by playwright-core (never a
// downloaded browser), screenshots, page-error capture, and a tiny static server for the built SPA.

import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdirSync, existsSync, readFileSync, statSync } from 'node:fs';
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

/** Waits until `fn()` returns a truthy value (polling), or throws with `what` after `timeoutMs`. */
export async function eventually(what, fn, { timeoutMs = 15_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves a built `dist/` like the production web function does: precompressed `.gz` when the
 * browser accepts it, `index.html` for client routes. `api` answers requests before the files:
 * either a map `METHOD /path` → `[status, body]`, or `async (req, url, body) => [status, body,
 * headers?] | undefined` (undefined: not an API request). Unanswered `/api/` paths get a 404.
 */
export async function serveDist(dist, api = {}) {
  const root = path.resolve(dist);
  if (!existsSync(path.join(root, 'index.html'))) {
    throw new Error(`${root}/index.html not found: run scripts/build-spa.sh first`);
  }
  const answer =
    typeof api === 'function' ? api : async (req, url) => api[`${req.method} ${url.pathname}`];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    let handled;
    try {
      handled = await answer(req, url, body);
    } catch (err) {
      handled = [500, { error: { code: 'internal', message: String(err) } }];
    }
    if (!handled && url.pathname.startsWith('/api/')) {
      handled = [404, { error: { code: 'not_found', message: 'No API behind this static server.' } }];
    }
    if (handled) {
      const [status, payload, headers = {}] = handled;
      if (payload === undefined || payload === null) {
        res.writeHead(status, headers);
        res.end();
      } else {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      }
      return;
    }
    let file = path.join(root, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      file = path.join(root, 'index.html');
    }
    const headers = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' };
    const gz = `${file}.gz`;
    if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '') && existsSync(gz)) {
      headers['content-encoding'] = 'gzip';
      file = gz;
    }
    res.writeHead(200, headers);
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
