// browser.js -- Debian's chromium, headless, driven by puppeteer-core.
//
// Flags from the machine notes: no sandbox (root), no GPU, and every
// background service off (they would try to reach the network, which is
// closed here); a fresh profile per launch. Every page opened through
// openPage() records what a test asserts on: JavaScript dialogs (alert,
// confirm, prompt: none may ever open), requests to any origin but the
// daemon's, console errors and uncaught exceptions, CSP violations.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'skimd-ui-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
      '--no-first-run', '--no-default-browser-check', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-extensions',
      '--disable-default-apps', '--disable-domain-reliability', '--metrics-recording-only',
      '--no-pings', '--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const close = async () => {
    try { await browser.close(); } finally { fs.rmSync(profile, { recursive: true, force: true }); }
  };
  return { browser, close };
}

/**
 * A new page in its own browser context (fresh storage), language `lang`
 * ("zh-CN" or "en-US"), viewport {width, height}. Returns {page, log, close}
 * where log = {dialogs, foreign, errors, csp, requests}.
 */
async function openPage(browser, origin, { lang = 'zh-CN', width = 1280, height = 900, mobile = false } = {}) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const log = { dialogs: [], foreign: [], errors: [], csp: [], requests: [] };
  await page.setViewport({ width, height, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1 });
  const cdp = await page.createCDPSession();
  await cdp.send('Emulation.setLocaleOverride', { locale: lang });
  await page.setExtraHTTPHeaders({ 'Accept-Language': lang });
  await page.evaluateOnNewDocument((l) => {
    Object.defineProperty(navigator, 'language', { get: () => l });
    Object.defineProperty(navigator, 'languages', { get: () => [l] });
  }, lang);
  page.on('dialog', async (d) => {
    log.dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  page.on('request', (req) => {
    const u = req.url();
    log.requests.push(`${req.method()} ${u}`);
    if (!u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:') && u !== 'about:blank')
      log.foreign.push(u);
  });
  page.on('pageerror', (e) => log.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Content-Security-Policy/i.test(text)) log.csp.push(`${page.url()}: ${text.slice(0, 120)}`);
    else if (m.type() === 'error' && !/the server responded with a status of (401|404|405)/.test(text))
      log.errors.push(`console: ${text}`);
  });
  const close = () => context.close();
  return { page, log, close };
}

module.exports = { launch, openPage, CHROMIUM };
