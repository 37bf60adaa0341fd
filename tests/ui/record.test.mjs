// record.test.mjs -- the record page of the seed: title, site, author,
// date, the link to the original; the summary; keywords; tags per facet
// with their evidence on hover and on tap; the events on a dated timeline
// with the 2022-11 ChatGPT release and its actor; the article text; then
// refresh (held fetch, then ready again), edit client tags (when the
// daemon takes PATCH), and delete.
import { eq, ok } from '../api/lib/assert.mjs';
import { test } from '../api/lib/runner.mjs';
import { DESKTOP, PHONE, axe, daemon, open, pages, request, shot, texts, until, view } from './lib/env.mjs';
import { SEED_TITLE, shared } from './save.test.mjs';

const recordShown = (page) => until(page, () => document.querySelector('article.record'));

test('record: title, metadata, summary, keywords, tags with evidence, the 2022-11 ChatGPT event, the text', async () => {
  const [d, srv] = [await daemon(), await pages()];
  const id = shared.seedId;
  ok(id, 'the seed was saved');
  const rec = (await request(d.port, { path: `/articles/${id}?include=content,evidence,html` })).json;
  const { page, log, close } = await open(d, `#/articles/${id}`, DESKTOP);
  try {
    await view(page, 'record');
    await recordShown(page);
    eq(await page.$eval('h1', (e) => e.textContent), SEED_TITLE, 'title');
    eq(await page.title(), `${SEED_TITLE} — skimd`, 'document title');
    const meta = await page.$$eval('.meta-list .meta-row', (rows) => Object.fromEntries(rows.map((r) =>
      [r.querySelector('dt').textContent, r.querySelector('dd').textContent])));
    eq(meta['网站'], '百家号', 'site');
    eq(meta['作者'], '白马商评', 'author');
    eq(meta['发布时间'], '2023年7月3日 10:12', 'published, as written');
    eq(await page.$eval('.meta-list a', (a) => [a.href, a.rel, a.target]),
      [srv.url('/seed.html'), 'noopener noreferrer nofollow', '_blank'], 'the link to the original');
    eq(await page.$eval('.summary', (e) => e.textContent), rec.summary, 'summary');
    eq(await texts(page, '.keywords li'), rec.keywords, 'keywords');
    const tech = await page.$$eval('.record-facet[data-facet=technology] button.chip', (b) => b.map((x) => x.textContent));
    eq(tech, rec.tags.technology, 'technology tags');
    for (const tg of ['大模型', 'ChatGPT', 'Transformer']) ok(tech.includes(tg), `technology ${tg}`);
    eq(await page.$$eval('.record-facet[data-facet=industry] button.chip', (b) => b.map((x) => x.textContent)),
      rec.tags.industry, 'industry tags');
    eq(await page.$$eval('.record-facet[data-facet=user] button.chip', (b) => b.map((x) => x.textContent)),
      ['to-read', '研究'], 'client tags');

    // evidence: hidden, shown on hover, kept open by a tap
    const llm = '.record-facet[data-facet=technology] button.chip[data-tag="大模型"]';
    const evVisible = () => page.$eval(llm, (b) => getComputedStyle(document.getElementById(b.getAttribute('aria-controls'))).display !== 'none');
    const evBecomes = (want) => page.waitForFunction((sel, w) => {
      const b = document.querySelector(sel);
      return (getComputedStyle(document.getElementById(b.getAttribute('aria-controls'))).display !== 'none') === w;
    }, { timeout: 10000 }, llm, want);
    ok(!(await evVisible()), 'evidence hidden at first');
    await page.hover(llm);
    await evBecomes(true);
    const evText = await page.$eval(llm, (b) => document.getElementById(b.getAttribute('aria-controls')).textContent);
    const ev = rec.tag_evidence.technology.find((e) => e.label === '大模型');
    for (const term of ev.terms) ok(evText.includes(term), `evidence term ${term} in "${evText}"`);
    ok(evText.includes(String(ev.score)), `evidence score ${ev.score} in "${evText}"`);
    await page.mouse.move(0, 0);
    await evBecomes(false);
    await page.$eval('h1', (e) => e.focus());
    await page.click(llm);
    await page.mouse.move(0, 0);
    await page.$eval('h1', (e) => e.focus());
    ok(await evVisible(), 'a click keeps it open');
    eq(await page.$eval(llm, (b) => b.getAttribute('aria-expanded')), 'true', 'aria-expanded after the click');
    await shot(page, 'record-evidence-desktop');
    await page.click(llm);

    // the timeline
    const events = await page.$$eval('.timeline .event', (els) => els.map((e) => ({
      date: e.dataset.date, when: e.querySelector('.event-date').textContent,
      text: e.querySelector('.event-text').textContent,
      actors: [...e.querySelectorAll('.actor')].map((a) => a.textContent),
    })));
    eq(events.length, rec.events.length, 'every event on the timeline');
    const chatgpt = events.find((e) => e.date === '2022-11' && e.text.includes('ChatGPT'));
    ok(chatgpt, `the 2022-11 ChatGPT event: ${JSON.stringify(events).slice(0, 300)}`);
    eq(chatgpt.when, '2022年11月', 'its date in words');
    ok(chatgpt.actors.includes('OpenAI'), `actor OpenAI: ${chatgpt.actors}`);
    const dated = events.filter((e) => e.date).map((e) => e.date);
    eq(dated, [...dated].sort(), 'dated events in time order');
    const firstUndated = events.findIndex((e) => !e.date);
    ok(firstUndated < 0 || events.slice(firstUndated).every((e) => !e.date), 'undated events last');

    const text = await page.$eval('.article-text', (e) => e.textContent);
    ok(text.includes('去年11月，OpenAI发布基于GPT-3.5的ChatGPT'), 'the article text');
    ok(typeof rec.content_html === 'string' && rec.content_html.includes('<p>'), 'the record has cleaned HTML');
    eq(await page.$$eval('.article-text p', (ps) => ps.length), (rec.content_html.match(/<p>/g) || []).length,
      'the text shown with the structure of content_html (one paragraph each)');
    eq(await axe(page), [], 'axe: the record page');
    await shot(page, 'record-desktop');
    await shot(page, 'record-desktop-full', true);
    eq(log.dialogs, [], 'no dialogs');
  } finally {
    await close();
  }
}, { timeout: 60000 });

test('record on a phone: readable, the evidence opens with a tap, axe clean', async () => {
  const d = await daemon();
  const { page, close } = await open(d, `#/articles/${shared.seedId}`, PHONE);
  try {
    await recordShown(page);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    ok(wide <= 390, `no sideways scrolling on a 390 px screen (page is ${wide} px wide)`);
    const chip = '.record-facet[data-facet=technology] button.chip[data-tag="ChatGPT"]';
    await page.tap(chip);
    eq(await page.$eval(chip, (b) => b.getAttribute('aria-expanded')), 'true', 'tap opens the evidence');
    eq(await axe(page), [], 'axe: the record page on a phone');
    await shot(page, 'record-phone');
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    eq(await axe(page), [], 'axe: the record page on a phone, dark scheme');
    await shot(page, 'record-phone-dark');
  } finally {
    await close();
  }
});

test('record: refresh reads the page again (fetching while held, then ready)', async () => {
  const [d, srv] = [await daemon(), await pages()];
  const before = srv.hitCount('/seed.html');
  const { page, close } = await open(d, `#/articles/${shared.seedId}`, DESKTOP);
  const release = srv.hold('/seed.html');
  try {
    await recordShown(page);
    await page.click('button.action-refresh');
    await srv.waitHeld('/seed.html');
    await until(page, () => document.querySelector('.action-out .progress')?.dataset.state === 'fetching');
    release();
    await until(page, () => document.querySelector('.record .note')?.textContent === '已重新抓取。');
    eq(await page.$eval('h1', (e) => e.textContent), SEED_TITLE, 'the record again');
    eq(srv.hitCount('/seed.html'), before + 1, 'the page was fetched once more');
  } finally {
    release();
    await close();
  }
}, { timeout: 60000 });

test('record: a refresh that fails keeps the last good version and says why', async () => {
  const [d, srv] = [await daemon(), await pages()];
  const restore = srv.breakPath('/seed.html');
  const { page, close } = await open(d, `#/articles/${shared.seedId}`, DESKTOP);
  try {
    await recordShown(page);
    const summary = await page.$eval('.summary', (e) => e.textContent);
    await page.click('button.action-refresh');
    await until(page, () => /http_404/.test(document.querySelector('.record .note')?.textContent || ''));
    eq(await page.$eval('.summary', (e) => e.textContent), summary, 'the last good version is still shown');
    eq((await request(d.port, { path: `/articles/${shared.seedId}` })).json.status, 'ready', 'and still ready in the API');
    restore();
    await page.reload();
    await recordShown(page);
    ok(/http_404/.test(await page.$eval('.record .note', (e) => e.textContent)), 'a later visit says the last refresh failed');
  } finally {
    restore();
    await close();
  }
}, { timeout: 60000 });

test('record: edit client tags (PATCH /articles/{id}) where the daemon takes it', async () => {
  const d = await daemon();
  const path = `/articles/${shared.seedId}`;
  const allow = (await request(d.port, { method: 'OPTIONS', path })).headers.allow || '';
  const { page, close } = await open(d, `#${path}`, DESKTOP);
  try {
    await recordShown(page);
    // the button appears only after the page's own OPTIONS check
    await until(page, () => document.querySelector('button.action-edit-tags')?.dataset.checked === 'true');
    if (!/\bPATCH\b/.test(allow)) {
      ok(await page.$eval('button.action-edit-tags', (b) => b.hidden), `no PATCH in Allow (${allow}): the edit action stays hidden`);
      return;
    }
    await until(page, () => !document.querySelector('button.action-edit-tags').hidden);
    await page.click('button.action-edit-tags');
    const input = '.edit-tags input';
    await page.$eval(input, (e) => { e.value = ''; });
    await page.type(input, '研究, later');
    await page.click('.edit-tags button[type=submit]');
    await until(page, () => document.querySelector('.record .note')?.textContent === '标签已保存。');
    eq(await page.$$eval('.record-facet[data-facet=user] button.chip', (b) => b.map((x) => x.textContent)),
      ['研究', 'later'], 'the new client tags on the page');
    eq((await request(d.port, { path })).json.tags.user, ['研究', 'later'], 'and in the API');
  } finally {
    await close();
  }
}, { timeout: 60000 });

test('record: delete asks in the page (no JavaScript dialog), then the record is gone', async () => {
  const d = await daemon();
  const path = `/articles/${shared.enId}`;
  const { page, log, close } = await open(d, `#${path}`, DESKTOP);
  try {
    await recordShown(page);
    await page.click('button.action-delete');
    await until(page, () => document.getElementById('confirm-dialog').open);
    eq(await axe(page), [], 'axe: the delete confirmation');
    await page.keyboard.press('Escape');
    await until(page, () => !document.getElementById('confirm-dialog').open);
    eq((await request(d.port, { path })).status, 200, 'Escape deleted nothing');
    await page.click('button.action-delete');
    await until(page, () => document.getElementById('confirm-dialog').open);
    await page.click('#confirm-dialog .confirm-ok');
    await view(page, 'browse');
    ok((await page.$eval('#flash', (e) => e.textContent)).includes('已删除'), 'says it was deleted');
    eq((await request(d.port, { path })).status, 404, 'the API has it no more');
    eq(log.dialogs, [], 'no JavaScript dialog');
    await page.goto(`${d.origin}/ui/#${path}`);
    await until(page, () => document.querySelector('main h1')?.textContent === '没有这条记录。');
  } finally {
    await close();
  }
});
