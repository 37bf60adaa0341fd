// ssrf.test.mjs -- the SSRF guard end to end, guard ON (no --allow-private).
// Only loopback targets, ever: a counting fixture server on 127.0.0.1,
// 127.0.0.2 and ::1 (same port) must see zero requests for every spelling
// of a loopback address, every redirect from an allowed origin to another
// loopback port, and every non-http scheme.
import { test } from './lib/runner.mjs';
import { eq, ok } from './lib/assert.mjs';
import { sharedDaemon, mainDaemon, newFixture, unique } from './lib/shared.mjs';
import { expectProblem, expectRecord } from './lib/check.mjs';

let counting = null;   // must never be reached
let origin = null;     // the one allowed origin (--allow-host 127.0.0.1:A)

async function counter() {
  if (!counting) counting = await newFixture(['127.0.0.2', '::1']);
  return counting;
}
async function allowed() {
  if (!origin) origin = await newFixture();
  return origin;
}
const guarded = () => sharedDaemon('guard', { workers: 1, allowPrivate: false, fetchTimeout: 3 });
const allowHost = async () => {
  const a = await allowed();
  return sharedDaemon('allow-host', { workers: 1, allowPrivate: false, fetchTimeout: 3,
    args: ['--allow-host', `127.0.0.1:${a.port}`] });
};

/** Refused: 422 refused-address at submit (nothing stored), or a failed record with refused_address. */
async function expectRefused(d, url, what) {
  const before = (await d.listAll()).length;
  const r = await d.post('/articles?wait=8', { url }, { timeout: 15000 });
  if (r.status === 422) {
    expectProblem(r, 422, 'refused-address', what);
    eq((await d.listAll()).length, before, `no record stored for ${what}`);
    return null;
  }
  const rec = expectRecord(r, 201, `${what}: want 422 or 201 failed`);
  eq(rec.status, 'failed', `${what} status`);
  eq(rec.error?.code, 'refused_address', `${what} error.code (${rec.error?.message})`);
  return rec;
}

test('ssrf control: the counting server listens on 127.0.0.1 and 127.0.0.2 (and ::1 when the host has it) and counts', async () => {
  const c = await counter();
  ok(c.hosts.includes('127.0.0.1') && c.hosts.includes('127.0.0.2'), `listening on ${c.hosts}`);
  // A second server with the same addresses, fetched by a guard-off daemon:
  // proves that a request to each address would have been counted.
  const probe = await newFixture(['127.0.0.2', '::1']);
  const d = await mainDaemon();
  for (const h of probe.hosts) {
    const slug = unique('probe');
    const r = await d.post('/articles?wait=10', { url: probe.url(`/gen/${slug}`, h) });
    ok(r.status === 201 && r.json().status === 'ready', `guard-off fetch via ${h}: ${r.status} ${r.json().status}`);
    eq(probe.hitCount(`/gen/${slug}`), 1, `hit counted via ${h}`);
  }
});

const HOSTS = [
  '127.0.0.1', '127.0.0.2', '127.1', '0.0.0.0', '[::1]', '[::]', '[::ffff:127.0.0.1]', 'localhost',
  '2130706433', '0x7f000001', '017700000001',
  '127.000.000.001', '0177.0.0.1', '0x7f.0.0.1', '127.0.1', 'LOCALHOST', 'LocalHost',
  '[::ffff:7f00:1]', '[0:0:0:0:0:0:0:1]', '[0000::1]', 'user@127.0.0.1', 'user:pw@localhost',
];
for (const h of HOSTS) {
  test(`ssrf: http://${h}:PORT/ refused with the guard on, zero hits`, async () => {
    const d = await guarded();
    const c = await counter();
    const url = `http://${h}:${c.port}/ssrf/${unique('h')}`;
    await expectRefused(d, url, url);
    eq(c.totalHits(), 0, `counting server hits after ${url}: ${JSON.stringify(c.log.slice(0, 3))}`);
  }, { timeout: 20000 });
}

test('ssrf: https://127.0.0.1:PORT/ and a port-less http://127.0.0.1/ refused, zero hits', async () => {
  const d = await guarded();
  const c = await counter();
  await expectRefused(d, `https://127.0.0.1:${c.port}/ssrf/${unique('s')}`, 'https loopback');
  await expectRefused(d, `http://127.0.0.1/ssrf/${unique('p')}`, 'port 80 loopback');
  eq(c.totalHits(), 0, 'counting server hits');
});

for (const scheme of ['gopher', 'ftp', 'dict', 'file']) {
  test(`ssrf: ${scheme}:// URL at submit refused (400 invalid-url or 422), zero hits`, async () => {
    const d = await guarded();
    const c = await counter();
    const url = scheme === 'file' ? 'file:///etc/passwd' : `${scheme}://127.0.0.1:${c.port}/_x${unique('g')}`;
    const before = (await d.listAll()).length;
    const r = await d.post('/articles?wait=5', { url });
    if (r.status === 422) expectProblem(r, 422, 'refused-address', url);
    else expectProblem(r, 400, 'invalid-url', url);
    eq((await d.listAll()).length, before, 'nothing stored');
    eq(c.totalHits(), 0, 'counting server hits');
  });
}

test('allow-host: the allowed origin is fetched (positive control), redirects inside it too', async () => {
  const d = await allowHost();
  const a = await allowed();
  const slug = unique('ok');
  const rec = expectRecord(await d.post('/articles?wait=10', { url: a.url(`/gen/${slug}`) }), 201, 'allowed origin');
  eq(rec.status, 'ready', `status (${JSON.stringify(rec.error)})`);
  eq(a.hitCount(`/gen/${slug}`), 1, 'fetched once');
  const slug2 = unique('ok2');
  const r2 = expectRecord(await d.post('/articles?wait=10', {
    url: a.url(`/redirect?to=${encodeURIComponent(a.url(`/gen/${slug2}`))}`) }), 201, 'redirect within origin');
  eq(r2.status, 'ready', `status (${JSON.stringify(r2.error)})`);
}, { timeout: 25000 });

test('allow-host: a direct submit to another loopback port is still refused (422), zero hits', async () => {
  const d = await allowHost();
  const c = await counter();
  await expectRefused(d, `http://127.0.0.1:${c.port}/direct/${unique('d')}`, 'other port');
  eq(c.totalHits(), 0, 'counting server hits');
});

const HOPS = [
  ['http 302 to 127.0.0.1:B', (c) => `http://127.0.0.1:${c.port}/target`, 302],
  ['http 301 to localhost:B', (c) => `http://localhost:${c.port}/target`, 301],
  ['http 307 to [::1]:B', (c) => `http://[::1]:${c.port}/target`, 307],
  ['http 308 to 127.0.0.2:B', (c) => `http://127.0.0.2:${c.port}/target`, 308],
  ['http 302 to 2130706433:B', (c) => `http://2130706433:${c.port}/target`, 302],
  ['http 302 to [::ffff:127.0.0.1]:B', (c) => `http://[::ffff:127.0.0.1]:${c.port}/target`, 302],
  ['302 to file:///etc/passwd', () => 'file:///etc/passwd', 302],
  ['302 to gopher://127.0.0.1:B', (c) => `gopher://127.0.0.1:${c.port}/_GET%20/`, 302],
  ['302 to ftp://127.0.0.1:B', (c) => `ftp://127.0.0.1:${c.port}/`, 302],
  ['302 to dict://127.0.0.1:B', (c) => `dict://127.0.0.1:${c.port}/d:x`, 302],
];
for (const [n, to, code] of HOPS) {
  test(`allow-host: redirect from the allowed origin, ${n} -> failed refused_address, zero hits`, async () => {
    const d = await allowHost();
    const a = await allowed();
    const c = await counter();
    const hop = `/hop/${unique('r')}`;
    a.page(hop, { status: code, body: '', headers: { Location: to(c) } });
    const r = await d.post('/articles?wait=8', { url: a.url(hop) }, { timeout: 15000 });
    const rec = expectRecord(r, 201, n);
    eq(rec.status, 'failed', 'status');
    eq(rec.error?.code, 'refused_address', `error.code (${rec.error?.message})`);
    eq(a.hitCount(hop), 1, 'first hop fetched once');
    eq(c.totalHits(), 0, `counting server hits: ${JSON.stringify(c.log.slice(0, 3))}`);
    const full = (await d.get(`/articles/${rec.id}?include=content`)).json();
    ok(!(full.content || '').includes('root:'), 'no local file content in the record');
  }, { timeout: 20000 });
}

test('allow-host: a two-hop chain (allowed -> allowed -> loopback B) is refused at the last hop', async () => {
  const d = await allowHost();
  const a = await allowed();
  const c = await counter();
  const last = `/hop2/${unique('b')}`;
  a.page(last, { status: 302, body: '', headers: { Location: `http://127.0.0.1:${c.port}/chain` } });
  const first = `/hop1/${unique('a')}`;
  a.page(first, { status: 302, body: '', headers: { Location: last } });
  const rec = expectRecord(await d.post('/articles?wait=8', { url: a.url(first) }), 201, 'chain');
  eq(rec.status, 'failed', 'status');
  eq(rec.error?.code, 'refused_address', `error.code (${rec.error?.message})`);
  eq(a.hitCount(last), 1, 'second hop fetched');
  eq(c.totalHits(), 0, 'counting server hits');
}, { timeout: 20000 });

test('ssrf: a record submitted with html for a loopback URL cannot be refreshed into a fetch', async () => {
  const d = await guarded();
  const c = await counter();
  const slug = unique('html');
  const url = `http://127.0.0.1:${c.port}/given/${slug}`;
  const html = `<html><head><title>Given ${slug}</title></head><body><article><p>${'Some words here. '.repeat(40)}</p></article></body></html>`;
  const r = await d.post('/articles?wait=8', { url, html });
  if (r.status === 422) {
    expectProblem(r, 422, 'refused-address', 'html with a loopback URL');
  } else {
    const rec = expectRecord(r, 201, 'html with a loopback URL');
    const q = await d.post(`/articles/${rec.id}/refresh`);
    eq(q.status, 202, 'refresh accepted');
    const end = await d.waitStatus(rec.id, ['ready', 'failed'], 10000);
    ok(end.status === 'ready' || end.error?.code === 'refused_address',
      `after refresh: ${end.status} ${JSON.stringify(end.error)}`);
  }
  eq(c.totalHits(), 0, 'counting server hits');
}, { timeout: 25000 });

test('ssrf: the guard daemons stayed healthy', async () => {
  for (const d of [await guarded(), await allowHost()]) eq((await d.get('/healthz')).status, 200, d.name);
});
