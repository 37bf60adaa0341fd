// save.test.mjs -- the page as skimd serves it (headers, redirects, every
// file of ui/ byte for byte), and saving: the seed page by URL through the
// form, watched from queued through fetching (the page server holds the
// fetch) to ready and the record; a link dropped on the page; a failure
// with its reason.
import fs from 'node:fs';
import path from 'node:path';
import { eq, ok } from '../api/lib/assert.mjs';
import { test } from '../api/lib/runner.mjs';
import { DESKTOP, PHONE, ROOT, axe, daemon, open, pages, request, shot, texts, until, view } from './lib/env.mjs';

export const SEED_TITLE = '差距一两年?接近国际水平?我们和专业人士聊了聊中国大模型的真实...';
export const shared = { seedId: null, enId: null };

test('skimd serves /ui/ with strict headers, / and /ui redirect to /ui/', async () => {
  const d = await daemon();
  for (const p of ['/', '/ui']) {
    const r = await request(d.port, { path: p });
    eq(r.status, 302, `${p} status`);
    eq(r.headers.location, '/ui/', `${p} Location`);
  }
  const files = fs.readdirSync(path.join(ROOT, 'ui')).sort();
  ok(files.includes('index.html') && files.includes('app.js'), `ui/ has the page: ${files}`);
  const types = { html: 'text/html', js: 'text/javascript', css: 'text/css', svg: 'image/svg+xml' };
  for (const f of ['', ...files]) {
    const r = await request(d.port, { path: `/ui/${f}` });
    const name = f || 'index.html';
    eq(r.status, 200, `/ui/${f} status`);
    ok(r.body.equals(fs.readFileSync(path.join(ROOT, 'ui', name))), `/ui/${f} is ui/${name} byte for byte`);
    const ct = r.headers['content-type'] || '';
    ok(ct.startsWith(types[name.split('.').pop()]), `/ui/${f} Content-Type ${ct}`);
    const csp = r.headers['content-security-policy'] || '';
    ok(/(^|;\s*)default-src 'self'(;|$)/.test(csp), `/ui/${f} CSP has default-src 'self': ${csp}`);
    ok(!/unsafe-inline|unsafe-eval|\*/.test(csp), `/ui/${f} CSP allows nothing loose: ${csp}`);
    eq(r.headers['x-content-type-options'], 'nosniff', `/ui/${f} X-Content-Type-Options`);
    eq(r.headers['referrer-policy'], 'no-referrer', `/ui/${f} Referrer-Policy`);
    const etag = r.headers.etag;
    ok(/^"[0-9a-z-]+"$/.test(etag || ''), `/ui/${f} ETag ${etag}`);
    for (const [inm, want] of [[etag, 304], [`"other", ${etag}`, 304], [`W/${etag}`, 304], ['*', 304],
      ['"other"', 200], [etag.slice(0, -2) + '"', 200]]) {
      const again = await request(d.port, { path: `/ui/${f}`, headers: { 'If-None-Match': inm } });
      eq(again.status, want, `/ui/${f} with If-None-Match: ${inm}`);
      if (want === 304) eq(again.body.length, 0, '304 has no body');
    }
  }
  const missing = await request(d.port, { path: '/ui/nothing.js' });
  eq(missing.status, 404, '/ui/nothing.js');
  ok(/'self'/.test(missing.headers['content-security-policy'] || ''), '404 carries the CSP too');
});

test('save the seed page by URL: queued, then fetching (held), then ready and the record', async () => {
  const [d, srv] = [await daemon(), await pages()];
  const release = srv.hold('/seed.html');
  const { page, log, close } = await open(d, '#/save', DESKTOP);
  try {
    await view(page, 'save');
    eq(await page.$eval('h1', (e) => e.textContent), '保存链接', 'the save view, in Chinese');
    await page.type('input[name=url]', srv.url('/seed.html'));
    await page.type('input[name=tags]', 'to-read，研究');
    await page.click('button[type=submit]');
    await srv.waitHeld('/seed.html');
    await until(page, () => document.querySelector('.progress')?.dataset.state === 'fetching');
    const steps = await page.$$eval('.step', (els) => els.map((e) => `${e.dataset.step}:${e.className}`));
    eq(steps, ['queued:step done', 'fetching:step current', 'done:step todo'], 'steps while fetching');
    ok(await page.$eval('.step.current', (e) => e.getAttribute('aria-current') === 'step'), 'aria-current on the step');
    await shot(page, 'save-fetching-desktop');
    release();
    await until(page, () => document.querySelector('.progress')?.dataset.state === 'ready');
    await until(page, () => document.querySelector('.save-out .card'));
    const title = await page.$eval('.save-out .card-title', (e) => e.textContent);
    eq(title, SEED_TITLE, 'the record card after ready');
    const chips = await texts(page, '.save-out .card .chip');
    for (const tg of ['大模型', 'to-read', '研究']) ok(chips.includes(tg), `card tag ${tg} in ${chips}`);
    const href = await page.$eval('.save-out a.open-record', (e) => e.getAttribute('href'));
    const m = /^#\/articles\/(\d+)$/.exec(href);
    ok(m, `link to the record: ${href}`);
    shared.seedId = Number(m[1]);
    const rec = (await request(d.port, { path: `/articles/${m[1]}` })).json;
    eq(rec.status, 'ready', 'the API agrees');
    eq(rec.tags.user, ['to-read', '研究'], 'client tags as typed (both comma widths)');
    eq(await axe(page), [], 'axe: the save view after a save');
    await shot(page, 'save-ready-desktop');
    eq(log.dialogs, [], 'no dialogs');
  } finally {
    release();
    await close();
  }
}, { timeout: 60000 });

test('a link dropped on the page is saved; a page that cannot be fetched fails with its reason', async () => {
  const [d, srv] = [await daemon(), await pages()];
  const { page, close } = await open(d, '#/', PHONE);
  try {
    await view(page, 'browse');
    const url = srv.url('/gen/markets?title=Harbour%20markets%20reopen%20after%20the%20storm');
    await page.evaluate((u) => {
      const dt = new DataTransfer();
      dt.setData('text/uri-list', u);
      dt.setData('text/plain', u);
      document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, url);
    await view(page, 'save');
    await until(page, () => document.querySelector('.progress')?.dataset.state === 'ready');
    await until(page, () => document.querySelector('.save-out .card'));
    eq(await page.$eval('.save-out .card-title', (e) => e.textContent), 'Harbour markets reopen after the storm', 'dropped link saved');
    shared.enId = Number((await page.$eval('.save-out a.open-record', (e) => e.getAttribute('href'))).split('/').pop());

    await page.type('input[name=url]', srv.url('/missing-page'));
    await page.keyboard.press('Enter');
    await until(page, () => document.querySelector('.progress')?.dataset.state === 'failed');
    const now = await page.$eval('.progress-now', (e) => e.textContent);
    ok(/http_404/.test(now), `the reason is shown: ${now}`);
    ok(await page.$eval('.step[data-step=done]', (e) => e.classList.contains('failed')), 'the last step is marked failed');
    await shot(page, 'save-failed-phone');
    eq(await axe(page), [], 'axe: a failed save on a phone');

    await page.$eval('input[name=url]', (e) => { e.value = ''; });
    await page.type('input[name=url]', 'javascript:alert(1)');
    await page.keyboard.press('Enter');
    await until(page, () => document.querySelector('.save-out .error'));
    ok(/http/.test(await page.$eval('.save-out .error', (e) => e.textContent)), 'a javascript: URL is refused in the page');
  } finally {
    await close();
  }
}, { timeout: 60000 });
