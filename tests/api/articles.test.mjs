// articles.test.mjs -- the happy paths of the articles resource on the main
// daemon (guard off): the seed page by URL becomes ready, is readable,
// listable, searchable (q=大模型), filterable by tag/status/lang/date,
// deduplicated, refreshable and deletable; html given in the body is not
// fetched; client tags land in facet "user".
import { test } from './lib/runner.mjs';
import { eq, ok, includes, excludes } from './lib/assert.mjs';
import { mainDaemon, fixture, unique } from './lib/shared.mjs';
import { expectProblem, expectRecord, expectLocation } from './lib/check.mjs';
import { articlePage } from './lib/fixture.mjs';

const SEED_TITLE_PART = '大模型';
const userTag = unique('apitest-seed');
let seed = null;       // the seed record as first answered
let seedUrl = '';

const ids = (r) => r.json().items.map((x) => x.id);

async function seedRecord() {
  if (!seed) throw new Error('the seed submit test failed; nothing to check');
  return seed;
}

test('POST /articles seed page by URL ?wait=10 -> 201 + Location, status ready', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  seedUrl = f.url('/seed.html');
  const before = f.hitCount('/seed.html');
  const r = await d.post('/articles?wait=10', { url: seedUrl, tags: [userTag] }, { timeout: 20000 });
  const rec = expectRecord(r, 201, 'POST seed');
  expectLocation(r, rec);
  eq(rec.status, 'ready', `status (error ${JSON.stringify(rec.error)})`);
  eq(rec.error, null, 'error');
  eq(rec.url, seedUrl, 'url as submitted');
  ok(typeof rec.normalized_url === 'string' && rec.normalized_url.includes('/seed.html'), `normalized_url ${rec.normalized_url}`);
  ok(rec.title && rec.title.includes(SEED_TITLE_PART), `title ${rec.title}`);
  includes(rec.tags.user, userTag, 'client tag in facet user');
  eq(f.hitCount('/seed.html'), before + 1, 'fixture fetched once');
  ok(Date.parse(rec.created_at) <= Date.parse(rec.updated_at), 'created_at <= updated_at');
  seed = rec;
}, { timeout: 25000 });

test('GET /articles/{id} -> 200, the same record', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  const rec = expectRecord(await d.get(`/articles/${s.id}`), 200, 'GET seed');
  for (const k of ['id', 'url', 'normalized_url', 'status', 'title', 'tags', 'keywords', 'created_at'])
    eq(rec[k], s[k], k);
  ok(!('content' in rec), 'no content without include=content');
  ok(!('tag_evidence' in rec), 'no tag_evidence without include=evidence');
});

test('GET /articles/{id}?include=content adds the extracted text', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  const rec = expectRecord(await d.get(`/articles/${s.id}?include=content`), 200, 'include=content');
  ok(typeof rec.content === 'string', 'content is a string');
  ok(rec.content.includes('沈为') && rec.content.includes('大模型的核心壁垒'), 'content holds the article text');
  ok(!rec.content.includes('<p>') && !rec.content.includes('<script'), 'content is text, not markup');
  ok(!('tag_evidence' in rec), 'no tag_evidence');
});

test('GET /articles/{id}?include=evidence and include=content,evidence', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  const ev = expectRecord(await d.get(`/articles/${s.id}?include=evidence`), 200, 'include=evidence');
  ok(ev.tag_evidence && typeof ev.tag_evidence === 'object' && !Array.isArray(ev.tag_evidence), 'tag_evidence object');
  ok(!('content' in ev), 'no content with include=evidence alone');
  const both = expectRecord(await d.get(`/articles/${s.id}?include=content,evidence`), 200, 'both');
  ok(typeof both.content === 'string' && both.tag_evidence && typeof both.tag_evidence === 'object', 'both fields');
});

test('GET /articles lists the seed record; items newest first', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  const r = await d.get('/articles');
  eq(r.status, 200, 'status');
  const list = ids(r);
  includes(list, s.id, 'listing');
  const sorted = [...list].sort((a, b) => b - a);
  eq(list, sorted, 'ids descending');
});

test('GET /articles?q=大模型 finds the seed; an absent word finds nothing', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  includes(ids(await d.get(`/articles?q=${encodeURIComponent('大模型')}`)), s.id, 'q=大模型');
  includes(ids(await d.get(`/articles?q=${encodeURIComponent('核心壁垒')}`)), s.id, 'q=核心壁垒 (content)');
  eq(ids(await d.get(`/articles?q=${encodeURIComponent('zqxjvwkpq')}`)), [], 'q=zqxjvwkpq');
});

test('GET /articles?q= (issue 12): words AND, quoted phrases, single CJK characters and A股 through the index; nothing to search -> 400', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const slug = unique('qclass');
  const title = `今日A股大涨 炒股 ${slug}`;
  const r = await d.post('/articles?wait=10', { url: f.url(`/never-fetched/${slug}`), html: articlePage(slug, title) });
  const rec = expectRecord(r, 201, 'POST html');
  eq(rec.status, 'ready', `status (${JSON.stringify(rec.error)})`);
  const q = async (text) => ids(await d.get(`/articles?q=${encodeURIComponent(text)}&limit=100`));
  includes(await q(`A股 ${slug}`), rec.id, 'A股 (a lone character after a letter)');
  includes(await q(`a股 ${slug}`), rec.id, 'a股 (case folded)');
  includes(await q(`股 ${slug}`), rec.id, '股 (one character, inside 股大 and 炒股)');
  includes(await q(`涨 ${slug}`), rec.id, '涨 (the last character of a run)');
  includes(await q(`炒股 ${slug}`), rec.id, 'two words: both present');
  eq(await q(`${slug} zqxjvwkpq`), [], 'two words: one absent -> nothing (AND)');
  eq(await q(`A大 ${slug}`), [], 'A大 is not in the text');
  includes(await q(`"大涨 炒股" ${slug}`), rec.id, 'a quoted phrase in its order');
  eq(await q(`"炒股 大涨" ${slug}`), [], 'a quoted phrase out of order');
  for (const bad of ['***', '"', '""', '，。']) {
    const b = await d.get(`/articles?q=${encodeURIComponent(bad)}`);
    expectProblem(b, 400, 'invalid-parameter', `q=${bad}`);
  }
}, { timeout: 20000 });

test('GET /articles?tag= finds client tags (label and user:label), not under another facet', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  includes(ids(await d.get(`/articles?tag=${encodeURIComponent(userTag)}`)), s.id, 'tag=label');
  includes(ids(await d.get(`/articles?tag=${encodeURIComponent('user:' + userTag)}`)), s.id, 'tag=user:label');
  excludes(ids(await d.get(`/articles?tag=${encodeURIComponent('industry:' + userTag)}`)), s.id, 'tag=industry:label');
  eq(ids(await d.get(`/articles?tag=${encodeURIComponent(unique('no-such-tag'))}`)), [], 'unknown tag');
});

test('GET /articles?tag= finds the analysed facet tags of the seed (label and facet:label)', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  const facets = Object.entries(s.tags).filter(([f]) => f !== 'user');
  for (const [facet, labels] of facets) {
    for (const label of labels) {
      includes(ids(await d.get(`/articles?tag=${encodeURIComponent(label)}`)), s.id, `tag=${label}`);
      includes(ids(await d.get(`/articles?tag=${encodeURIComponent(facet + ':' + label)}`)), s.id, `tag=${facet}:${label}`);
    }
  }
});

test('GET /tags lists the client tag in facet "user" with its count; facet= filters', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  const all = (await d.get('/tags')).json().items;
  const mine = all.find((t) => t.facet === 'user' && t.tag === userTag);
  ok(mine, `${userTag} in GET /tags`);
  eq(mine.count, 1, 'count');
  for (const [facet, labels] of Object.entries(s.tags))
    for (const label of labels) ok(all.some((t) => t.facet === facet && t.tag === label), `${facet}/${label} in /tags`);
  const user = (await d.get('/tags?facet=user')).json().items;
  ok(user.length > 0 && user.every((t) => t.facet === 'user'), 'facet=user only user tags');
  ok(user.some((t) => t.tag === userTag), 'facet=user has the tag');
  eq((await d.get('/tags?facet=nosuchfacet')).json().items, [], 'unknown facet: no items');
  // Every tag id from GET /tags works as a tag= filter.
  includes(ids(await d.get(`/articles?tag=${encodeURIComponent(mine.id)}`)), s.id, `tag=${mine.id} (the tag's id)`);
  for (const t of all.filter((x) => x.facet !== 'user' && (s.tags[x.facet] || []).includes(x.tag)))
    includes(ids(await d.get(`/articles?tag=${encodeURIComponent(t.id)}`)), s.id, `tag=${t.id}`);
});

test('GET /articles?status= filters by status', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  includes(ids(await d.get('/articles?status=ready')), s.id, 'status=ready');
  excludes(ids(await d.get('/articles?status=failed&limit=100')), s.id, 'status=failed');
  excludes(ids(await d.get('/articles?status=queued&limit=100')), s.id, 'status=queued');
  for (const r of (await d.get('/articles?status=ready&limit=100')).json().items) eq(r.status, 'ready', `record ${r.id}`);
});

test('GET /articles?lang= filters by language', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  if (s.language) {
    const two = s.language.slice(0, 2).toLowerCase();
    includes(ids(await d.get(`/articles?lang=${two}`)), s.id, `lang=${two}`);
  }
  excludes(ids(await d.get('/articles?lang=qq')), s.id, 'lang=qq');
});

test('GET /articles?since=/until= (date and date-time)', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  includes(ids(await d.get('/articles?since=2000-01-01')), s.id, 'since=2000-01-01');
  includes(ids(await d.get('/articles?since=2000-01-01T00:00:00Z')), s.id, 'since date-time');
  includes(ids(await d.get('/articles?until=2999-12-31')), s.id, 'until=2999-12-31');
  excludes(ids(await d.get('/articles?until=2000-01-01')), s.id, 'until=2000-01-01');
  excludes(ids(await d.get('/articles?since=2999-01-01T00:00:00Z')), s.id, 'since=2999');
  includes(ids(await d.get('/articles?since=2000-01-01&until=2999-12-31&status=ready')), s.id, 'combined');
});

test('since/until compare published_at when the page gives one', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  if (!s.published_at) {
    // No date extracted: the fallback is created_at (today), checked above.
    excludes(ids(await d.get('/articles?until=2001-01-01')), s.id, 'until=2001');
    return;
  }
  const year = Number(s.published_at.slice(0, 4));
  includes(ids(await d.get(`/articles?since=${year}-01-01&until=${year}-12-31T23:59:59Z`)), s.id, `within ${year}`);
  excludes(ids(await d.get(`/articles?since=${year + 1}-01-01`)), s.id, `since ${year + 1} (published_at wins over created_at)`);
});

test('dedupe: same URL with utm_* parameters and a #fragment -> 200, same id, nothing fetched or created', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const s = await seedRecord();
  const countBefore = (await d.listAll()).length;
  const hits = f.hitCount('/seed.html');
  for (const variant of [
    f.url('/seed.html?utm_source=newsletter&utm_medium=email#section-2'),
    f.url('/seed.html#top'),
    f.url('/seed.html').replace('http://', 'HTTP://'),
    f.url('/seed.html?fbclid=abc123'),
  ]) {
    const r = await d.post('/articles', { url: variant });
    const rec = expectRecord(r, 200, `dedupe ${variant}`);
    eq(rec.id, s.id, `same id for ${variant}`);
    eq(rec.url, seedUrl, 'url stays as first submitted');
  }
  const again = expectRecord(await d.post('/articles?wait=5', { url: seedUrl }), 200, 'same URL with wait');
  eq(again.id, s.id, 'same id');
  eq((await d.listAll()).length, countBefore, 'no new record');
  eq(f.hitCount('/seed.html'), hits, 'nothing fetched');
});

test('dedupe also matches the canonical URL of a stored page', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const slug = unique('canon');
  const canonical = f.url(`/canonical/${slug}`);
  const page = articlePage(slug).replace('</head>', `<link rel="canonical" href="${canonical}"></head>`);
  f.page(`/amp/${slug}`, { body: page });
  f.page(`/canonical/${slug}`, { body: page });
  const rec = expectRecord(await d.post('/articles?wait=10', { url: f.url(`/amp/${slug}?utm_campaign=x`) }), 201, 'first');
  eq(rec.status, 'ready', 'ready');
  eq(rec.canonical_url, canonical, 'canonical_url');
  const again = await d.post('/articles', { url: canonical });
  const r2 = expectRecord(again, 200, 'canonical URL submitted');
  eq(r2.id, rec.id, 'same record');
  eq(f.hitCount(`/canonical/${slug}`), 0, 'canonical URL not fetched');
});

test('dedupe keeps distinct query parameters distinct', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const s = await seedRecord();
  const u = f.url(`/seed.html?id=${unique('q')}`);
  const r = await d.post('/articles', { url: u, html: articlePage('distinct-query') });
  ok(r.status === 202 || r.status === 201, `status ${r.status}`);
  ok(r.json().id !== s.id, 'a new record');
});

test('concurrent submits of one new URL: one record, one 201/202, the rest 200 with the same id', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const slug = unique('race');
  const url = f.url(`/gen/${slug}`);
  const before = (await d.listAll()).length;
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    d.post('/articles', { url: i % 2 ? url : `${url}?utm_source=r${i}` })));
  const st = answers.map((r) => r.status);
  const created = st.filter((x) => x === 202 || x === 201).length;
  eq(created, 1, `exactly one created (statuses ${st})`);
  eq(st.filter((x) => x === 200).length, 11, `the others 200 (statuses ${st})`);
  eq(new Set(answers.map((r) => r.json().id)).size, 1, 'one id');
  eq((await d.listAll()).length, before + 1, 'one new row');
  await d.waitStatus(answers[0].json().id);
  eq(f.hitCount(`/gen/${slug}`), 1, 'fetched once');
});

test('concurrent submits of 30 different URLs: 30 records, all ready, each page fetched once', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const slugs = Array.from({ length: 30 }, () => unique('par'));
  const answers = await Promise.all(slugs.map((s) => d.post('/articles', { url: f.url(`/gen/${s}`) })));
  ok(answers.every((r) => r.status === 202 || r.status === 201), `statuses ${answers.map((r) => r.status)}`);
  const idset = new Set(answers.map((r) => r.json().id));
  eq(idset.size, 30, 'distinct ids');
  for (const r of answers) eq((await d.waitStatus(r.json().id, ['ready', 'failed'], 30000)).status, 'ready', `record ${r.json().id}`);
  for (const s of slugs) eq(f.hitCount(`/gen/${s}`), 1, `${s} fetched once`);
}, { timeout: 60000 });

test('POST /articles ?refresh=1 on a stored URL -> 202, same id, still ready with a queued job, fetched again', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const s = await seedRecord();
  const hits = f.hitCount('/seed.html');
  const r = await d.post('/articles?refresh=1', { url: seedUrl });
  const rec = expectRecord(r, 202, 'refresh=1');
  expectLocation(r, rec);
  eq(rec.id, s.id, 'same id');
  const done = await d.waitStatus(s.id, ['ready', 'failed']);
  eq(done.status, 'ready', 'ready again');
  eq(f.hitCount('/seed.html'), hits + 1, 'fetched once more');
  eq(rec.status, 'ready', 'status in the 202 answer: the good version stays');
  eq(rec.job && rec.job.state, 'queued', 'job in the 202 answer');
  eq(done.job, null, 'no job once done');
  eq(done.last_refresh && done.last_refresh.status, 'ready', 'last_refresh');
});

test('POST /articles/{id}/refresh -> 202 record still ready with a queued job, then refreshed', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const s = await seedRecord();
  const hits = f.hitCount('/seed.html');
  const rec = expectRecord(await d.post(`/articles/${s.id}/refresh`), 202, 'refresh');
  eq(rec.id, s.id, 'same id');
  eq((await d.waitStatus(s.id)).status, 'ready', 'ready again');
  eq(f.hitCount('/seed.html'), hits + 1, 'fetched once more');
  expectProblem(await d.post('/articles/987654321/refresh'), 404, 'not-found', 'refresh unknown id');
  eq(rec.status, 'ready', 'status in the 202 answer');
  eq(rec.job && rec.job.state, 'queued', 'job in the 202 answer');
});

test('POST /articles with html: nothing fetched, ready from the given page, client tags in "user"', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const slug = unique('given');
  const title = `Council budget approved ${slug}`;
  const total = f.totalHits();
  const u = f.url(`/never-fetched/${slug}`);
  const r = await d.post('/articles?wait=10', { url: u, html: articlePage(slug, title), tags: ['mine', 'to-read'] });
  const rec = expectRecord(r, 201, 'POST html');
  expectLocation(r, rec);
  eq(rec.status, 'ready', `status (${JSON.stringify(rec.error)})`);
  eq(rec.title, title, 'title from the given page');
  eq([...rec.tags.user].sort(), ['mine', 'to-read'], 'user tags');
  eq(f.hitCount(`/never-fetched/${slug}`), 0, 'page path never requested');
  eq(f.totalHits(), total, 'fixture saw no request at all');
  includes(ids(await d.get(`/articles?q=${encodeURIComponent(slug)}`)), rec.id, 'searchable by a word of the page');
}, { timeout: 20000 });

test('POST /articles without wait -> 202 + Location + queued record; Location is readable', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const r = await d.post('/articles', { url: f.url(`/slow?ms=3000&k=${unique('q')}`) });
  const rec = expectRecord(r, 202, 'POST slow');
  expectLocation(r, rec);
  eq(rec.error, null, 'error');
  eq(rec.title, null, 'title unknown yet');
  eq(rec.keywords, [], 'keywords');
  eq(rec.events, [], 'events');
  eq(rec.tags, {}, 'tags');
  eq(rec.word_count, null, 'word_count');
  const g = expectRecord(await d.get(r.headers.location), 200, 'GET Location');
  eq(g.id, rec.id, 'same id');
  ok(['queued', 'fetching'].includes(g.status), `status ${g.status}`);
  eq(rec.status, 'queued', 'status in the 202 answer');
});

test('POST ?wait=0 and ?wait=1 on a slow page -> 202 (job not done in time)', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  // The slow page answers after 3 s and the main daemon gives up after 2 s,
  // so a job cannot end within 0 or 1 s: 201 here would be wrong.
  for (const w of [0, 1]) {
    const r = await d.post(`/articles?wait=${w}`, { url: f.url(`/slow?ms=3000&k=${unique('w')}`) });
    const rec = expectRecord(r, 202, `wait=${w}`);
    expectLocation(r, rec);
    ok(['queued', 'fetching'].includes(rec.status), `status ${rec.status}`);
  }
});

test('Content-Type application/json; charset=utf-8 is accepted', async () => {
  const d = await mainDaemon();
  const slug = unique('charset');
  const r = await d.req({ method: 'POST', path: '/articles',
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ url: `http://127.0.0.1:9/${slug}`, html: articlePage(slug) }) });
  ok(r.status === 202 || r.status === 201, `status ${r.status}: ${r.text.slice(0, 200)}`);
});

test('?wait=60 is accepted (html given: ends at once -> 201)', async () => {
  const d = await mainDaemon();
  const slug = unique('w60');
  const rec = expectRecord(await d.post('/articles?wait=60', { url: `http://127.0.0.1:9/${slug}`, html: articlePage(slug) }), 201, 'wait=60');
  eq(rec.status, 'ready', 'ready');
});

test('tags are counted in characters: 64 CJK characters (192 bytes) are accepted', async () => {
  const d = await mainDaemon();
  const slug = unique('cjk');
  const tag = '模'.repeat(64);
  const rec = expectRecord(await d.post('/articles?wait=10', { url: `http://127.0.0.1:9/${slug}`, html: articlePage(slug), tags: [tag] }), 201, 'cjk tag');
  eq(rec.tags.user, [tag], 'tag kept whole');
});

test('a URL of exactly 4096 bytes and 20 tags of 64 chars are accepted', async () => {
  const d = await mainDaemon();
  const base = `http://127.0.0.1:9/${unique('long')}/`;
  const u = base + 'a'.repeat(4096 - base.length);
  eq(Buffer.byteLength(u), 4096, 'url length');
  const tags = Array.from({ length: 20 }, (_, i) => String(i).padStart(2, '0') + 'x'.repeat(62));
  const r = await d.post('/articles?wait=10', { url: u, html: articlePage('long'), tags });
  const rec = expectRecord(r, 201, 'long url');
  eq(rec.url, u, 'url kept');
  eq(rec.tags.user.length, 20, 'all 20 tags kept');
});

test('seed page in GBK (charset only in <meta http-equiv>) -> ready, same title as the UTF-8 page', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const s = await seedRecord();
  const rec = expectRecord(await d.post('/articles?wait=10', { url: f.url('/seed-gbk.html') }, { timeout: 20000 }), 201, 'gbk');
  eq(rec.status, 'ready', `status (${JSON.stringify(rec.error)})`);
  eq(rec.title, s.title, 'title decoded from GBK');
}, { timeout: 25000 });

test('DELETE /articles/{id} -> 204 empty; then GET/DELETE/refresh 404 and gone from lists', async () => {
  const d = await mainDaemon();
  const slug = unique('del');
  const tag = unique('deltag');
  const rec = expectRecord(await d.post('/articles?wait=10', {
    url: `http://127.0.0.1:9/${slug}`, html: articlePage(slug), tags: [tag],
  }), 201, 'create');
  const r = await d.del(`/articles/${rec.id}`);
  eq(r.status, 204, 'status');
  eq(r.body.length, 0, 'empty body');
  expectProblem(await d.get(`/articles/${rec.id}`), 404, 'not-found', 'GET deleted');
  expectProblem(await d.del(`/articles/${rec.id}`), 404, 'not-found', 'DELETE again');
  expectProblem(await d.post(`/articles/${rec.id}/refresh`), 404, 'not-found', 'refresh deleted');
  excludes((await d.listAll()).map((x) => x.id), rec.id, 'listing');
  eq(ids(await d.get(`/articles?q=${encodeURIComponent(slug)}`)), [], 'search');
  eq(ids(await d.get(`/articles?tag=${encodeURIComponent(tag)}`)), [], 'tag filter');
  ok(!(await d.get('/tags?facet=user')).json().items.some((t) => t.tag === tag && t.count > 0), 'tag count gone');
});

test('DELETE the seed record -> 204, GET 404, not listed, not found by q=大模型', async () => {
  const d = await mainDaemon();
  const s = await seedRecord();
  eq((await d.del(`/articles/${s.id}`)).status, 204, 'status');
  expectProblem(await d.get(`/articles/${s.id}`), 404, 'not-found', 'GET deleted seed');
  excludes((await d.listAll()).map((x) => x.id), s.id, 'listing');
  excludes(ids(await d.get(`/articles?q=${encodeURIComponent('大模型')}&limit=100`)), s.id, 'search');
});

test('pagination: limit + next_cursor walk every record once, newest first', async () => {
  const d = await mainDaemon();
  for (let i = 0; i < 5; i++) {
    const slug = unique('page');
    const r = await d.post('/articles', { url: `http://127.0.0.1:9/${slug}`, html: articlePage(slug) });
    ok(r.status === 202 || r.status === 201, `create ${r.status}`);
  }
  const all = (await d.get('/articles?limit=100')).json();
  ok(all.items.length >= 5, 'at least 5 records');
  const walked = await d.listAll('', 2);
  eq(walked.map((x) => x.id), all.items.map((x) => x.id), 'pages of 2 == one page of 100');
  const first = (await d.get('/articles?limit=2')).json();
  eq(first.items.length, 2, 'page size');
  ok(typeof first.next_cursor === 'string' && first.next_cursor.length > 0, 'next_cursor');
  const def = (await d.get('/articles')).json();
  ok(def.items.length === Math.min(20, all.items.length), `default limit 20 (got ${def.items.length})`);
  const one = (await d.get('/articles?limit=1')).json();
  eq(one.items.length, 1, 'limit=1');
  ok(all.items.length < 100, `fewer than 100 records in the main daemon (${all.items.length})`);
  eq(all.next_cursor, null, 'one page holds everything: next_cursor null');
  // Cursors combine with filters: walking status=ready in pages of 1.
  const ready = all.items.filter((x) => x.status === 'ready').map((x) => x.id);
  const walkedReady = (await d.listAll('status=ready', 1)).map((x) => x.id);
  ok(walkedReady.every((id, i) => i === 0 || id < walkedReady[i - 1]), 'filtered walk descending');
  ok(ready.every((id) => walkedReady.includes(id)), 'filtered walk covers the ready records');
}, { timeout: 30000 });
