// content.test.mjs -- the article as sanitized HTML and Markdown through
// the API (schema v7): a hostile page pushed as html comes back with
// ?include=html / ?include=markdown holding its structure (headings,
// lists, quote, figure, table, code) with links and images absolute and
// nothing script-capable; the fields are absent without include, a bad
// include is a 400, and authors is the list author heads.
import { readFileSync } from 'node:fs';
import { test } from './lib/runner.mjs';
import { eq, ok } from './lib/assert.mjs';
import { mainDaemon, unique } from './lib/shared.mjs';
import { expectProblem, expectRecord } from './lib/check.mjs';

const HOSTILE = readFileSync('tests/extract/render-hostile/input.html', 'utf8');
const GRAPH = readFileSync('tests/extract/authors-graph-byline/input.html', 'utf8');
let hostile = null;

// Everything that could run script in a browser, in any case.
const SCRIPTY = [/<script/i, /<style/i, /<iframe/i, /<form/i, /<input/i, /<svg/i, /<object/i,
  /<embed/i, /\son[a-z]+\s*=/i, /javascript:/i, /vbscript:/i, /data:text/i, /style\s*=/i];

test('POST a hostile page as html -> ready; include=html gives its structure, sanitized', async () => {
  const d = await mainDaemon();
  const url = `https://news.example.org/${unique('content')}/tide-gauge`;
  const rec = expectRecord(await d.post('/articles?wait=10', { url, html: HOSTILE }), 201, 'POST hostile');
  eq(rec.status, 'ready', `status (error ${JSON.stringify(rec.error)})`);
  ok(!('content_html' in rec) && !('content_markdown' in rec), 'no html/markdown without include');
  hostile = rec;
  const got = expectRecord(await d.get(`/articles/${rec.id}?include=html`), 200, 'include=html');
  const h = got.content_html;
  ok(typeof h === 'string' && h.length > 500, `content_html is the article (${h && h.length} bytes)`);
  ok(!('content_markdown' in got), 'markdown only when asked');
  for (const part of ['<h2>The float and the well</h2>', '<ul><li>The well is open to the sea',
    '<blockquote><p>We trust the float', '<figcaption>The gauge hut on the north pier',
    '<td colspan="2">5.4 in week 2</td>', '<pre><code>level = drum_turns'])
    ok(h.includes(part), `content_html has ${part}`);
  ok(h.includes('<a href="https://news.example.org/history/gauge">Its history</a>'), 'links made absolute');
  ok(h.includes('<img src="https://news.example.org/img/gauge.jpg"'), 'images made absolute');
  for (const re of SCRIPTY)
    ok(!re.test(h), `content_html has nothing matching ${re}`);
  ok(!h.includes('injected by script') && !h.includes('Copyright'), 'no script output, no footer');
});

test('GET ?include=markdown,content gives CommonMark of the same article', async () => {
  const d = await mainDaemon();
  ok(hostile, 'the hostile page was stored');
  const got = expectRecord(await d.get(`/articles/${hostile.id}?include=markdown,content`), 200, 'include=markdown');
  const m = got.content_markdown;
  ok(typeof m === 'string', 'content_markdown is a string');
  for (const part of ['## The float and the well', '[Its history](https://news.example.org/history/gauge)',
    '- The float is checked against a **tide staff**', '> We trust the float',
    '![The gauge hut on the north pier](https://news.example.org/img/gauge.jpg)', '```\nlevel = drum_turns'])
    ok(m.includes(part), `content_markdown has ${part}`);
  ok(!/javascript:/i.test(m) && !/data:text/i.test(m), 'no refused link in markdown');
  ok(!/(^|[^\\])<script/i.test(m), 'no raw script tag in markdown');
  ok(got.content.includes('stilling well'), 'content still the text');
});

test('authors: the list, author its first; lists carry authors too', async () => {
  const d = await mainDaemon();
  const url = `https://blog.example.de/${unique('authors')}/bruecke`;
  const rec = expectRecord(await d.post('/articles?wait=10', { url, html: GRAPH }), 201, 'POST graph page');
  eq(JSON.stringify(rec.authors), JSON.stringify(['Anna Schmidt', 'Peter Weber']), 'authors');
  eq(rec.author, 'Anna Schmidt', 'author is the first');
  const list = await d.get('/articles?limit=100');
  eq(list.status, 200, 'list');
  const item = list.json().items.find((x) => x.id === rec.id);
  ok(item && Array.isArray(item.authors) && item.authors.length === 2, 'list item has authors');
});

test('GET ?include=html,bogus -> 400 problem, nothing else changes', async () => {
  const d = await mainDaemon();
  ok(hostile, 'the hostile page was stored');
  const doc = expectProblem(await d.get(`/articles/${hostile.id}?include=html,bogus`), 400, 'invalid-parameter', 'bad include');
  ok(doc.detail.includes('markdown'), 'the detail names what include takes');
  const again = expectRecord(await d.get(`/articles/${hostile.id}`), 200, 'GET after');
  eq(again.updated_at, hostile.updated_at, 'record unchanged');
});
