// failures.test.mjs -- pages that cannot become articles end as stored,
// visible failed records with their reason code; then /metrics names them.
import { test } from './lib/runner.mjs';
import { eq, ok } from './lib/assert.mjs';
import { mainDaemon, fixture, unique } from './lib/shared.mjs';
import { expectRecord, expectLocation } from './lib/check.mjs';
import { freePort } from './lib/daemon.mjs';
import { articlePage } from './lib/fixture.mjs';

// main daemon: --fetch-timeout 2 --max-page-bytes 262144
async function submitAndWait(pathOrUrl, waitS = 15) {
  const d = await mainDaemon();
  const f = await fixture();
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : f.url(pathOrUrl);
  const r = await d.post(`/articles?wait=${waitS}`, { url }, { timeout: (waitS + 5) * 1000 });
  const rec = expectRecord(r, 201, `POST ${url}`);
  expectLocation(r, rec);
  return rec;
}

function expectFailed(rec, code) {
  eq(rec.status, 'failed', `status of ${rec.url}`);
  ok(rec.error && typeof rec.error === 'object', 'error object');
  eq(rec.error.code, code, `error.code for ${rec.url} (message: ${rec.error.message})`);
  ok(typeof rec.error.message === 'string' && rec.error.message.length > 0, 'error.message');
  eq(rec.title, null, 'title of a failed record');
  eq(rec.word_count, null, 'word_count of a failed record');
  eq(rec.tags, {}, 'tags of a failed record (no client tags given)');
  eq(rec.keywords, [], 'keywords of a failed record');
  eq(rec.events, [], 'events of a failed record');
}

const CASES = [
  ['a page slower than --fetch-timeout', () => `/slow?ms=8000&k=${unique('s')}`, 'fetch_timeout'],
  ['a page larger than --max-page-bytes (chunked)', () => `/huge?bytes=4194304&k=${unique('h')}`, 'too_large'],
  ['a page larger than --max-page-bytes (Content-Length)', () => `/huge?bytes=1048576&cl=1&k=${unique('h')}`, 'too_large'],
  ['a response header of 200 KiB', () => `/bigheader?k=${unique('b')}`, 'too_large'],
  ['an image (image/png)', () => `/image.png?k=${unique('i')}`, 'not_html'],
  ['a 404 page', () => `/missing?k=${unique('m')}`, 'http_404'],
];
for (const [what, path, code] of CASES) {
  test(`${what} -> failed record, error.code ${code}`, async () => {
    const d = await mainDaemon();
    const rec = await submitAndWait(path());
    expectFailed(rec, code);
    const again = expectRecord(await d.get(`/articles/${rec.id}`), 200, 'GET failed record');
    eq(again.status, 'failed', 'stored as failed');
    eq(again.error, rec.error, 'stored error');
    ok((await d.get('/articles?status=failed&limit=100')).json().items.some((x) => x.id === rec.id), 'listed by status=failed');
  }, { timeout: 25000 });
}

test('a 500 page -> failed http_500', async () => {
  const f = await fixture();
  const p = `/broken/${unique('b')}`;
  f.page(p, { status: 500, body: '<html><body>oops</body></html>' });
  expectFailed(await submitAndWait(p), 'http_500');
});

test('a port nobody listens on -> failed connect', async () => {
  const port = await freePort();
  expectFailed(await submitAndWait(`http://127.0.0.1:${port}/${unique('c')}`), 'connect');
});

test('a redirect loop -> failed too_many_redirects', async () => {
  const f = await fixture();
  const p = `/loop/${unique('l')}`;
  f.page(p, { status: 302, body: '', headers: { Location: p } });
  expectFailed(await submitAndWait(p), 'too_many_redirects');
});

test('a page with no text -> failed empty', async () => {
  const f = await fixture();
  const p = `/empty/${unique('e')}`;
  f.page(p, { body: '<!DOCTYPE html><html><head></head><body></body></html>' });
  expectFailed(await submitAndWait(p), 'empty');
});

test('a redirect to a page -> ready, url as submitted', async () => {
  const f = await fixture();
  const slug = unique('r');
  const u = f.url(`/redirect?to=${encodeURIComponent(`/gen/${slug}`)}`);
  const rec = await submitAndWait(u);
  eq(rec.status, 'ready', `status (${JSON.stringify(rec.error)})`);
  eq(rec.url, u, 'url as submitted');
  eq(f.hitCount(`/gen/${slug}`), 1, 'target fetched once');
});

test('refresh of a failed record re-queues it and it fails again with its reason', async () => {
  const d = await mainDaemon();
  const rec = await submitAndWait(`/missing?k=${unique('rf')}`);
  expectFailed(rec, 'http_404');
  const q = expectRecord(await d.post(`/articles/${rec.id}/refresh`), 202, 'refresh');
  expectFailed(await d.waitStatus(rec.id), 'http_404');
  eq(q.status, 'queued', 'status in the 202 answer');
  eq(q.error, null, 'error cleared while queued');
});

test('GET /metrics -> text/plain; version=0.0.4 with the four metric families', async () => {
  const d = await mainDaemon();
  await d.get('/healthz');
  const r = await d.get('/metrics');
  eq(r.status, 200, 'status');
  ok(/^text\/plain;\s*version=0\.0\.4/.test(r.headers['content-type']), `content type ${r.headers['content-type']}`);
  const t = r.text;
  const need = [
    /^skimd_http_requests_total\{[^}]*route="[^"]+"[^}]*status="[0-9]{3}"[^}]*\} [0-9.e+]+$/m,
    /^skimd_http_requests_total\{[^}]*status="404"[^}]*\} /m,
    /^# TYPE skimd_http_request_duration_seconds histogram$/m,
    /^skimd_http_request_duration_seconds_bucket\{[^}]*route="[^"]+"[^}]*le="\+Inf"[^}]*\} [0-9]+$/m,
    /^skimd_http_request_duration_seconds_sum\{[^}]*route=/m,
    /^skimd_http_request_duration_seconds_count\{[^}]*route=/m,
    /^skimd_jobs\{[^}]*state="(queued|fetching|ready|failed)"[^}]*\} [0-9]+/m,
    /^skimd_fetch_failures_total\{[^}]*reason="fetch_timeout"[^}]*\} [1-9]/m,
    /^skimd_fetch_failures_total\{[^}]*reason="too_large"[^}]*\} [1-9]/m,
    /^skimd_fetch_failures_total\{[^}]*reason="not_html"[^}]*\} [1-9]/m,
    /^skimd_fetch_failures_total\{[^}]*reason="http_404"[^}]*\} [1-9]/m,
  ];
  for (const re of need) ok(re.test(t), `metrics text lacks ${re}\n${t.slice(0, 1500)}`);
  const sum = (txt) => txt.split('\n').filter((l) => l.startsWith('skimd_http_requests_total{'))
    .reduce((a, l) => a + Number(l.split(' ').at(-1)), 0);
  const before = sum(t);
  for (let i = 0; i < 3; i++) await d.get('/healthz');
  const after = sum((await d.get('/metrics')).text);
  ok(after >= before + 3, `request counter grows (${before} -> ${after})`);
});

test('a slow job still queued answers 202 and later ends failed fetch_timeout', async () => {
  const d = await mainDaemon();
  const f = await fixture();
  const r = await d.post('/articles', { url: f.url(`/slow?ms=8000&k=${unique('late')}`) });
  const rec = expectRecord(r, 202, 'POST');
  expectFailed(await d.waitStatus(rec.id, ['ready', 'failed'], 15000), 'fetch_timeout');
}, { timeout: 25000 });

test('a record made from html keeps no fetch error even when its URL is unreachable', async () => {
  const d = await mainDaemon();
  const port = await freePort();
  const slug = unique('nofetch');
  const rec = expectRecord(await d.post('/articles?wait=10', {
    url: `http://127.0.0.1:${port}/${slug}`, html: articlePage(slug),
  }), 201, 'POST html');
  eq(rec.status, 'ready', 'ready');
  eq(rec.error, null, 'no error');
});
