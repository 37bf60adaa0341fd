// badinput.test.mjs -- every bad input of the contract and of issue 2:
// each answers a 4xx application/problem+json whose detail says what was
// wrong, and the database is unchanged afterwards (sha256 of `sqlite3
// .dump` and the full listing), and the daemon is still up.
import { test } from './lib/runner.mjs';
import { eq, ok } from './lib/assert.mjs';
import { sharedDaemon, newFixture, unique } from './lib/shared.mjs';
import { expectProblem, expectRecord } from './lib/check.mjs';
import { articlePage } from './lib/fixture.mjs';

const bd = () => sharedDaemon('badinput', { workers: 1, fetchTimeout: 2 });
let snap = null;
let cursor = null;
let counter = null;   // a fixture server that must never be asked anything
let known = [];

test('bad input: setup: three ready records, a real cursor, a snapshot', async () => {
  const d = await bd();
  counter = await newFixture();
  for (let i = 0; i < 3; i++) {
    const slug = unique('bi');
    const r = await d.post('/articles?wait=10', { url: `http://127.0.0.1:9/${slug}`, html: articlePage(slug), tags: ['bad-input'] });
    const rec = expectRecord(r, 201, 'seed record');
    eq(rec.status, 'ready', 'ready');
    known.push(rec.id);
  }
  await d.settle();
  const page = (await d.get('/articles?limit=1')).json();
  ok(typeof page.next_cursor === 'string' && page.next_cursor.length >= 2, `next_cursor ${page.next_cursor}`);
  cursor = page.next_cursor;
  snap = await d.snapshot();
  ok(snap.dump !== null, 'sqlite3 CLI available for the database checksum');
}, { timeout: 30000 });

/** Problems with the database/fixture state since the last snapshot; re-baselines. */
async function changes(d, what) {
  if (!snap) return ['setup failed'];
  const before = snap;
  const now = await d.snapshot();
  const hits = counter.totalHits();
  const out = [];
  if (now.list !== before.list) out.push(`listing changed after ${what}: ${now.list.slice(0, 300)}`);
  if (now.dump !== before.dump) out.push(`database dump changed after ${what}`);
  if (hits) out.push(`${hits} fetch(es) of the counting server after ${what}`);
  if (out.length) {
    // Re-baseline so that one failure does not fail every later test.
    await d.settle().catch(() => {});
    snap = await d.snapshot();
    counter.log.length = 0;
    counter.hits.clear();
  }
  return out;
}

/** Register: `send(d)` must answer `status` with one of `slugs`; DB unchanged. */
function bad(name, send, status, slugs, detailRe) {
  test(`bad input: ${name} -> ${status} ${[].concat(slugs).join('|')}`, async () => {
    const d = await bd();
    let err = null;
    try {
      const r = await send(d);
      const doc = expectProblem(r, status, slugs, name);
      if (detailRe) ok(detailRe.test(doc.detail), `detail "${doc.detail}" should match ${detailRe}`);
    } catch (e) {
      err = e;
    }
    const changed = await changes(d, name);
    if (err) throw changed.length ? new Error(`${err.message}\n${changed.join('\n')}`) : err;
    ok(changed.length === 0, changed.join('\n'));
    eq((await d.get('/healthz')).status, 200, 'daemon alive');
  });
}

const target = () => counter.url(`/never/${unique('t')}`);
const postRaw = (body, ct = 'application/json', path = '/articles') => (d) =>
  d.req({ method: 'POST', path, body, headers: ct ? { 'Content-Type': ct } : {} });
const postJson = (obj, path = '/articles') => (d) => d.post(path, obj);

// --- malformed JSON
for (const [n, body] of [
  ['empty body', ''],
  ['truncated object', '{"url": "http://127.0.0.1:9/x"'],
  ['unquoted key', '{url: "http://127.0.0.1:9/x"}'],
  ['single quotes', "{'url': 'http://127.0.0.1:9/x'}"],
  ['trailing garbage', '{"url": "http://127.0.0.1:9/x"} }'],
  ['trailing comma', '{"url": "http://127.0.0.1:9/x",}'],
  ['bare word', 'url'],
  ['raw NUL byte inside a string', Buffer.from('{"url": "http://127.0.0.1:9/\u0000x"}')],
]) bad(`malformed JSON (${n})`, postRaw(body), 400, 'invalid-json');

bad('invalid UTF-8 in the JSON text',
  postRaw(Buffer.concat([Buffer.from('{"url": "http://127.0.0.1:9/'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])),
  400, ['invalid-json', 'invalid-body', 'invalid-url']);

// --- JSON that is not an object
for (const v of ['[]', '["http://127.0.0.1:9/x"]', '"http://127.0.0.1:9/x"', '42', 'null', 'true'])
  bad(`non-object JSON ${v}`, postRaw(v), 400, 'invalid-body');

bad('deeply nested JSON (100000 levels)', postRaw('['.repeat(100000) + ']'.repeat(100000)), 400, ['invalid-json', 'invalid-body']);
bad('duplicate "url" keys', postRaw('{"url": "http://127.0.0.1:9/a", "url": "http://127.0.0.1:9/b"}'), 400, ['invalid-json', 'invalid-body']);

// --- unknown fields
bad('unknown field "foo"', (d) => d.post('/articles', { url: target(), foo: 1 }), 400, 'invalid-body', /foo/);
bad('unknown field "URL" (case matters)', (d) => d.post('/articles', { URL: target() }), 400, ['invalid-body', 'invalid-url']);

// --- url missing / empty / wrong type / too long / not http(s) / no host
bad('url missing ({})', postJson({}), 400, 'invalid-url', /url/i);
bad('url missing (only html)', postJson({ html: '<p>x</p>' }), 400, 'invalid-url', /url/i);
bad('url empty', postJson({ url: '' }), 400, 'invalid-url', /url/i);
for (const v of [42, null, true, ['http://127.0.0.1:9/x'], { href: 'http://127.0.0.1:9/x' }])
  bad(`url not a string (${JSON.stringify(v)})`, postJson({ url: v }), 400, ['invalid-body', 'invalid-url'], /url/i);
bad('url over 4096 bytes', (d) => {
  const base = counter.url('/never/long/');
  return d.post('/articles', { url: base + 'a'.repeat(4097 - base.length) });
}, 400, 'invalid-url', /url/i);
bad('url of 100000 bytes', (d) => d.post('/articles', { url: counter.url('/') + 'b'.repeat(100000) }), 400, 'invalid-url');
// (the counting server's port is known only at run time, hence functions)
for (const [n, mk] of [
  ['ftp://', (p) => `ftp://127.0.0.1:${p}/x`], ['file://', () => 'file:///etc/passwd'],
  ['gopher://', (p) => `gopher://127.0.0.1:${p}/_x`], ['dict://', (p) => `dict://127.0.0.1:${p}/d`],
  ['javascript:', () => 'javascript:alert(1)'], ['mailto:', () => 'mailto:someone@127.0.0.1'],
  ['data:', () => 'data:text/html,<p>x</p>'], ['no scheme', (p) => `127.0.0.1:${p}/x`],
  ['scheme-relative', (p) => `//127.0.0.1:${p}/x`], ['a path', () => '/relative/path'], ['words', () => 'not a url'],
])
  bad(`url not http(s) (${n})`, (d) => d.post('/articles', { url: mk(counter.port) }), 400, 'invalid-url', /url|scheme|http/i);
// PORT: the counting server's, so a URL wrongly accepted and fetched shows as a hit.
for (const u of ['http://', 'http:///127.0.0.1:PORT/x', 'https://:PORT/', 'http://?q=1', 'http://#frag', 'https://@/x', 'http://:@:PORT/'])
  bad(`url without a host ${JSON.stringify(u)}`, (d) => d.post('/articles', { url: u.replace('PORT', counter.port) }), 400, 'invalid-url');
bad('url with an escaped NUL (\\u0000)', postJson({ url: 'http://127.0.0.1:9/a\u0000b' }), 400, ['invalid-url', 'invalid-body', 'invalid-json']);

// --- html / tags of the wrong shape
bad('html not a string', (d) => d.post('/articles', { url: target(), html: 5 }), 400, 'invalid-body', /html/);
bad('tags not an array', (d) => d.post('/articles', { url: target(), tags: 'x' }), 400, 'invalid-body', /tags/);
bad('tags with 21 items', (d) => d.post('/articles', { url: target(), tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 400, 'invalid-body', /tags/);
bad('a tag that is empty', (d) => d.post('/articles', { url: target(), tags: ['ok', ''] }), 400, 'invalid-body', /tag/);
bad('a tag of 65 chars', (d) => d.post('/articles', { url: target(), tags: ['x'.repeat(65)] }), 400, 'invalid-body', /tag/);
bad('a tag of 65 CJK characters', (d) => d.post('/articles', { url: target(), tags: ['模'.repeat(65)] }), 400, 'invalid-body', /tag/);
bad('a tag that is not a string', (d) => d.post('/articles', { url: target(), tags: [1] }), 400, 'invalid-body', /tag/);

// --- content type and body size
bad('Content-Type text/plain', (d) => postRaw(JSON.stringify({ url: target() }), 'text/plain')(d), 415, 'unsupported-media-type');
bad('no Content-Type', (d) => postRaw(JSON.stringify({ url: target() }), null)(d), 415, 'unsupported-media-type');
bad('Content-Type form-urlencoded', (d) => postRaw(`url=${encodeURIComponent(target())}`, 'application/x-www-form-urlencoded')(d), 415, 'unsupported-media-type');
bad('Content-Type application/jsonx', (d) => postRaw(JSON.stringify({ url: target() }), 'application/jsonx')(d), 415, 'unsupported-media-type');
bad('body over the 1 MiB cap', (d) => d.post('/articles', { url: target(), html: 'x'.repeat(1024 * 1024 + 16) }), 413, 'body-too-large');
bad('body of 8 MiB', (d) => postRaw(Buffer.alloc(8 << 20, 0x20))(d), 413, 'body-too-large');

// --- ?wait / ?refresh on POST /articles (valid body; nothing may be created)
for (const w of ['-1', '61', 'abc', '1.5', '99999999999999999999'])
  bad(`?wait=${w}`, (d) => d.post(`/articles?wait=${w}`, { url: target() }), 400, 'invalid-parameter', /wait/);

// --- ids
for (const id of ['abc', '-1', '0', '1.5', '99999999999999999999', '9223372036854775808', '1e3', '+1', '0x10', '%201'])
  bad(`GET /articles/${id}`, (d) => d.get(`/articles/${id}`), 400, 'invalid-parameter');
for (const id of ['abc', '-1', '0', '99999999999999999999'])
  bad(`DELETE /articles/${id}`, (d) => d.del(`/articles/${id}`), 400, 'invalid-parameter');
for (const id of ['abc', '0', '18446744073709551616'])
  bad(`POST /articles/${id}/refresh`, (d) => d.post(`/articles/${id}/refresh`), 400, 'invalid-parameter');
bad('GET /articles/9223372036854775807 (valid, absent)', (d) => d.get('/articles/9223372036854775807'), 404, 'not-found');
bad('DELETE /articles/987654321 (absent)', (d) => d.del('/articles/987654321'), 404, 'not-found');
bad('POST /articles/987654321/refresh (absent)', (d) => d.post('/articles/987654321/refresh'), 404, 'not-found');

// --- list parameters
for (const l of ['0', '-1', 'abc', '1000', '101', '1.5', '99999999999999999999'])
  bad(`GET /articles?limit=${l}`, (d) => d.get(`/articles?limit=${l}`), 400, 'invalid-parameter', /limit/);
for (const [n, c] of [
  ['garbage', () => 'abc'], ['base64 of JSON', () => Buffer.from('{"id":1}').toString('base64url')],
  ['truncated', () => cursor.slice(0, Math.ceil(cursor.length / 2))], ['one char dropped', () => cursor.slice(0, -1)],
  ['one char changed', () => cursor.slice(0, 1) + (cursor[1] === 'A' ? 'B' : 'A') + cursor.slice(2)],
  ['extended', () => cursor + 'AAAA'],
])
  bad(`GET /articles?cursor= (${n})`, (d) => d.get(`/articles?cursor=${encodeURIComponent(c())}`), 400, 'invalid-parameter', /cursor/);
for (const [k, v] of [['status', 'done'], ['status', 'READY'], ['lang', 'english'], ['lang', 'e'], ['lang', '12'],
  ['since', 'yesterday'], ['since', '2023-13-45'], ['until', '2023-02-30T25:00:00Z'], ['until', 'notadate']])
  bad(`GET /articles?${k}=${v}`, (d) => d.get(`/articles?${k}=${encodeURIComponent(v)}`), 400, 'invalid-parameter', new RegExp(k));

test('bad input: the real cursor still works after all of that', async () => {
  const d = await bd();
  const r = await d.get(`/articles?limit=1&cursor=${encodeURIComponent(cursor)}`);
  eq(r.status, 200, 'status');
  eq(r.json().items.map((x) => x.id), [known[1]], 'second-newest record');
});
