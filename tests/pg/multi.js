// multi.js -- several daemons on one PostgreSQL database (issue 14):
//   - two daemons migrating a fresh database at the same moment: both
//     start, the schema is built once;
//   - 500 submissions spread over two daemons: every article ends ready
//     exactly once (one "job" log line in all), no page fetched twice;
//   - the same URL posted to both at once: one record, both answer it;
//   - ?wait answered on the daemon the client waits on when the other
//     finished the job (LISTEN/NOTIFY);
//   - SIGKILL of a daemon holding a job: the other finishes it once the
//     lease expires (held by a fixture, not timed).
// SKIMD_TEST_PG is the throw-away server's base URI (tests/pg/run.sh).
'use strict';
const { execFileSync } = require('node:child_process');
const H = require('../harness/daemon.js');
const { articlePage } = require('../harness/pages.js');

const R = H.results('pg-multi');
const BASE = process.env.SKIMD_TEST_PG;
const ARGS = ['--allow-private', '--fetch-timeout', '10', '--lease-seconds', '2'];
let dbSeq = 0;

const uri = (name) => BASE.replace(':///?', `:///${name}?`);
function psql(db, q) {
  return execFileSync('psql', [db, '-qAtc', q], { encoding: 'utf8' }).trim();
}
function freshDb() {
  const name = `multi${process.pid}_${++dbSeq}`;
  psql(uri('postgres'), `CREATE DATABASE ${name}`);
  return uri(name);
}

// Pages by path, hits counted per path; the next request of a path can be held.
async function pages() {
  const hits = new Map();
  const holds = new Map();
  const numbers = new Map();          // a different page per path
  const srv = await H.fixture((req, res) => {
    const p = req.url.split('?')[0];
    hits.set(p, (hits.get(p) || 0) + 1);
    if (!numbers.has(p)) numbers.set(p, numbers.size + 1);
    const send = () => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(articlePage(numbers.get(p)));
    };
    const h = holds.get(p);
    if (h && !h.taken) {
      h.taken = true;
      h.arrived();
      h.release = send;
    } else send();
  });
  srv.count = (p) => hits.get(p) || 0;
  srv.allHits = hits;
  srv.url = (p) => `http://127.0.0.1:${srv.port}${p}`;
  srv.hold = (p) => {
    const h = {};
    const arrived = new Promise((r) => { h.arrived = r; });
    holds.set(p, h);
    return { arrived, release: () => { holds.delete(p); if (h.release) h.release(); } };
  };
  return srv;
}

async function settled(d, id, ms = 60000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await H.request(d.port, { path: `/articles/${id}` });
    if (r.status === 200 && r.json && !r.json.job && ['ready', 'failed'].includes(r.json.status)) return r.json;
    if (Date.now() > deadline) return r.json;
    await H.sleep(100);
  }
}

const jobLines = (d) => d.log.split('\n').filter((l) => l.includes('"event":"job"'))
  .map((l) => JSON.parse(l));

async function both(db, extra = []) {
  const [a, b] = await Promise.all([
    H.startDaemon({ db, args: [...ARGS, ...extra] }),
    H.startDaemon({ db, args: [...ARGS, ...extra] }),
  ]);
  return [a, b];
}

async function stopAll(...ds) {
  for (const d of ds) if (d && !d.exited) await d.stop('SIGTERM');
}

async function migrateTogether() {
  const db = freshDb();
  const [a, b] = await both(db);
  R.ok(a.alive() && b.alive(), 'two daemons started together on a fresh database');
  R.ok(psql(db, 'SELECT count(*) FROM skimd_schema') === '1', 'one schema-version row');
  R.ok(psql(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'articles'") === '1',
    'the tables exist once');
  await stopAll(a, b);
}

async function fiveHundred(srv) {
  const db = freshDb();
  const [a, b] = await both(db);
  const ids = [];
  for (let i = 0; i < 500; i++) {
    const d = i % 2 ? b : a;
    const r = await H.postJSON(d.port, '/articles', { url: srv.url(`/many/${i}`) });
    if (r.status !== 202) { R.ok(false, `submission ${i} accepted`, `${r.status} ${r.body}`); break; }
    ids.push(r.json.id);
  }
  R.ok(ids.length === 500, '500 submissions accepted over two daemons');
  let ready = 0;
  for (const id of ids) if ((await settled(a, id))?.status === 'ready') ready++;
  R.ok(ready === 500, 'every article ready', `${ready} of 500`);
  const lines = [...jobLines(a), ...jobLines(b)].filter((j) => j.status === 'ready' || j.status === 'failed');
  const per = new Map();
  for (const j of lines) per.set(j.id, (per.get(j.id) || 0) + 1);
  R.ok(per.size === 500 && [...per.values()].every((n) => n === 1),
    'each article finished exactly once across both daemons', `${lines.length} job lines, ${per.size} ids`);
  const fetched = [...srv.allHits].filter(([p]) => p.startsWith('/many/'));
  R.ok(fetched.length === 500 && fetched.every(([, n]) => n === 1), 'no page fetched twice',
    `${fetched.filter(([, n]) => n !== 1).length} pages fetched more than once`);
  R.ok(jobLines(a).length > 0 && jobLines(b).length > 0, 'both daemons did some of the work',
    `${jobLines(a).length} / ${jobLines(b).length}`);
  await stopAll(a, b);
}

async function sameUrlAtOnce(srv) {
  const db = freshDb();
  const [a, b] = await both(db);
  let same = 0, one = 0;
  for (let i = 0; i < 20; i++) {
    const url = srv.url(`/race/${i}`);
    const [ra, rb] = await Promise.all([H.postJSON(a.port, '/articles', { url }),
      H.postJSON(b.port, '/articles', { url })]);
    if (ra.json && rb.json && ra.json.id === rb.json.id) same++;
    const statuses = [ra.status, rb.status].sort().join(',');
    if (statuses === '200,202' || statuses === '202,202' && ra.json.id === rb.json.id) one++;
  }
  R.ok(same === 20, 'the same URL posted to both daemons at once: one id', `${same} of 20`);
  R.ok(one === 20, 'one created (202), the other answered with it (200)', `${one} of 20`);
  const n = psql(db, "SELECT count(*) FROM articles WHERE norm_url LIKE '%/race/%'");
  R.ok(n === '20', 'one record per URL', n);
  await stopAll(a, b);
}

async function waitAcross(srv) {
  const db = freshDb();
  // a's one worker is held on a first page, so that only b can take the
  // second: a's ?wait must hear of b's finish
  const a = await H.startDaemon({ db, args: [...ARGS, '--workers', '1'] });
  const first = srv.hold('/wait/busy');
  const busy = await H.postJSON(a.port, '/articles', { url: srv.url('/wait/busy') });
  await first.arrived;
  const b = await H.startDaemon({ db, args: [...ARGS, '--workers', '1'] });
  const r = await H.postJSON(a.port, '/articles?wait=15', { url: srv.url('/wait/other') });
  R.ok(r.status === 201 && r.json && r.json.status === 'ready',
    '?wait on one daemon answered when the other finished the job', `${r.status} ${r.json && r.json.status}`);
  R.ok(jobLines(b).some((j) => j.id === r.json.id) && !jobLines(a).some((j) => j.id === r.json.id),
    'the other daemon did the job');
  first.release();
  R.ok((await settled(a, busy.json.id))?.status === 'ready', 'the held page then finishes');
  await stopAll(a, b);
}

async function killHolder(srv) {
  const db = freshDb();
  const a = await H.startDaemon({ db, args: ARGS });
  const p = '/killed/1';
  const held = srv.hold(p);
  const r = await H.postJSON(a.port, '/articles', { url: srv.url(p) });
  await held.arrived;                       // a holds the job's lease
  const b = await H.startDaemon({ db, args: ARGS });
  a.child.kill('SIGKILL');
  await a.exitPromise;
  const rec = await settled(b, r.json.id);
  R.ok(rec && rec.status === 'ready', 'a job leased by a killed daemon finishes on the other',
    rec && rec.status);
  R.ok(srv.count(p) === 2, 'fetched again once, after the lease expired', String(srv.count(p)));
  R.ok(jobLines(b).filter((j) => j.id === r.json.id).length === 1, 'finished once, by the survivor');
  await stopAll(b);
}

(async () => {
  if (!BASE) {
    R.ok(false, 'SKIMD_TEST_PG names the test server (run tests/pg/run.sh)');
    return R.end();
  }
  const srv = await pages();
  try {
    await migrateTogether();
    await sameUrlAtOnce(srv);
    await waitAcross(srv);
    await killHolder(srv);
    await fiveHundred(srv);
  } catch (e) {
    R.ok(false, 'the suite ran to the end', e.stack);
  } finally {
    await srv.stop();
  }
  // ASan/UBSan/TSan builds: no daemon reported anything
  const reports = H.sanitizerReports();
  R.ok(reports.length === 0, 'no sanitizer report from any daemon', reports.join('\n').slice(0, 2000));
  R.end();
})();
