// browse.test.mjs -- the list: newest first; facet filters from GET /tags
// with their counts (technology 大模型 finds the seed, a tag it lacks
// excludes it); full-text search q=大模型; language and date filters; the
// filters in the address, so a bookmark opens the same view; paging through
// the API's cursors when the list is scrolled.
import { eq, ok } from '../api/lib/assert.mjs';
import { test } from '../api/lib/runner.mjs';
import { API_KEY, DESKTOP, PHONE, axe, daemon, open, request, shot, submit, texts, until, view } from './lib/env.mjs';
import { SEED_TITLE, shared } from './save.test.mjs';

const EN_TITLE = 'Harbour markets reopen after the storm';
const cardTitles = (page) => texts(page, '.cards .card-title');
const listDone = (page) => until(page, () => {
  const info = document.querySelector('.list-info')?.textContent || '';
  return info && !/加载中|Loading/.test(info);
});

test('browse: newest first; the facet chips carry the counts of GET /tags', async () => {
  ok(shared.seedId && shared.enId, 'the save tests ran first');
  const d = await daemon();
  const { page, close } = await open(d, '#/', DESKTOP);
  try {
    await view(page, 'browse');
    await listDone(page);
    const ids = await page.$$eval('.cards .card', (els) => els.map((e) => Number(e.dataset.id)));
    eq(ids, [...ids].sort((a, b) => b - a), 'newest first');
    ok(ids.includes(shared.seedId) && ids.includes(shared.enId), `both saved records listed: ${ids}`);
    const tags = (await request(d.port, { path: '/tags' })).json.items;
    const chips = await page.$$eval('.facet-tags a.chip', (els) => els.map((e) => ({
      facet: e.dataset.facet, tag: e.dataset.tag, count: Number(e.querySelector('.count').textContent),
    })));
    eq(chips.length, tags.length, 'one chip per tag of GET /tags');
    for (const tg of tags)
      ok(chips.some((c) => c.facet === tg.facet && c.tag === tg.tag && c.count === tg.count),
        `chip ${tg.facet}:${tg.tag} with count ${tg.count}`);
    eq(await axe(page), [], 'axe: browse, desktop');
    await shot(page, 'browse-desktop');
  } finally {
    await close();
  }
});

test('browse: technology 大模型 finds the seed, a tag it lacks excludes it; the filter is in the address', async () => {
  const d = await daemon();
  const { page, close } = await open(d, '#/', DESKTOP);
  try {
    await view(page, 'browse');
    await listDone(page);
    await page.click('.facet[data-facet=technology] a.chip[data-tag="大模型"]');
    await until(page, () => decodeURIComponent(location.hash).includes('tag=technology:大模型'));
    await listDone(page);
    eq(await cardTitles(page), [SEED_TITLE], 'technology 大模型: the seed only');
    ok(await page.$eval('a.chip[data-tag="大模型"]', (e) => e.getAttribute('aria-current') === 'true'), 'the chosen chip is marked');
    eq(await texts(page, '.active-filter span'), ['技术：大模型'], 'the filter in force is shown');
    const seedTags = (await request(d.port, { path: `/articles/${shared.seedId}` })).json.tags;
    const enRec = (await request(d.port, { path: `/articles/${shared.enId}` })).json;
    const [facet, list] = Object.entries(enRec.tags).find(([f, l]) => l.some((x) => !(seedTags[f] || []).includes(x)));
    const other = list.find((x) => !(seedTags[facet] || []).includes(x));
    await page.click(`.facet[data-facet="${facet}"] a.chip[data-tag="${other}"]`);
    await until(page, (v) => decodeURIComponent(location.hash).includes(`tag=${v}`), `${facet}:${other}`);
    await listDone(page);
    const titles = await cardTitles(page);
    ok(!titles.includes(SEED_TITLE), `${facet}:${other} excludes the seed: ${titles}`);
    ok(titles.includes(EN_TITLE), `${facet}:${other} finds the English article`);
    // the chip chosen again removes the filter
    await page.click(`.facet[data-facet="${facet}"] a.chip[data-tag="${other}"]`);
    await until(page, () => !location.hash.includes('tag='));
  } finally {
    await close();
  }
});

test('browse: search q=大模型, language and date filters, a bookmarked view', async () => {
  const d = await daemon();
  const { page, close } = await open(d, '#/', PHONE);
  try {
    await view(page, 'browse');
    await listDone(page);
    // on a phone the filters fold away; open them
    if (!(await page.$eval('details.filters', (e) => e.open))) await page.click('details.filters > summary');
    await page.type('input[name=q]', '大模型');
    await page.keyboard.press('Enter');
    await until(page, () => decodeURIComponent(location.hash).includes('q=大模型'));
    await listDone(page);
    eq(await cardTitles(page), [SEED_TITLE], 'q=大模型');
    eq(await page.$eval('input[name=q]', (e) => e.value), '大模型', 'the field keeps the query');
    eq(await axe(page), [], 'axe: browse with a search, phone');
    await shot(page, 'browse-phone');
    await page.select('select[name=lang]', 'en');
    await until(page, () => location.hash.includes('lang=en'));
    await listDone(page);
    eq(await cardTitles(page), [], 'q=大模型 and lang=en: nothing');
    ok(/没有符合/.test(await page.$eval('.list-info', (e) => e.textContent)), 'says nothing matches');
  } finally {
    await close();
  }
  // a bookmark: the address alone sets the filters
  const b = await open(d, '#/?lang=zh&since=2023-07-01&until=2023-07-31', DESKTOP);
  try {
    await view(b.page, 'browse');
    await listDone(b.page);
    eq(await cardTitles(b.page), [SEED_TITLE], 'zh, July 2023');
    eq(await b.page.$eval('select[name=lang]', (e) => e.value), 'zh', 'language field from the address');
    eq(await b.page.$eval('input[name=since]', (e) => e.value), '2023-07-01', 'since field from the address');
    await b.page.goto(`${d.origin}/ui/#/?since=2023-08-01`);
    await listDone(b.page);
    ok(!(await cardTitles(b.page)).includes(SEED_TITLE), 'since 2023-08-01 leaves out the seed (published 2023-07-03)');
  } finally {
    await b.close();
  }
});

test('browse: scrolling down loads the next pages through next_cursor', async () => {
  const d = await daemon('keyed');
  const auth = { Authorization: `Bearer ${API_KEY}` };
  const n = 45;
  const { articlePage } = (await import('module')).createRequire(import.meta.url)('../harness/pages.js');
  for (let i = 0; i < n; i++)
    await submit(d, { url: `http://127.0.0.1:9/paging/${i}`, html: articlePage(1000 + i) }, auth);
  const { page, log, close } = await open(d, '#/', DESKTOP);
  try {
    await view(page, 'browse');
    await listDone(page);
    eq((await cardTitles(page)).length, 20, 'the first page');
    // scroll to the end, as often as the list grows (3 pages at most)
    let count = 20;
    for (let i = 0; i < 5 && !(await page.$eval('button.more', (b) => b.hidden)); i++) {
      await page.$eval('button.more', (b) => b.scrollIntoView());
      count = await until(page, (c) => {
        const m = document.querySelectorAll('.cards .card').length;
        return m > c || document.querySelector('button.more').hidden ? m : false;
      }, count);
    }
    await listDone(page);
    const pagesAsked = log.requests.filter((r) => /\/articles\?.*cursor=/.test(r));
    eq(pagesAsked.length, 2, `pages 2 and 3 asked with next_cursor: ${pagesAsked}`);
    ok(await page.$eval('button.more', (b) => b.hidden), 'no more button after the last page');
    const ids = await page.$$eval('.cards .card', (els) => els.map((e) => Number(e.dataset.id)));
    eq(new Set(ids).size, n, 'every record once');
    eq(ids, [...ids].sort((a, b) => b - a), 'newest first across pages');
  } finally {
    await close();
  }
}, { timeout: 90000 });
