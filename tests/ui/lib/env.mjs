// env.mjs -- what every browser test shares: one page server, the daemons
// (started on first use), one headless chromium, and helpers to open the
// page, wait for what it shows, run axe-core on it and take screenshots.
//
// Everything listens on 127.0.0.1; chromium resolves no name (its
// host-resolver rules map every host but 127.0.0.1 to "not found"), and
// each page records any request to another origin so tests can assert
// there was none.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCALE, teardown } from '../../api/lib/runner.mjs';

const require = createRequire(import.meta.url);
const harness = require('../../harness/daemon.js');
const { startPages } = require('./pages.js');
const { launch, openPage } = require('./browser.js');

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHOTS = path.join(ROOT, process.env.BUILD || 'build', 'ui-screenshots');
export const API_KEY = 'ui-test-key-5f1c';
export const { request, postJSON } = harness;
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'skimd-ui-'));

export const PHONE = { width: 390, height: 844, mobile: true };
export const DESKTOP = { width: 1280, height: 900 };

let pagesP = null, browserP = null;
const daemons = new Map();
const opened = [];          // every page's log, for the suite's last check

/** The page server (started once). */
export function pages() {
  pagesP ??= startPages();
  return pagesP;
}

/**
 * A daemon by name, started on first use: 'open' (no API key) or 'keyed'
 * (writes need API_KEY). Both may fetch from the loopback page server.
 */
export function daemon(name = 'open') {
  if (!daemons.has(name)) {
    const args = ['--allow-private', '--workers', '2', '--fetch-timeout', '60'];
    if (name === 'keyed') args.push('--api-key', API_KEY);
    const db = path.join(TMP, `${name}.db`);
    daemons.set(name, harness.startDaemon({ db, args }).then((d) => {
      d.origin = `http://127.0.0.1:${d.port}`;
      return d;
    }));
  }
  return daemons.get(name);
}

function browser() {
  browserP ??= launch();
  return browserP.then((b) => b.browser);
}

/**
 * Open the page at `hash` (e.g. '#/save') on daemon d; opts: lang
 * ('zh-CN'), width/height/mobile. Returns {page, log, close}; log holds
 * dialogs, foreign requests, page errors and CSP reports.
 */
export async function open(d, hash = '#/', opts = {}) {
  const p = await openPage(await browser(), d.origin, opts);
  opened.push(p.log);
  await p.page.goto(`${d.origin}/ui/${hash}`, { waitUntil: 'load' });
  return p;
}

/** Wait until fn (run in the page) returns something truthy; returns it. */
export async function until(page, fn, ...args) {
  const handle = await page.waitForFunction(fn, { timeout: 20000 * SCALE, polling: 'mutation' }, ...args);
  const v = await handle.jsonValue();
  await handle.dispose();
  return v;
}

/** Wait until the view named `name` (main[data-view]) is on screen. */
export function view(page, name) {
  return until(page, (n) => document.querySelector('main')?.dataset.view === n, name);
}

/** Texts of every element matching sel. */
export function texts(page, sel) {
  return page.$$eval(sel, (els) => els.map((e) => e.textContent.trim()));
}

/**
 * axe-core on the page as it is now (WCAG 2.x A/AA and best practices);
 * returns the serious and critical violations as "rule: target" lines.
 * The script goes in through the DevTools protocol, which the page's CSP
 * does not govern; the page itself still loads nothing but its own files.
 */
export async function axe(page) {
  const has = await page.evaluate(() => typeof window.axe === 'object');
  if (!has) await page.evaluate(AXE);
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
  }))));
  return res.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.join(', ')}`);
}

/** A screenshot under build/ui-screenshots/<name>.png (the viewport, or full page). */
export async function shot(page, name, fullPage = false) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

/** POST a record straight to the API (test set-up), returning the record. */
export async function submit(d, body, headers = {}) {
  const r = await postJSON(d.port, '/articles?wait=30', body, headers);
  if (r.status !== 201 && r.status !== 200) throw new Error(`POST /articles -> ${r.status}: ${r.body}`);
  return r.json;
}

/** Every page's log, for the suite's closing checks. */
export function allLogs() {
  return opened;
}

teardown('stop chromium, daemons and the page server', async () => {
  if (browserP) await (await browserP).close();
  const exits = [];
  for (const dp of daemons.values()) {
    const d = await dp;
    exits.push(await d.stop('SIGTERM'));
  }
  if (pagesP) await (await pagesP).stop();
  fs.rmSync(TMP, { recursive: true, force: true });
  const bad = exits.filter((e) => e && e.code !== 0);
  if (bad.length) throw new Error(`a daemon exited badly: ${JSON.stringify(bad)}`);
  const reports = harness.sanitizerReports();
  if (reports.length) throw new Error(`sanitizer reports:\n${reports.join('\n')}`);
});
