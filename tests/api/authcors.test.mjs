// authcors.test.mjs -- --api-key (Bearer on writes, reads open, 401 +
// WWW-Authenticate, database unchanged, keys never logged) and
// --cors-origin (ACAO + Vary for listed origins only, preflight 204).
import { test } from './lib/runner.mjs';
import { eq, ok, sleep } from './lib/assert.mjs';
import { sharedDaemon, unique } from './lib/shared.mjs';
import { expectProblem, expectRecord } from './lib/check.mjs';
import { articlePage } from './lib/fixture.mjs';

const KEY1 = 'k1-' + 'Zx8q'.repeat(8);
const KEY2 = 'k2-' + 'Pm3w'.repeat(8);
const ORIGIN = 'http://app.skimd.test';
const OTHER = 'http://evil.skimd.test';
const ad = () => sharedDaemon('auth-cors', {
  workers: 1,
  args: ['--api-key', KEY1, '--api-key', KEY2, '--cors-origin', ORIGIN, '--cors-origin', 'http://second.skimd.test',
    '--max-body-bytes', '4096'],
});
let rec = null;

const bearer = (k) => ({ Authorization: `Bearer ${k}` });
const newBody = () => {
  const slug = unique('auth');
  return { url: `http://127.0.0.1:9/${slug}`, html: articlePage(slug) };
};

test('auth: POST /articles with the first key -> 201; with the second key -> 201', async () => {
  const d = await ad();
  rec = expectRecord(await d.post('/articles?wait=10', newBody(), { headers: bearer(KEY1) }), 201, 'key 1');
  expectRecord(await d.post('/articles?wait=10', newBody(), { headers: bearer(KEY2) }), 201, 'key 2');
});

const WRONG_AUTH = [
  ['no Authorization', {}],
  ['wrong key', bearer('nope')],
  ['key with a suffix', bearer(KEY1 + 'x')],
  ['key prefix', bearer(KEY1.slice(0, -1))],
  ['empty Bearer', { Authorization: 'Bearer ' }],
  ['Basic scheme with the key', { Authorization: `Basic ${Buffer.from(KEY1).toString('base64')}` }],
  ['key without scheme', { Authorization: KEY1 }],
  ['two keys glued', { Authorization: `Bearer ${KEY1},${KEY2}` }],
];
for (const [n, headers] of WRONG_AUTH) {
  test(`auth: writes with ${n} -> 401 unauthorized + WWW-Authenticate: Bearer, nothing changed`, async () => {
    const d = await ad();
    if (!rec) throw new Error('setup failed');
    const before = await d.snapshot();
    for (const [what, send] of [
      ['POST /articles', () => d.post('/articles', newBody(), { headers })],
      ['POST /articles?wait=1', () => d.post('/articles?wait=1', newBody(), { headers })],
      [`DELETE /articles/${rec.id}`, () => d.del(`/articles/${rec.id}`, { headers })],
      [`POST /articles/${rec.id}/refresh`, () => d.post(`/articles/${rec.id}/refresh`, undefined, { headers })],
      ['DELETE /articles/987654 (absent)', () => d.del('/articles/987654', { headers })],
    ]) {
      const r = await send();
      expectProblem(r, 401, 'unauthorized', `${what} with ${n}`);
      ok(/^Bearer\b/i.test(r.headers['www-authenticate'] || ''), `WWW-Authenticate "${r.headers['www-authenticate']}"`);
    }
    const after = await d.snapshot();
    eq(after.list, before.list, 'listing unchanged');
    eq(after.dump, before.dump, 'database dump unchanged');
  });
}

test('--max-body-bytes 4096: a 5000-byte body -> 413, a 3000-byte body -> 201', async () => {
  const d = await ad();
  const before = await d.snapshot();
  const big = { url: `http://127.0.0.1:9/${unique('big')}`, html: 'x'.repeat(5000) };
  expectProblem(await d.post('/articles', big, { headers: bearer(KEY1) }), 413, 'body-too-large', '5000 bytes');
  const after = await d.snapshot();
  eq(after.dump, before.dump, 'database unchanged');
  const slug = unique('small');
  const small = { url: `http://127.0.0.1:9/${slug}`, html: articlePage(slug).slice(0, 2500) + '</p></article></body></html>' };
  ok(JSON.stringify(small).length < 4096, 'small body under the cap');
  eq((await d.post('/articles?wait=10', small, { headers: bearer(KEY1) })).status, 201, 'small body');
});

test('auth: reads stay open without a key', async () => {
  const d = await ad();
  if (!rec) throw new Error('setup failed');
  for (const p of ['/articles', `/articles/${rec.id}`, '/tags', '/healthz', '/metrics', '/openapi.yaml'])
    eq((await d.get(p)).status, 200, `GET ${p}`);
});

test('auth: refresh and DELETE with a key work', async () => {
  const d = await ad();
  if (!rec) throw new Error('setup failed');
  eq((await d.post(`/articles/${rec.id}/refresh`, undefined, { headers: bearer(KEY2) })).status, 202, 'refresh');
  await d.waitStatus(rec.id);
  eq((await d.del(`/articles/${rec.id}`, { headers: bearer(KEY1) })).status, 204, 'delete');
  expectProblem(await d.get(`/articles/${rec.id}`), 404, 'not-found', 'deleted');
});

test('auth: the keys never appear in the daemon log', async () => {
  const d = await ad();
  // (lines a wrapper such as valgrind prints, "==PID== Command: ...", are not the daemon's)
  const log = d.logText().split('\n').filter((l) => !/^==[0-9]+==/.test(l)).join('\n');
  ok(log.length > 0, 'the daemon logged something');
  ok(!log.includes(KEY1) && !log.includes(KEY2), 'an API key appears in the log');
  ok(!log.includes(KEY1.slice(3, 19)), 'a part of an API key appears in the log');
});

test('cors: a listed Origin gets Access-Control-Allow-Origin and Vary: Origin', async () => {
  const d = await ad();
  for (const p of ['/healthz', '/articles', '/tags']) {
    const r = await d.get(p, { headers: { Origin: ORIGIN } });
    eq(r.status, 200, `GET ${p}`);
    eq(r.headers['access-control-allow-origin'], ORIGIN, `ACAO on ${p}`);
    ok(/(^|,)\s*origin\s*(,|$)/i.test(r.headers.vary || ''), `Vary "${r.headers.vary}" on ${p}`);
  }
  const second = await d.get('/healthz', { headers: { Origin: 'http://second.skimd.test' } });
  eq(second.headers['access-control-allow-origin'], 'http://second.skimd.test', 'second listed origin');
});

test('cors: error answers to a listed Origin carry the CORS header too (401, 404)', async () => {
  const d = await ad();
  const r = await d.post('/articles', newBody(), { headers: { Origin: ORIGIN } });
  expectProblem(r, 401, 'unauthorized', 'POST without key');
  eq(r.headers['access-control-allow-origin'], ORIGIN, 'ACAO on 401');
  const n = await d.get('/articles/987654', { headers: { Origin: ORIGIN } });
  eq(n.status, 404, '404');
  eq(n.headers['access-control-allow-origin'], ORIGIN, 'ACAO on 404');
});

test('cors: an unlisted Origin gets no Access-Control-Allow-Origin', async () => {
  const d = await ad();
  for (const o of [OTHER, 'null', ORIGIN + '.evil.test', ORIGIN.toUpperCase(), ORIGIN + ':80', ORIGIN + '/']) {
    const r = await d.get('/healthz', { headers: { Origin: o } });
    eq(r.status, 200, 'status');
    eq(r.headers['access-control-allow-origin'], undefined, `ACAO for Origin ${o}`);
  }
});

test('cors: preflight from a listed Origin -> 204 with Allow-Methods/Headers/Max-Age, no key needed', async () => {
  const d = await ad();
  for (const [p, m] of [['/articles', 'POST'], ['/articles/1', 'DELETE'], ['/articles/1/refresh', 'POST']]) {
    const r = await d.req({ method: 'OPTIONS', path: p, headers: {
      Origin: ORIGIN, 'Access-Control-Request-Method': m, 'Access-Control-Request-Headers': 'content-type, authorization' } });
    eq(r.status, 204, `OPTIONS ${p}`);
    eq(r.body.length, 0, 'empty body');
    eq(r.headers['access-control-allow-origin'], ORIGIN, 'ACAO');
    const methods = (r.headers['access-control-allow-methods'] || '').toUpperCase();
    ok(methods.split(',').map((s) => s.trim()).includes(m), `Allow-Methods "${methods}" lacks ${m}`);
    const hdrs = (r.headers['access-control-allow-headers'] || '').toLowerCase();
    ok(hdrs.includes('content-type') && hdrs.includes('authorization'), `Allow-Headers "${hdrs}"`);
    ok(/^[0-9]+$/.test(r.headers['access-control-max-age'] || ''), `Max-Age "${r.headers['access-control-max-age']}"`);
  }
});

test('cors: preflight from an unlisted Origin -> no Access-Control-Allow-Origin', async () => {
  const d = await ad();
  const r = await d.req({ method: 'OPTIONS', path: '/articles', headers: {
    Origin: OTHER, 'Access-Control-Request-Method': 'POST' } });
  eq(r.status, 204, 'status');
  eq(r.headers['access-control-allow-origin'], undefined, 'ACAO');
});

test('cors: OPTIONS without Origin -> 204 with Allow', async () => {
  const d = await ad();
  const r = await d.req({ method: 'OPTIONS', path: '/articles' });
  eq(r.status, 204, 'status');
  ok(/GET/.test(r.headers.allow || '') && /POST/.test(r.headers.allow || ''), `Allow "${r.headers.allow}"`);
});

test('--rate-limit 2: a burst gets 429 rate-limited + Retry-After; /healthz and /metrics never; a later request passes', async () => {
  const d = await sharedDaemon('ratelimit', { workers: 1, args: ['--rate-limit', '2'] });
  const answers = [];
  for (let i = 0; i < 12; i++) answers.push(await d.get('/tags'));
  const limited = answers.filter((r) => r.status === 429);
  ok(limited.length > 0, `no 429 among ${answers.map((r) => r.status)}`);
  ok(answers.every((r) => r.status === 200 || r.status === 429), `statuses ${answers.map((r) => r.status)}`);
  const doc = expectProblem(limited[0], 429, 'rate-limited', 'burst');
  ok(/^[1-9][0-9]*$/.test(limited[0].headers['retry-after'] || ''), `Retry-After "${limited[0].headers['retry-after']}"`);
  ok(doc.detail.length > 0, 'detail');
  for (let i = 0; i < 10; i++) {
    eq((await d.get('/healthz')).status, 200, 'healthz never limited');
    eq((await d.get('/metrics')).status, 200, 'metrics never limited');
  }
  const wait = Number(limited.at(-1).headers['retry-after']);
  await sleep(wait * 1000 + 200);
  eq((await d.get('/tags')).status, 200, `after waiting Retry-After (${wait} s)`);
}, { timeout: 30000 });
