// polite.test.mjs -- polite fetching (README "Polite fetching"): at most
// --host-concurrency fetches per host, counted by a loopback server that
// holds every answer until the test lets it go (two hosts: 127.0.0.1 and
// 127.0.0.2), while another host's jobs go on; a 429/503 with
// Retry-After re-queues the job instead of failing it, in seconds and as
// an HTTP-date, until --retry-after-tries; a minimum gap between the
// fetches of one host. Waits are on the server's and the daemon's own
// events (requests seen, /metrics counters), never on sleeps.
import http from 'node:http';
import { test, teardown } from './lib/runner.mjs';
import { eq, ok, sleep } from './lib/assert.mjs';
import { daemon, unique } from './lib/shared.mjs';
import { expectRecord } from './lib/check.mjs';
import { articlePage } from './lib/fixture.mjs';

/** A page server on one loopback address: counts requests in flight (and
 * the most at once), holds answers when `hold` is set, and answers a path
 * from `script` (a list of {status, headers}) before serving the page. */
class HoldServer {
  constructor(host) {
    this.host = host;
    this.inFlight = 0;
    this.max = 0;
    this.hits = new Map();
    this.held = [];
    this.hold = false;
    this.script = new Map();
    this.waiters = [];
    this.sockets = new Set();
  }

  start() {
    this.srv = http.createServer((req, res) => this.#handle(req, res));
    this.srv.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return new Promise((resolve, reject) => {
      this.srv.once('error', reject);
      this.srv.listen(0, this.host, () => {
        this.port = this.srv.address().port;
        resolve(this);
      });
    });
  }

  url(p) {
    return `http://${this.host}:${this.port}${p}`;
  }

  #changed() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when cond() holds (checked at every request event). */
  async until(cond, what, ms = 20000) {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);    // a safety net, not the synchronisation
      });
    }
  }

  #handle(req, res) {
    const path = new URL(req.url, 'http://x').pathname;
    this.hits.set(path, (this.hits.get(path) || 0) + 1);
    this.inFlight++;
    this.max = Math.max(this.max, this.inFlight);
    const finish = () => {
      const steps = this.script.get(path);
      const step = steps && steps.length ? steps.shift() : null;
      const body = step ? 'busy' : articlePage(path.replace(/\W/g, ''));
      res.writeHead(step ? step.status : 200, { 'Content-Type': 'text/html; charset=utf-8', ...(step?.headers || {}) });
      res.end(body);
      this.inFlight--;
      this.#changed();
    };
    if (this.hold) this.held.push(finish);
    else finish();
    this.#changed();
  }

  /** Answer the oldest held request. */
  releaseOne() {
    const f = this.held.shift();
    if (f) f();
    return !!f;
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.srv.close(() => r()));
  }
}

const servers = [];
teardown('cleanup: polite fetching servers', () => Promise.all(servers.map((s) => s.close())));
async function server(host) {
  const s = await new HoldServer(host).start();
  servers.push(s);
  return s;
}

async function metric(d, reason) {
  const t = (await d.get('/metrics')).text;
  const m = new RegExp(`^skimd_jobs_deferred_total\\{reason="${reason}"\\} ([0-9]+)$`, 'm').exec(t);
  ok(m, `no skimd_jobs_deferred_total{reason="${reason}"} in /metrics`);
  return Number(m[1]);
}

/** Poll /metrics until the counter reaches n (the daemon's own event). */
async function metricAtLeast(d, reason, n, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await metric(d, reason);
    if (v >= n) return v;
    if (Date.now() > deadline) throw new Error(`deferred{${reason}} stayed ${v} < ${n}`);
    await sleep(25);
  }
}

test('polite: 20 jobs for one host never exceed --host-concurrency 2; another host is not held up', async () => {
  const a = await server('127.0.0.1');
  const b = await server('127.0.0.2');
  const d = await daemon({ name: 'polite-limit', workers: 4 });
  a.hold = true;
  const ids = [];
  for (let i = 0; i < 20; i++) {
    const r = await d.post('/articles', { url: a.url(`/a/${unique('p')}-${i}`) });
    eq(r.status, 202, `submit ${i} -> ${r.text}`);
    ids.push(r.json().id);
  }
  await a.until(() => a.inFlight === 2, 'two fetches of host a in flight');
  // the other two workers claimed jobs of host a and gave them back
  await metricAtLeast(d, 'host_limit', 1);
  // host b (127.0.0.2) is fetched while host a holds its two slots
  const rb = expectRecord(await d.post('/articles?wait=20', { url: b.url(`/b/${unique('p')}`) }), 201, 'host b');
  eq(rb.status, 'ready', 'host b ready while host a is busy');
  eq(a.inFlight, 2, 'host a still at its limit');
  // let host a's answers go one at a time: the next fetch starts as one ends
  let released = 0;
  while (released < 20) {
    await a.until(() => a.held.length > 0, `held request ${released + 1}`);
    ok(a.releaseOne(), 'released');
    released++;
  }
  for (const id of ids) {
    const rec = await d.waitStatus(id, ['ready', 'failed'], 30000);
    eq(rec.status, 'ready', `job ${id} ready`);
  }
  eq(a.max, 2, `at most 2 fetches of host a at once (saw ${a.max})`);
  let total = 0;
  for (const v of a.hits.values()) total += v;
  eq(total, 20, 'each of the 20 pages fetched once');
}, { timeout: 90000 });

test('polite: 429 with Retry-After: 2 re-queues the job, which succeeds on the retry', async () => {
  const a = await server('127.0.0.1');
  const d = await daemon({ name: 'polite-429', workers: 2 });
  const path = `/r/${unique('ra')}`;
  a.script.set(path, [{ status: 429, headers: { 'Retry-After': '2' } }]);
  const before = await metric(d, 'retry_after');
  const r = await d.post('/articles', { url: a.url(path) });
  eq(r.status, 202, `submit -> ${r.text}`);
  await metricAtLeast(d, 'retry_after', before + 1);
  const mid = (await d.get(`/articles/${r.json().id}`)).json();
  eq(mid.status === 'queued' || mid.status === 'fetching' || mid.status === 'ready', true,
    `deferred, not failed: ${mid.status} ${JSON.stringify(mid.error)}`);
  const rec = await d.waitStatus(r.json().id, ['ready', 'failed'], 20000);
  eq(rec.status, 'ready', `ready after the retry: ${JSON.stringify(rec.error)}`);
  eq(a.hits.get(path), 2, 'fetched twice: the 429, then the page');
  ok(d.logText().includes('"status":"deferred","error":"retry_after"'), 'the deferral is logged');
}, { timeout: 40000 });

test('polite: 503 with an HTTP-date Retry-After; tries run out -> failed http_429; 0 turns it off', async () => {
  const a = await server('127.0.0.1');
  const d = await daemon({ name: 'polite-503', workers: 2, args: ['--retry-after-tries', '2'] });
  const p1 = `/r/${unique('date')}`;
  const when = new Date(Date.now() + 1000).toUTCString();     // IMF-fixdate
  a.script.set(p1, [{ status: 503, headers: { 'Retry-After': when } }]);
  const r1 = (await d.post('/articles', { url: a.url(p1) })).json();
  eq((await d.waitStatus(r1.id, ['ready', 'failed'], 20000)).status, 'ready', '503 + date -> ready');
  eq(a.hits.get(p1), 2, 'the 503, then the page');
  // always 429: two tries, then the failure of the last answer
  const p2 = `/r/${unique('always')}`;
  a.script.set(p2, Array.from({ length: 10 }, () => ({ status: 429, headers: { 'Retry-After': '1' } })));
  const r2 = (await d.post('/articles', { url: a.url(p2) })).json();
  const f2 = await d.waitStatus(r2.id, ['ready', 'failed'], 20000);
  eq(f2.status, 'failed', 'failed once the tries ran out');
  eq(f2.error.code, 'http_429', 'its reason');
  eq(a.hits.get(p2), 2, '--retry-after-tries 2: fetched twice');
  // without Retry-After a 429 fails at once
  const p3 = `/r/${unique('bare')}`;
  a.script.set(p3, [{ status: 429 }]);
  const r3 = (await d.post('/articles', { url: a.url(p3) })).json();
  eq((await d.waitStatus(r3.id, ['ready', 'failed'], 20000)).error.code, 'http_429', 'no Retry-After');
  eq(a.hits.get(p3), 1, 'fetched once');
  const off = await daemon({ name: 'polite-off', workers: 1, args: ['--retry-after-max', '0'] });
  const p4 = `/r/${unique('off')}`;
  a.script.set(p4, [{ status: 429, headers: { 'Retry-After': '1' } }]);
  const r4 = (await off.post('/articles', { url: a.url(p4) })).json();
  eq((await off.waitStatus(r4.id, ['ready', 'failed'], 20000)).error.code, 'http_429', '--retry-after-max 0');
  eq(await metric(off, 'retry_after'), 0, 'nothing deferred');
}, { timeout: 60000 });

test('polite: --host-gap-ms keeps the second fetch of a host back; a refresh of a deferred job wins', async () => {
  const a = await server('127.0.0.1');
  const d = await daemon({ name: 'polite-gap', workers: 2, args: ['--host-gap-ms', '3000'] });
  const p1 = `/g/${unique('g1')}`, p2 = `/g/${unique('g2')}`;
  const r1 = (await d.post('/articles', { url: a.url(p1) })).json();
  const r2 = (await d.post('/articles', { url: a.url(p2) })).json();
  await metricAtLeast(d, 'host_gap', 1);
  eq(a.hits.get(p1) + (a.hits.get(p2) || 0), 1, 'one fetch inside the gap');
  // refresh the deferred one: a new generation, the old deferral is dropped
  const second = a.hits.get(p1) ? r2 : r1;
  eq((await d.post(`/articles/${second.id}/refresh`)).status, 202, 'refresh the waiting one');
  for (const r of [r1, r2])
    eq((await d.waitStatus(r.id, ['ready', 'failed'], 20000)).status, 'ready', `job ${r.id} ready`);
  eq((a.hits.get(p1) || 0) + (a.hits.get(p2) || 0), 2, 'each fetched once: the refresh replaced the deferred request');
}, { timeout: 40000 });
