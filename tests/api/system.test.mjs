// system.test.mjs -- /healthz, /openapi.yaml, unknown paths, wrong methods
// (405 + Allow), OPTIONS without Origin.
import YAML from 'yaml';
import { test } from './lib/runner.mjs';
import { eq, ok, sleep } from './lib/assert.mjs';
import { mainDaemon } from './lib/shared.mjs';
import { BACKEND } from './lib/daemon.mjs';
import { expectProblem } from './lib/check.mjs';
import { specText } from './lib/spec.mjs';

test(`GET /healthz -> 200 {"status":"ok","database":"ok","backend":"${BACKEND}","version":info.version}`, async () => {
  const d = await mainDaemon();
  const r = await d.get('/healthz');
  eq(r.status, 200, 'status');
  eq(r.json(), { status: 'ok', database: 'ok', backend: BACKEND, version: YAML.parse(specText).info.version }, 'body');
  ok(/^application\/json/.test(r.headers['content-type']), `content type ${r.headers['content-type']}`);
});

test('GET /openapi.yaml -> 200 application/yaml, the repository\'s openapi.yaml', async () => {
  const d = await mainDaemon();
  const r = await d.get('/openapi.yaml');
  eq(r.status, 200, 'status');
  eq((r.headers['content-type'] || '').split(';')[0], 'application/yaml', 'content type');
  const doc = YAML.parse(r.text);
  ok(/^3\.1\./.test(doc.openapi), `openapi version ${doc.openapi}`);
  eq(r.text, specText, 'served document equals openapi.yaml in the repository');
});

// (GET / redirects to the web page at /ui/: tests/ui checks it)
const UNKNOWN = ['/ui/x/y', '/nope', '/articles/1/nope', '/articles/1/refresh/x', '/tags/x', '/healthz/x',
  '/metricsx', '/openapi.json', '/ARTICLES', '/articles//1', '/%00'];
for (const p of UNKNOWN) {
  test(`unknown path GET ${p} -> 404 not-found problem`, async () => {
    const d = await mainDaemon();
    expectProblem(await d.get(p), 404, 'not-found', `GET ${p}`);
  });
}

test('unknown path with POST and a body -> 404 not-found problem', async () => {
  const d = await mainDaemon();
  expectProblem(await d.post('/nothing-here', { url: 'http://127.0.0.1/' }), 404, 'not-found', 'POST /nothing-here');
});

// [method, path, methods that Allow must list]
const WRONG = [
  ['PUT', '/articles', ['GET', 'POST']],
  ['DELETE', '/articles', ['GET', 'POST']],
  ['PATCH', '/articles', ['GET', 'POST']],
  ['PUT', '/articles/1', ['GET', 'PATCH', 'DELETE']],
  ['POST', '/articles/1', ['GET', 'PATCH', 'DELETE']],
  ['GET', '/articles/1/refresh', ['POST']],
  ['DELETE', '/articles/1/refresh', ['POST']],
  ['POST', '/tags', ['GET']],
  ['DELETE', '/tags', ['GET']],
  ['POST', '/healthz', ['GET']],
  ['PUT', '/healthz', ['GET']],
  ['POST', '/metrics', ['GET']],
  ['DELETE', '/metrics', ['GET']],
  ['PUT', '/openapi.yaml', ['GET']],
  ['POST', '/openapi.yaml', ['GET']],
];
for (const [method, p, allow] of WRONG) {
  test(`${method} ${p} -> 405 method-not-allowed, Allow lists ${allow.join(', ')}`, async () => {
    const d = await mainDaemon();
    const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
    const headers = body ? { 'Content-Type': 'application/json' } : {};
    const r = await d.req({ method, path: p, body, headers });
    expectProblem(r, 405, 'method-not-allowed', `${method} ${p}`);
    const listed = (r.headers.allow || '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    for (const m of allow) ok(listed.includes(m), `Allow "${r.headers.allow}" lacks ${m}`);
    ok(!listed.includes(method), `Allow "${r.headers.allow}" lists the refused ${method}`);
  });
}

const OPTIONS = [['/articles', ['GET', 'POST']], ['/articles/1', ['GET', 'DELETE']],
  ['/articles/1/refresh', ['POST']], ['/tags', ['GET']], ['/healthz', ['GET']]];
for (const [p, allow] of OPTIONS) {
  test(`OPTIONS ${p} without Origin -> 204 with Allow`, async () => {
    const d = await mainDaemon();
    const r = await d.req({ method: 'OPTIONS', path: p });
    eq(r.status, 204, 'status');
    eq(r.body.length, 0, 'empty body');
    const listed = (r.headers.allow || '').split(',').map((s) => s.trim().toUpperCase());
    for (const m of allow) ok(listed.includes(m), `Allow "${r.headers.allow}" lacks ${m}`);
    ok(!r.headers['access-control-allow-origin'], 'no CORS header without --cors-origin');
  });
}

test('the daemon logs JSON lines on stderr, one per request with method, path, status and ms', async () => {
  const d = await mainDaemon();
  await d.get('/healthz?logprobe=1');
  await d.get('/no-such-path-logprobe');
  // The line is written after the answer: give it a moment to arrive.
  for (let i = 0; i < 50 && !d.stderrLines().some((l) => l.includes('no-such-path-logprobe')); i++) await sleep(20);
  const lines = d.stderrLines();
  ok(lines.length > 0, 'stderr has lines');
  const docs = [];
  for (const l of lines) {
    try {
      docs.push(JSON.parse(l));
    } catch {
      throw new Error(`stderr line is not JSON: ${l.slice(0, 200)}`);
    }
  }
  const req = docs.filter((x) => x && typeof x === 'object' && 'method' in x && 'status' in x);
  ok(req.length > 0, 'request log lines exist');
  for (const x of req) {
    ok(typeof x.method === 'string' && typeof x.path === 'string', `method/path in ${JSON.stringify(x)}`);
    ok(Number.isInteger(x.status), `integer status in ${JSON.stringify(x)}`);
    ok(typeof x.ms === 'number' && x.ms >= 0, `ms in ${JSON.stringify(x)}`);
  }
  ok(req.some((x) => x.path.startsWith('/no-such-path-logprobe') && x.status === 404), 'the 404 request is logged');
});

// Every method on every path: whatever the answer, it must be one the spec
// documents (the client checks it), never a 5xx, and the daemon stays up.
const MATRIX_PATHS = ['/articles', '/articles/987654', '/articles/987654/refresh', '/tags', '/healthz',
  '/metrics', '/openapi.yaml'];
const MATRIX_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
test(`every method on every path (${MATRIX_PATHS.length * MATRIX_METHODS.length} requests) answers per openapi.yaml, no 5xx`, async () => {
  const d = await mainDaemon();
  for (const p of MATRIX_PATHS) {
    for (const m of MATRIX_METHODS) {
      const body = ['POST', 'PUT', 'PATCH'].includes(m) ? '{"url": 5}' : undefined;
      const r = await d.req({ method: m, path: p, body, headers: body ? { 'Content-Type': 'application/json' } : {} });
      ok(r.status < 500, `${m} ${p} -> ${r.status}`);
    }
  }
  eq((await d.get('/healthz')).status, 200, 'alive');
});

test('openapi.yaml: every example validates against its schema', async () => {
  const { spec: doc, validateAgainst } = await import('./lib/spec.mjs');
  let n = 0;
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      for (const [code, resp] of Object.entries(op.responses)) {
        for (const [ct, media] of Object.entries(resp.content || {})) {
          if (media.example === undefined) continue;
          const err = validateAgainst(media.schema, media.example);
          ok(!err, `${m.toUpperCase()} ${p} ${code} ${ct} example: ${err}`);
          n++;
        }
      }
    }
  }
  for (const [name, r] of Object.entries(doc.components.responses)) {
    for (const [ct, media] of Object.entries(r.content || {})) {
      if (media.example === undefined) continue;
      const err = validateAgainst(media.schema, media.example);
      ok(!err, `response ${name} ${ct} example: ${err}`);
      n++;
    }
  }
  ok(n >= 4, `examples checked: ${n}`);
});
