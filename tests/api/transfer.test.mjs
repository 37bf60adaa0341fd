// transfer.test.mjs -- POST /articles/batch, GET /export, POST /import and
// `skimd export` / `skimd import`, each on daemons of its own (loopback
// fixture only; the batch daemon runs with the guard on and an API key).
//
// The round trip: a source daemon holds ready records (pushed pages, a
// fetched page, a refreshed one, client tags, a Chinese page), a failed
// one (404) -- its GET answers are kept; exported through the API and
// imported into an empty daemon, and through the CLI into an empty file,
// every GET answer is byte-identical and so is the export itself.
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test, teardown } from './lib/runner.mjs';
import { eq, ok } from './lib/assert.mjs';
import { daemon, fixture, unique } from './lib/shared.mjs';
import { expectProblem } from './lib/check.mjs';
import { articlePage, SEED_HTML } from './lib/fixture.mjs';
import { SKIMD_BIN, TMP, PG, dbFor } from './lib/daemon.mjs';
import { checkResponse } from './lib/spec.mjs';

const KEY = 'transfer-test-key';
const auth = { Authorization: `Bearer ${KEY}` };
const NDJSON = { 'Content-Type': 'application/x-ndjson' };

// The batch daemon has the guard on, an API key, and a loopback DNS
// server: loop.batch.test resolves to 127.0.0.1, every other name is
// NXDOMAIN (no name is ever asked of a real server).
const { dnsServer } = createRequire(import.meta.url)('../harness/dns.js');
let guarded = null, ns = null;
function batchDaemon() {
  if (!guarded) {
    guarded = dnsServer({ answers: { 'loop.batch.test': '127.0.0.1' } }).then((server) => {
      ns = server;
      return daemon({ name: 'batch', allowPrivate: false,
        args: ['--api-key', KEY, '--dns-server', `127.0.0.1:${server.port}`, '--dns-timeout', '2'] });
    });
  }
  return guarded;
}
teardown('transfer: the loopback DNS server', async () => { if (ns) await ns.close(); });

const page = (slug) => articlePage(slug, `Transfer ${slug}`);

/** POST body pieces one write each (chunked), the answer checked against the spec. */
function postPieces(port, p, pieces, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: p, agent: false,
      headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const out = { status: res.statusCode, headers: res.headers, body, text: body.toString('utf8'),
          json() { return JSON.parse(this.text); } };
        const errs = checkResponse('POST', p.split('?')[0], out);
        if (errs.length) reject(new Error(`POST ${p} violates openapi.yaml:\n  ${errs.join('\n  ')}`));
        else resolve(out);
      });
    });
    req.on('error', reject);
    (async () => {
      for (const piece of pieces) {
        req.write(piece);
        await new Promise((r) => setImmediate(r));
      }
      req.end();
    })();
  });
}

// --- batches -------------------------------------------------------------

test('POST /articles/batch: mixed good, duplicate and bad items, one result each in order', async () => {
  const d = await batchDaemon();
  const base = `http://batch-${process.pid}.test`;
  const single = await d.post('/articles', { url: `${base}/before`, html: page('before') }, { headers: auth });
  eq(single.status, 202, `single submit ${single.text}`);
  const beforeId = single.json().id;
  const items = [
    { url: `${base}/a1`, html: page('a1'), tags: ['batch-tag'] },
    { url: `${base}/a1#section` },                 // the same URL as item 0
    { url: 'ftp://example.com/file' },
    { url: 'http://127.0.0.1:9/x' },                 // a loopback literal: refused now
    { url: 'http://localhost:9/x' },
    { bogus: 1 },
    'not an object',
    { url: `${base}/a2`, html: page('a2') },
    { url: `${base}/before` },                      // stored before the batch
    { url: `${base}/a3`, html: '' },
    { url: 'http://loop.batch.test/x' },            // a name resolving to loopback
  ];
  const r = await d.post('/articles/batch', { items }, { headers: auth });
  eq(r.status, 200, r.text);
  const out = r.json();
  eq(out.items.length, items.length, 'one result per item');
  out.items.forEach((it, i) => eq(it.index, i, 'in order'));
  const res = out.items.map((x) => x.result);
  eq(JSON.stringify(res), JSON.stringify(['created', 'existing', 'invalid', 'invalid', 'invalid',
    'invalid', 'invalid', 'created', 'existing', 'invalid', 'invalid']), 'results');
  eq(out.items[1].id, out.items[0].id, 'a duplicate within the batch answers the first id');
  eq(out.items[8].id, beforeId, 'an existing URL answers its id');
  eq(out.items[2].problem.type, 'urn:skimd:problem:invalid-url', 'bad scheme');
  eq(out.items[3].problem.status, 422, 'loopback literal refused');
  eq(out.items[3].problem.type, 'urn:skimd:problem:refused-address', 'refused-address');
  eq(out.items[4].problem.type, 'urn:skimd:problem:refused-address', 'localhost refused');
  eq(out.items[5].problem.type, 'urn:skimd:problem:invalid-body', 'unknown field');
  eq(out.items[6].problem.type, 'urn:skimd:problem:invalid-body', 'not an object');
  eq(out.items[9].problem.type, 'urn:skimd:problem:invalid-body', 'empty html');
  eq(out.items[10].problem.type, 'urn:skimd:problem:refused-address', 'a name resolving to loopback');
  ok(/127\.0\.0\.1/.test(out.items[10].problem.detail), `the address said: ${out.items[10].problem.detail}`);
  ok(ns.queries.some((q) => q.name === 'loop.batch.test'), 'looked up through --dns-server, off the HTTP thread');
  ok(!ns.queries.some((q) => /localhost|127\.0\.0\.1/.test(q.name)), 'literals and localhost not looked up');
  eq([out.created, out.existing, out.invalid].join(','), '2,2,7', 'counts');
  const rec = await d.waitStatus(out.items[0].id);
  eq(rec.status, 'ready', 'a pushed page is analysed');
  eq(JSON.stringify(rec.tags.user), '["batch-tag"]', 'client tags stored');
  eq((await d.waitStatus(out.items[7].id)).status, 'ready', 'second item ready');
  const list = (await d.get('/articles?limit=100')).json().items.map((x) => x.url);
  ok(!list.some((u) => u.includes('127.0.0.1') || u.includes('localhost') || u.includes('/a3')),
    'refused items stored nothing');
  ok(!list.some((u) => u.includes('loop.batch.test')), 'the refused name stored nothing');
}, { timeout: 40000 });

test('POST /articles/batch: an all-invalid batch stores nothing; 1000 items pass', async () => {
  const d = await batchDaemon();
  const before = (await d.get('/articles?limit=100')).json().items.length;
  const bad = await d.post('/articles/batch', { items: [{ url: 'nope' }, { url: 'http://[::1]:9/' }] },
    { headers: auth });
  eq(bad.status, 200, bad.text);
  eq(bad.json().invalid, 2, 'both invalid');
  eq((await d.get('/articles?limit=100')).json().items.length, before, 'nothing stored');
  const url = `http://batch-${process.pid}.test/thousand`;
  const items = [{ url, html: page('thousand') }];
  for (let i = 1; i < 1000; i++) items.push({ url: `${url}?utm_source=${i}` });
  const r = await d.post('/articles/batch', { items }, { headers: auth });
  eq(r.status, 200, r.text.slice(0, 300));
  const out = r.json();
  eq([out.created, out.existing, out.invalid].join(','), '1,999,0', '1000 items: one record');
}, { timeout: 40000 });

test('POST /articles/batch: over 1000 items -> 413, over --max-batch-bytes -> 413, bad bodies -> 4xx', async () => {
  const d = await batchDaemon();
  const items = Array.from({ length: 1001 }, (_, i) => ({ url: `http://x.test/${i}` }));
  expectProblem(await d.post('/articles/batch', { items }, { headers: auth }), 413, 'body-too-large', '1001 items');
  const big = JSON.stringify({ items: [{ url: 'http://x.test/', html: 'x'.repeat(4 * 1024 * 1024 + 10) }] });
  expectProblem(await d.post('/articles/batch', big, { headers: { ...auth, 'Content-Type': 'application/json' } }),
    413, 'body-too-large', 'over 4 MiB');
  expectProblem(await d.post('/articles/batch', { items: 5 }, { headers: auth }), 400, 'invalid-body', 'items not array');
  expectProblem(await d.post('/articles/batch', { items: [], x: 1 }, { headers: auth }), 400, 'invalid-body', 'extra key');
  expectProblem(await d.post('/articles/batch', '{"items": [', { headers: { ...auth, 'Content-Type': 'application/json' } }),
    400, 'invalid-json', 'broken JSON');
  expectProblem(await d.post('/articles/batch', 'x', { headers: { ...auth, 'Content-Type': 'text/plain' } }),
    415, 'unsupported-media-type', 'text/plain');
  expectProblem(await d.post('/articles/batch', { items: [] }), 401, 'unauthorized', 'no key');
}, { timeout: 40000 });

// --- export and import --------------------------------------------------------

let source = null;         // {d, answers: Map(path -> text), export: text}

/** Every GET answer the round trip compares, for the ids given. */
async function answers(d, ids, tag) {
  const paths = ['/articles?limit=100', '/articles?limit=2', '/tags', '/tags?facet=user',
    '/articles?q=council', '/articles?lang=zh', '/articles?status=failed', `/articles?tag=${tag}`];
  for (const id of ids) paths.push(`/articles/${id}`, `/articles/${id}?include=content,html,markdown,evidence`);
  const m = new Map();
  for (const p of paths) {
    const r = await d.get(p);
    m.set(p, `${r.status} ${r.text}`);
  }
  return m;
}

function sameAnswers(a, b, what) {
  for (const [p, text] of a) eq(b.get(p), text, `${what}: GET ${p}`);
}

async function sourceDaemon() {
  if (source) return source;
  const d = await daemon({ name: 'transfer-src' });
  const f = await fixture();
  const tag = unique('xfer');
  const ids = [];
  const submit = async (body) => {
    const r = await d.post('/articles?wait=10', body, { timeout: 20000 });
    ok(r.status === 201, `submit ${body.url}: ${r.status} ${r.text.slice(0, 200)}`);
    ids.push(r.json().id);
  };
  await submit({ url: `http://${tag}.test/deleted`, html: page(`${tag}-d`) });
  await submit({ url: f.url(`/gen/${tag}-fetched`) });
  await submit({ url: f.url(`/${tag}-missing-page`) });                  // 404: failed
  await submit({ url: `http://${tag}.test/pushed`, html: page(`${tag}-p`), tags: [tag, 'second'] });
  await submit({ url: `http://${tag}.test/seed`, html: SEED_HTML.toString('utf8') });
  await submit({ url: `http://${tag}.test/refreshed`, html: page(`${tag}-r`) });
  const rr = await d.post(`/articles/${ids[5]}/refresh?wait=10`, undefined, { timeout: 20000 });
  eq(rr.status, 201, `refresh ${rr.text.slice(0, 200)}`);
  eq(await d.del(`/articles/${ids[0]}`).then((x) => x.status), 204, 'a deleted record leaves a gap');
  ids.shift();
  for (const id of ids) await d.waitStatus(id);
  const ex = await d.get('/export');
  eq(ex.status, 200, 'export');
  source = { d, ids, tag, answers: await answers(d, ids, tag), export: ex.text };
  return source;
}

test('GET /export: NDJSON, one line per record, newest first, filters as GET /articles', async () => {
  const s = await sourceDaemon();
  const lines = s.export.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  eq(lines.length, s.ids.length, 'a line per record');
  eq(JSON.stringify(lines.map((l) => l.record.id)), JSON.stringify([...s.ids].sort((a, b) => b - a)), 'newest first');
  ok(lines.every((l) => 'content' in l.record && 'tag_evidence' in l.record), 'content and evidence included');
  const failed = (await s.d.get('/export?status=failed')).text.split('\n').filter(Boolean);
  eq(failed.length, 1, 'status=failed: one line');
  eq(JSON.parse(failed[0]).record.status, 'failed', 'the failed one');
  const tagged = (await s.d.get(`/export?tag=${s.tag}`)).text.split('\n').filter(Boolean);
  eq(tagged.length, 1, 'tag filter');
  expectProblem(await s.d.get('/export?status=bogus'), 400, 'invalid-parameter', 'bad filter');
  expectProblem(await s.d.get('/export?cursor=xyz'), 400, 'invalid-parameter', 'bad cursor');
}, { timeout: 60000 });

let target = null;

test('export -> POST /import into an empty daemon: every GET answer byte-identical', async () => {
  const s = await sourceDaemon();
  const d = await daemon({ name: 'transfer-dst' });
  // pieces cut mid-line and mid-character
  const buf = Buffer.from(s.export);
  const pieces = [];
  for (let i = 0; i < buf.length; i += 777) pieces.push(buf.subarray(i, i + 777));
  const r = await postPieces(d.port, '/import', pieces, NDJSON);
  eq(r.status, 200, r.text);
  const rep = r.json();
  eq([rep.lines, rep.imported, rep.duplicates, rep.invalid].join(','), `${s.ids.length},${s.ids.length},0,0`, 'report');
  sameAnswers(s.answers, await answers(d, s.ids, s.tag), 'after import');
  eq((await d.get('/export')).text, s.export, 'the export of the copy is the same bytes');
  target = d;
}, { timeout: 60000 });

test('POST /import never overwrites: a used id, a deleted id, a known URL are reported and kept', async () => {
  const s = await sourceDaemon();
  ok(target, 'the import test ran');
  const d = target;
  const lines = s.export.split('\n').filter(Boolean);
  const again = await d.post('/import', s.export, { headers: NDJSON });
  eq(again.status, 200, again.text);
  eq(again.json().duplicates, lines.length, 'every line a duplicate');
  ok(again.json().problems.every((p) => p.problem === 'duplicate-id'), 'duplicate-id');
  const first = JSON.parse(lines[0]);
  const changed = JSON.parse(lines[0]);
  changed.record.url = `http://${s.tag}.test/other-url`;
  changed.record.title = 'Overwritten?';
  const newId = JSON.parse(lines[0]);
  newId.record.id = 900000;
  await d.del(`/articles/${s.ids[0]}`);
  const body = [JSON.stringify(changed), JSON.stringify(newId),
    lines.find((l) => JSON.parse(l).record.id === s.ids[0])].join('\n');
  const r = await d.post('/import', body, { headers: NDJSON });
  eq(r.status, 200, r.text);
  const p = r.json().problems;
  eq(JSON.stringify(p.map((x) => [x.line, x.problem])), JSON.stringify([[1, 'duplicate-id'], [2, 'duplicate-url'], [3, 'duplicate-id']]), 'problems');
  eq(p[1].existing_id, first.record.id, 'the record holding the URL');
  eq(r.json().imported, 0, 'nothing imported');
  eq((await d.get(`/articles/${first.record.id}?include=content,html,markdown,evidence`)).text,
    s.answers.get(`/articles/${first.record.id}?include=content,html,markdown,evidence`).slice(4), 'record unchanged');
  eq((await d.get('/articles/900000')).status, 404, 'no record under the new id');
  eq((await d.get(`/articles/${s.ids[0]}`)).status, 404, 'a deleted id is not brought back');
}, { timeout: 60000 });

test('POST /import: damaged lines are reported by number and the rest are kept', async () => {
  const s = await sourceDaemon();
  const d = await daemon({ name: 'transfer-damaged', args: ['--max-import-line-bytes', '4096'] });
  const lines = s.export.split('\n').filter(Boolean);
  const failedLine = lines.find((l) => JSON.parse(l).record.status === 'failed');
  const bad = JSON.parse(failedLine);
  bad.record.status = 'bogus';
  bad.record.id = 777777;
  const readyLong = lines.find((l) => l.length > 4096);
  ok(readyLong && failedLine && failedLine.length < 4096, 'fixture lines');
  const body = [lines[0].slice(0, Math.floor(lines[0].length / 2)), '', JSON.stringify(bad), failedLine, readyLong, 'null', '{}'].join('\n');
  // lines[0] cut in half is damaged; readyLong passes the 4096-byte cap
  const r = await postPieces(d.port, '/import', [body.slice(0, 100), body.slice(100)], NDJSON);
  eq(r.status, 200, r.text);
  const rep = r.json();
  eq(JSON.stringify(rep.problems.map((x) => x.line)), '[1,3,5,6,7]', `damaged lines: ${r.text}`);
  eq(rep.problems[1].id, 777777, `the id of a readable damaged line: ${JSON.stringify(rep.problems[1])}`);
  ok(/longer than 4096/.test(rep.problems[2].detail), 'too long');
  eq([rep.lines, rep.imported, rep.invalid].join(','), '7,1,5', 'counts');
  const fid = JSON.parse(failedLine).record.id;
  eq((await d.get(`/articles/${fid}`)).text, s.answers.get(`/articles/${fid}`).slice(4), 'the good line is restored');
  eq((await d.get('/articles/777777')).status, 404, 'the bad line stored nothing');
  expectProblem(await d.post('/import', lines[0], { headers: { 'Content-Type': 'application/json' } }),
    415, 'unsupported-media-type', 'not NDJSON');
}, { timeout: 60000 });

test('POST /import with API keys: a streamed body without the key -> 401, nothing stored', async () => {
  const s = await sourceDaemon();
  const d = await batchDaemon();
  const failedLine = s.export.split('\n').find((l) => l && JSON.parse(l).record.status === 'failed');
  const rec = JSON.parse(failedLine).record;
  const r = await postPieces(d.port, '/import', [failedLine, '\n'], NDJSON);
  expectProblem(r, 401, 'unauthorized', 'no key');
  eq((await d.get('/articles?status=failed')).json().items.filter((x) => x.url === rec.url).length, 0, 'nothing stored');
  const ok2 = await postPieces(d.port, '/import', [failedLine, '\n'], { ...NDJSON, ...auth });
  eq(ok2.status, 200, ok2.text);
  ok(ok2.json().imported + ok2.json().duplicates === 1, 'with the key the line is read');
}, { timeout: 30000 });

test('skimd export / skimd import (offline, --db): the same bytes and the same GET answers', async () => {
  const s = await sourceDaemon();
  const { code } = await s.d.stop('SIGTERM');
  eq(code, 0, 'source stopped');
  const exported = execFileSync(SKIMD_BIN, ['export', '--db', s.d.db], { encoding: 'utf8', maxBuffer: 1 << 28 });
  eq(exported, s.export, 'skimd export = GET /export');
  const db = dbFor(path.join(TMP, `transfer-cli-${process.pid}.db`));
  const rep = JSON.parse(execFileSync(SKIMD_BIN, ['import', '--db', db], { input: exported, encoding: 'utf8' }));
  eq([rep.imported, rep.invalid, rep.duplicates].join(','), `${s.ids.length},0,0`, 'cli report');
  const d = await daemon({ name: 'transfer-cli', db });
  sameAnswers(s.answers, await answers(d, s.ids, s.tag), 'after skimd import');
  let refused = '';
  try {
    execFileSync(SKIMD_BIN, ['import', '--db', db], { input: exported, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    refused = String(e.stderr);
  }
  // one daemon per SQLite file; a PostgreSQL database is shared by design
  if (!PG) ok(/another skimd is using/.test(refused), `a running daemon's file is refused: ${refused}`);
}, { timeout: 60000 });
