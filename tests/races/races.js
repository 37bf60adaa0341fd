// races.js -- the job model under races and faults, staged deterministically.
//
// Every race is held in place, never timed: a loopback fixture holds a
// page's response until the test releases it, and the daemon's failpoints
// (server/failpoint.h: a FIFO the worker opens and reads one byte from)
// hold a worker after its fetch, before its finish, or the re-tagging pass
// before its write. What is checked:
//   - a refresh during a fetch or during analysis, through both entry points,
//     with and without new html, 1 and 2 workers: the final record is the
//     newest version and the page is fetched exactly as often as requested;
//   - re-tagging racing a refresh never writes tags of the older text;
//   - a canonical URL takes over nothing unless it is trustworthy;
//   - a second daemon on the same file is refused and changes nothing (also
//     when it could not bind); a daemon that cannot bind changes nothing;
//   - a full disk (RLIMIT_FSIZE): writes and /healthz answer 503, and once
//     space is back every job finishes without a restart;
//   - the database directory removed, the files made immutable: 503s, no
//     crash, nothing acknowledged that was not stored;
//   - a corrupt file is refused at start;
//   - SIGKILL during a refresh storm: every article ends ready or failed,
//     each in the full-text index exactly once.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const H = require('../harness/daemon.js');

const R = H.results('races');
const ARGS = ['--allow-private', '--fetch-timeout', '10', '--lease-seconds', '3'];

// A page whose text carries `marker` (and `topic`, a sentence repeated).
function page(title, marker, topic = '', head = '') {
  const paras = [];
  for (let i = 0; i < 5; i++) {
    paras.push(`<p>Paragraph ${i} of the report ${marker}: the committee met on Monday and `
      + `discussed the plan for the district in detail, with figures for every year. ${topic}</p>`);
  }
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}`
    + `</head><body><article><h1>${title}</h1>${paras.join('\n')}</article></body></html>`;
}

// A fixture whose pages are versioned per path (the n-th request of a path
// gets version n) and whose next response for a path can be held.
async function versionedServer() {
  const counts = new Map();
  const holds = new Map();
  const srv = await H.fixture((req, res) => {
    const p = req.url.split('?')[0];
    const n = (counts.get(p) || 0) + 1;
    counts.set(p, n);
    const send = () => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(srv.body(p, n));
    };
    const h = holds.get(p);
    if (h && !h.taken) {
      h.taken = true;
      h.arrived();
      h.release = send;
    } else send();
  });
  srv.body = (p, n) => page(`Story ${p}`, `version${n}marker`);
  srv.count = (p) => counts.get(p) || 0;
  // Hold the next request of p: {arrived: Promise, release()}.
  srv.hold = (p) => {
    const h = {};
    h.arrivedP = new Promise((r) => { h.arrived = r; });
    holds.set(p, h);
    return { arrived: h.arrivedP, release: () => { holds.delete(p); h.release(); } };
  };
  srv.url = (p) => `http://127.0.0.1:${srv.port}${p}`;
  return srv;
}

// A failpoint FIFO: `reached` resolves when a worker waits at it;
// release() removes it (so later passes go by) and lets the worker on.
function failpoint(dir, name) {
  const f = path.join(dir, name);
  execFileSync('mkfifo', [f]);
  const opened = fs.promises.open(f, 'w');       // returns once the worker opened it
  return {
    reached: opened,
    release: async () => {
      const fh = await opened;
      fs.unlinkSync(f);
      await fh.write(Buffer.from('x'));
      await fh.close();
    },
  };
}

async function get(d, p) { return H.request(d.port, { path: p }); }

// Poll the record until its pending job is gone (the harness's usual
// wait: ready/failed and no job).
async function settled(d, id, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await get(d, `/articles/${id}?include=content`);
    if (r.status === 200 && r.json && !r.json.job && ['ready', 'failed'].includes(r.json.status)) return r.json;
    if (Date.now() > deadline) return r.json;
    await H.sleep(50);
  }
}

function tmp(tag) { return fs.mkdtempSync(path.join(require('node:os').tmpdir(), `skimd-races-${tag}-`)); }

async function withDaemon(tag, opts, fn) {
  const dir = tmp(tag);
  const fp = path.join(dir, 'fp');
  fs.mkdirSync(fp);
  const db = opts.db || path.join(dir, 'skimd.db');
  const d = await H.startDaemon({ db, args: [...ARGS, ...(opts.args || [])],
    env: { SKIMD_FAILPOINT_DIR: fp } });
  try {
    await fn(d, { dir, fp, db });
  } finally {
    if (!d.exited) { d.child.kill('SIGTERM'); await d.exitPromise; }
    if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
  return d;
}

// 1. A refresh during the fetch: newest version wins, two fetches.
async function refreshDuringFetch(workers, entry) {
  const srv = await versionedServer();
  await withDaemon(`fetch${workers}`, { args: ['--workers', String(workers)] }, async (d) => {
    const p = `/f-${workers}-${entry}`;
    const hold = srv.hold(p);
    const first = await H.postJSON(d.port, '/articles', { url: srv.url(p) });
    const id = first.json.id;
    await hold.arrived;                                  // version 1 is being fetched
    const again = entry === 'refresh=1'
      ? await H.postJSON(d.port, '/articles?refresh=1', { url: srv.url(p) })
      : await H.request(d.port, { method: 'POST', path: `/articles/${id}/refresh` });
    R.ok(again.status === 202, `${workers} worker(s), ${entry} during the fetch: 202`, `${again.status}`);
    hold.release();
    const rec = await settled(d, id);
    R.ok(rec && rec.status === 'ready' && /version2marker/.test(rec.content || ''),
      `${workers} worker(s), ${entry} during the fetch: the final record is the newest version`,
      rec && `${rec.status} ${(rec.content || '').match(/version\d+marker/)}`);
    R.ok(srv.count(p) === 2, `${workers} worker(s), ${entry} during the fetch: fetched exactly twice`,
      `${srv.count(p)}`);
  });
  await srv.stop();
}

// 2. A refresh during analysis: a fetched page (held after its fetch) and
// a pushed page (held before its finish), new html or none.
async function refreshDuringAnalysis(workers) {
  const srv = await versionedServer();
  await withDaemon(`analysis${workers}`, { args: ['--workers', String(workers)] }, async (d, t) => {
    // fetched, refreshed through /refresh while version 1 is analysed
    const p = `/a-${workers}`;
    let fpt = failpoint(t.fp, 'job.fetched');
    const sub = await H.postJSON(d.port, '/articles', { url: srv.url(p) });
    await fpt.reached;
    const rr = await H.request(d.port, { method: 'POST', path: `/articles/${sub.json.id}/refresh` });
    await fpt.release();
    let rec = await settled(d, sub.json.id);
    R.ok(rr.status === 202 && rec && /version2marker/.test(rec.content || '') && srv.count(p) === 2,
      `${workers} worker(s), /refresh during analysis of a fetched page: newest version, fetched twice`,
      `${rr.status} ${rec && (rec.content || '').match(/version\d+marker/)} ${srv.count(p)}`);

    // pushed html, refreshed with new html while the first is being stored
    const url = srv.url(`/pushed-${workers}`);
    fpt = failpoint(t.fp, 'job.before_finish');
    const a = await H.postJSON(d.port, '/articles', { url, html: page('Pushed', 'pushedAmarker') });
    await fpt.reached;
    const b = await H.postJSON(d.port, '/articles?refresh=1', { url, html: page('Pushed', 'pushedBmarker') });
    await fpt.release();
    rec = await settled(d, a.json.id);
    R.ok(b.status === 202 && rec && /pushedBmarker/.test(rec.content || '') && srv.count(`/pushed-${workers}`) === 0,
      `${workers} worker(s), refresh=1 with new html during analysis: the new page wins, nothing fetched`,
      `${b.status} ${rec && (rec.content || '').match(/pushed.marker/)}`);
    // a plain refresh of a pushed record analyses the stored page again, fetches nothing
    const c = await H.request(d.port, { method: 'POST', path: `/articles/${a.json.id}/refresh?wait=10` });
    R.ok(c.status === 201 && srv.count(`/pushed-${workers}`) === 0,
      `${workers} worker(s), refresh of a pushed record re-reads the stored page, fetches nothing`,
      `${c.status} ${srv.count(`/pushed-${workers}`)}`);
    rec = await settled(d, a.json.id);
    R.ok(/pushedBmarker/.test(rec.content || '') && rec.last_refresh && rec.last_refresh.status === 'ready',
      `${workers} worker(s), the re-read keeps the pushed page's text`, rec && rec.last_refresh && rec.last_refresh.status);
    // ?fetch=1 fetches it
    const e = await H.request(d.port, { method: 'POST', path: `/articles/${a.json.id}/refresh?fetch=1&wait=10` });
    R.ok(e.status === 201 && srv.count(`/pushed-${workers}`) === 1,
      `${workers} worker(s), refresh?fetch=1 of a pushed record fetches its URL once`, `${e.status} ${srv.count(`/pushed-${workers}`)}`);
  });
  await srv.stop();
}

// 2b. With two workers of one daemon (one lease owner), the generation
// alone tells a stale worker from the current one: worker 1 finishes
// version 1 while worker 2 still fetches version 2 -- version 1 must never
// become visible.
async function staleNeverVisible() {
  const srv = await versionedServer();
  await withDaemon('stale', { args: ['--workers', '2'] }, async (d, t) => {
    const p = '/stale';
    const fpt = failpoint(t.fp, 'job.fetched');
    const sub = await H.postJSON(d.port, '/articles', { url: srv.url(p) });
    await fpt.reached;                                   // worker 1 has version 1
    const hold = srv.hold(p);
    const rr = await H.request(d.port, { method: 'POST', path: `/articles/${sub.json.id}/refresh` });
    await hold.arrived;                                  // worker 2 fetches version 2
    await fpt.release();
    let seen = null;
    for (let i = 0; i < 400 && !seen; i++) {
      seen = /"event":"job","id":\d+,"generation":1,"status":"(superseded|ready)"/.exec(d.log);
      if (!seen) await H.sleep(25);
    }
    const mid = (await get(d, `/articles/${sub.json.id}?include=content`)).json;
    R.ok(rr.status === 202 && seen && seen[1] === 'superseded' && mid.status !== 'ready' && !mid.content,
      'two workers: the stale worker\'s version 1 is dropped, never visible', `${seen && seen[1]} ${mid.status}`);
    hold.release();
    const rec = await settled(d, sub.json.id);
    R.ok(/version2marker/.test(rec.content || '') && srv.count(p) === 2,
      'two workers: then version 2 is stored, fetched twice', `${srv.count(p)}`);
  });
  await srv.stop();
}

// 3. Re-tagging (after a taxonomy change) racing a refresh.
async function retagRacesRefresh() {
  const dir = tmp('retag');
  const fp = path.join(dir, 'fp');
  fs.mkdirSync(fp);
  const db = path.join(dir, 'skimd.db');
  const srv = await versionedServer();
  const llm = 'Researchers trained a large language model on public text.';
  const gpt = 'OpenAI released ChatGPT, and ChatGPT became the fastest growing app; ChatGPT is a large language model.';
  srv.body = (p, n) => page('Models', `v${n}marker`, n === 1 ? llm : gpt);
  let d = await H.startDaemon({ db, args: [...ARGS, '--taxonomy', 'tests/taxonomy/good.json'] });
  try {
    const a = await H.postJSON(d.port, '/articles?wait=10', { url: srv.url('/models') });
    const before = JSON.stringify(a.json && a.json.tags);
    await d.stop('SIGTERM');
    const fpt = failpoint(fp, 'retag.before_write');
    d = await H.startDaemon({ db, args: ARGS, env: { SKIMD_FAILPOINT_DIR: fp } });
    await fpt.reached;                                   // retag holds tags of version 1
    const r = await H.request(d.port, { method: 'POST', path: `/articles/${a.json.id}/refresh?wait=10` });
    const fresh = r.json && r.json.tags;
    await fpt.release();
    for (let i = 0; i < 200 && !/"event":"retag","status":"done"/.test(d.log); i++) await H.sleep(25);
    const after = (await get(d, `/articles/${a.json.id}`)).json;
    const tech = (x) => JSON.stringify((x && x.technology) || []);
    R.ok(r.status === 201 && /ChatGPT/.test(tech(fresh)) && !/ChatGPT/.test(before),
      'retag race: the refresh tagged the new text (ChatGPT), the old one had no such tag', `${r.status} ${tech(fresh)} / ${before}`);
    R.ok(/"event":"retag","status":"done"/.test(d.log) && tech(after.tags) === tech(fresh),
      'retag race: the re-tagging pass did not overwrite the fresh tags with the old text\'s', `${tech(after.tags)}`);
  } finally {
    if (!d.exited) { d.child.kill('SIGTERM'); await d.exitPromise; }
    await srv.stop();
    if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

// 4. Canonical takeover: pushed and fetched attacker pages.
async function canonicalTakeover() {
  const srv = await versionedServer();
  const host = `127.0.0.1:${srv.port}`;
  srv.body = (p) => {
    if (p === '/attacker') return page('Fake', 'fakemarker', '', `<link rel="canonical" href="http://localhost:${srv.port}/real-story">`);
    if (p === '/same-site') return page('Same', 'samemarker', '', `<link rel="canonical" href="http://${host}/canonical-of-same">`);
    return page('Other', 'othermarker');
  };
  await withDaemon('canon', {}, async (d) => {
    // pushed: a canonical in a page the client sent is never trusted
    const a = await H.postJSON(d.port, '/articles?wait=10', { url: 'http://127.0.0.1:9/x',
      html: page('Fake', 'fakemarker', '', '<link rel="canonical" href="http://127.0.0.2:9/real-story"><meta property="og:url" content="http://127.0.0.2:9/real-story">') });
    const b = await H.postJSON(d.port, '/articles', { url: 'http://127.0.0.2:9/real-story', html: page('Real', 'realmarker') });
    R.ok(a.status === 201 && b.status === 202 && b.json.id !== a.json.id,
      'canonical takeover with pushed html refused: the real URL gets its own record', `${a.status} ${b.status}`);
    // fetched, canonical on another site
    const c = await H.postJSON(d.port, '/articles?wait=10', { url: srv.url('/attacker') });
    const e = await H.postJSON(d.port, '/articles', { url: `http://localhost:${srv.port}/real-story`, html: page('Real', 'realmarker') });
    R.ok(c.status === 201 && c.json.canonical_url && e.status === 202 && e.json.id !== c.json.id,
      'canonical takeover from a fetched page of another site refused (kept for display)', `${c.status} ${e.status}`);
    // fetched, same site: trusted, dedupes
    const f = await H.postJSON(d.port, '/articles?wait=10', { url: srv.url('/same-site') });
    const g = await H.postJSON(d.port, '/articles', { url: `http://${host}/canonical-of-same`, html: page('x', 'y') });
    R.ok(f.status === 201 && g.status === 200 && g.json.id === f.json.id,
      'a fetched page\'s canonical URL on its own site still dedupes', `${f.status} ${g.status}`);
  });
  await srv.stop();
}

// 5. A second daemon on the same file; a daemon that cannot bind.
async function secondDaemon() {
  const srv = await versionedServer();
  await withDaemon('second', { args: ['--workers', '1'] }, async (d, t) => {
    const hold = srv.hold('/held');
    const sub = await H.postJSON(d.port, '/articles', { url: srv.url('/held') });
    await hold.arrived;
    const snap = () => H.sql(t.db, 'SELECT article_id, generation, lease_owner, lease_expires_ms IS NOT NULL FROM jobs');
    const jobsBefore = H.sql(t.db, 'SELECT article_id, generation, lease_owner FROM jobs');
    const tryStart = (args) => new Promise((resolve) => {
      const child = require('node:child_process').spawn(H.BIN, ['serve', '--db', t.db, ...ARGS, ...args],
        { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr.on('data', (b) => { log += b; });
      child.on('exit', (code) => resolve({ code, log }));
    });
    const free = await H.freePort();
    const second = await tryStart(['--listen', `127.0.0.1:${free}`]);
    R.ok(second.code !== 0 && /another skimd is using/.test(second.log),
      'a second daemon on the same file exits with a clear message', second.log.slice(0, 200));
    const third = await tryStart(['--listen', `127.0.0.1:${d.port}`]);   // the port is taken too
    R.ok(third.code !== 0, 'a second daemon that could not bind exits too', third.log.slice(0, 120));
    R.ok(H.sql(t.db, 'SELECT article_id, generation, lease_owner FROM jobs') === jobsBefore && jobsBefore.includes('|'),
      'the first daemon\'s leased job is untouched by both', `${jobsBefore} / ${snap()}`);
    hold.release();
    const rec = await settled(d, sub.json.id);
    R.ok(rec.status === 'ready' && srv.count('/held') === 1, 'the first daemon finishes its job, fetched once',
      `${rec.status} ${srv.count('/held')}`);
    // a daemon that cannot bind (the lock is free now) changes nothing stored
    const q = await H.postJSON(d.port, '/articles', { url: srv.url('/later'), html: page('L', 'l') });
    await settled(d, q.json.id);
    await d.stop('SIGTERM');
    const sum = H.dbChecksum(t.db);
    const blocker = await H.fixture(() => {});
    const fourth = await tryStart(['--listen', `127.0.0.1:${blocker.port}`]);
    await blocker.stop();
    R.ok(fourth.code !== 0 && /cannot listen/.test(fourth.log) && H.dbChecksum(t.db) === sum,
      'a daemon that cannot bind exits and changes nothing stored', fourth.log.slice(-160));
  });
  await srv.stop();
}

// 6. A full disk, staged with RLIMIT_FSIZE on the running daemon.
async function fullDisk() {
  const srv = await versionedServer();
  await withDaemon('full', { args: ['--workers', '1'] }, async (d) => {
    const pid = String(d.child.pid);
    const hold = srv.hold('/during');
    const sub = await H.postJSON(d.port, '/articles', { url: srv.url('/during') });
    await hold.arrived;
    execFileSync('prlimit', ['--pid', pid, '--fsize=4096:unlimited']);
    hold.release();                                      // its finish now cannot be written
    let health = null;
    for (let i = 0; i < 200; i++) {
      health = await get(d, '/healthz');
      if (health.status === 503) break;
      await H.sleep(25);
    }
    R.ok(health.status === 503, '/healthz answers 503 while writes fail', `${health.status} ${health.body}`);
    const w = await H.postJSON(d.port, '/articles', { url: srv.url('/while-full'), html: page('F', 'f') });
    R.ok(w.status === 503, 'a write while the disk is full answers 503, not an acknowledgement', `${w.status}`);
    const midway = (await get(d, `/articles/${sub.json.id}`)).json;
    R.ok(midway && midway.status !== 'failed', 'the job caught by the full disk is not failed', midway && midway.status);
    execFileSync('prlimit', ['--pid', pid, '--fsize=unlimited:unlimited']);
    const rec = await settled(d, sub.json.id, 30000);
    R.ok(rec.status === 'ready' && srv.count('/during') === 1,
      'space back: the job finishes without a restart, fetched once', `${rec.status} ${srv.count('/during')}`);
    for (let i = 0; i < 200; i++) {
      health = await get(d, '/healthz');
      if (health.status === 200) break;
      await H.sleep(25);
    }
    R.ok(health.status === 200, '/healthz ok again once writes work', `${health.status}`);
    const after = await H.postJSON(d.port, '/articles', { url: srv.url('/after'), html: page('A', 'a') });
    R.ok(after.status === 202, 'writes are acknowledged again', `${after.status}`);
    R.ok(d.alive(), 'the daemon stayed up');
    R.ok(H.sql(d.db, "SELECT count(*) FROM articles WHERE url LIKE '%while-full%'") === '0',
      'the refused write left nothing stored');
  });
  await srv.stop();
}

// 7. The directory removed; the files made immutable.
async function vanishingDatabase() {
  const base = tmp('vanish');
  const sub = path.join(base, 'data');
  fs.mkdirSync(sub);
  const db = path.join(sub, 'skimd.db');
  let d = await H.startDaemon({ db, args: ARGS });
  try {
    const acked = [];
    for (let i = 0; i < 4; i++) {
      const r = await H.postJSON(d.port, '/articles?wait=10', { url: `http://127.0.0.1:9/v${i}`, html: page(`V${i}`, `v${i}`) });
      if (r.status === 201) acked.push(r.json.id);
    }
    const copy = path.join(base, 'kept.db');
    execFileSync('sqlite3', [db, `VACUUM INTO '${copy}'`]);
    fs.rmSync(sub, { recursive: true, force: true });
    const codes = [];
    for (let i = 0; i < 16; i++) {
      const r = await H.postJSON(d.port, '/articles', { url: `http://127.0.0.1:9/gone${i}`, html: page('G', 'g') });
      codes.push(r.status);
    }
    R.ok(codes.every((c) => c === 503), 'directory removed: 16 writes answer 503, none acknowledged', codes.join(','));
    const h = await get(d, '/healthz');
    R.ok(h.status === 503 && /no longer the database file/.test(h.body.toString()), 'directory removed: /healthz 503 says why',
      `${h.status} ${h.body}`);
    R.ok(d.alive(), 'directory removed: the daemon stayed up');
    await d.stop('SIGTERM');
    // the restart refuses a missing directory instead of creating an empty database
    const port = await H.freePort();
    const again = await new Promise((resolve) => {
      const child = require('node:child_process').spawn(H.BIN, ['serve', '--db', db, ...ARGS,
        '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr.on('data', (b) => { log += b; });
      child.on('exit', (code) => resolve({ code, log }));
    });
    R.ok(again.code !== 0 && /does not exist/.test(again.log) && !fs.existsSync(db),
      'restart with the directory gone: refused, no empty database created', again.log.slice(0, 160));
    R.ok(acked.length === 4 && Number(H.sql(copy, `SELECT count(*) FROM articles WHERE id IN (${acked.join(',')})`)) === 4,
      'every write acknowledged before the removal is in the database as it was');

    // immutable files
    fs.mkdirSync(sub);
    fs.copyFileSync(copy, db);
    d = await H.startDaemon({ db, args: ARGS });
    const files = [db, `${db}-wal`, `${db}-shm`].filter((f) => fs.existsSync(f));
    execFileSync('chattr', ['+i', ...files]);
    try {
      const codes2 = [];
      for (let i = 0; i < 8; i++) {
        const r = await H.postJSON(d.port, '/articles', { url: `http://127.0.0.1:9/ro${i}`, html: page('R', 'r') });
        codes2.push(r.status);
      }
      R.ok(codes2.every((c) => c === 503), 'files immutable: writes answer 503', codes2.join(','));
      R.ok((await get(d, '/healthz')).status === 503, 'files immutable: /healthz 503');
      R.ok(d.alive() && (await get(d, `/articles/${acked[0]}`)).status === 200, 'files immutable: alive, reads still served');
    } finally {
      execFileSync('chattr', ['-i', ...files]);
    }
  } finally {
    if (!d.exited) { d.child.kill('SIGTERM'); await d.exitPromise; }
    if (!process.env.KEEP) fs.rmSync(base, { recursive: true, force: true });
  }
}

// 8. A corrupt file is refused at start.
async function corruptFile() {
  const dir = tmp('corrupt');
  const db = path.join(dir, 'skimd.db');
  const d = await H.startDaemon({ db, args: ARGS });
  for (let i = 0; i < 3; i++) {
    await H.postJSON(d.port, '/articles?wait=10', { url: `http://127.0.0.1:9/c${i}`, html: page(`C${i}`, `c${i}`) });
  }
  await d.stop('SIGTERM');
  const fd = fs.openSync(db, 'r+');
  const pageSize = 4096;
  const garbage = Buffer.alloc(pageSize * 6, 0xa5);
  fs.writeSync(fd, garbage, 0, garbage.length, pageSize * 2);   // pages 3-8: b-tree pages
  fs.closeSync(fd);
  const bytes = fs.readFileSync(db);
  const port = await H.freePort();
  const res = await new Promise((resolve) => {
    const child = require('node:child_process').spawn(H.BIN, ['serve', '--db', db, ...ARGS,
      '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (b) => { log += b; });
    child.on('exit', (code) => resolve({ code, log }));
  });
  R.ok(res.code !== 0 && /damaged|malformed/.test(res.log), 'a corrupt database is refused at start with a clear message',
    res.log.slice(0, 200));
  R.ok(Buffer.compare(bytes, fs.readFileSync(db)) === 0, 'the refused file is left as it was');
  if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
}

// 9. SIGKILL during a refresh storm.
async function refreshStorm() {
  const srv = await versionedServer();
  const dir = tmp('storm');
  const db = path.join(dir, 'skimd.db');
  let d = await H.startDaemon({ db, args: [...ARGS, '--workers', '2'] });
  try {
    const ids = [];
    for (let i = 0; i < 20; i++) {
      const r = await H.postJSON(d.port, '/articles?wait=10', { url: srv.url(`/s${i}`) });
      ids.push(r.json.id);
    }
    let sent = 0;
    const storm = [];
    for (let k = 0; k < 200; k++) {
      const id = ids[k % ids.length];
      storm.push(H.request(d.port, { method: 'POST', path: `/articles/${id}/refresh` }).then(() => { sent++; }, () => {}));
      if (k === 120) d.child.kill('SIGKILL');
    }
    await Promise.all(storm);
    await d.exitPromise;
    d = await H.startDaemon({ db, args: [...ARGS, '--workers', '2'] });
    const deadline = Date.now() + 40000;
    let pending = -1;
    while (Date.now() < deadline) {
      pending = Number(H.sql(db, "SELECT count(*) FROM jobs") || 0);
      if (pending === 0) break;
      await H.sleep(100);
    }
    const states = H.sql(db, "SELECT status, count(*) FROM articles GROUP BY status");
    R.ok(pending === 0 && states === 'ready|20', 'refresh storm + SIGKILL: every article ends ready, no job left', `${states}; ${pending} jobs`);
    const dup = H.sql(db, 'SELECT count(*) FROM (SELECT rowid FROM articles_fts GROUP BY rowid HAVING count(*) > 1)');
    const fts = H.sql(db, 'SELECT count(*) FROM articles_fts');
    R.ok(dup === '0' && fts === '20', 'refresh storm + SIGKILL: each article in the index exactly once', `${fts} rows, ${dup} twice`);
    R.ok(H.sql(db, 'PRAGMA integrity_check') === 'ok', 'refresh storm + SIGKILL: integrity_check ok');
  } finally {
    if (!d.exited) { d.child.kill('SIGTERM'); await d.exitPromise; }
    await srv.stop();
    if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const steps = [
    ['refresh during fetch, 1 worker, refresh=1', () => refreshDuringFetch(1, 'refresh=1')],
    ['refresh during fetch, 1 worker, /refresh', () => refreshDuringFetch(1, '/refresh')],
    ['refresh during fetch, 2 workers, refresh=1', () => refreshDuringFetch(2, 'refresh=1')],
    ['refresh during fetch, 2 workers, /refresh', () => refreshDuringFetch(2, '/refresh')],
    ['refresh during analysis, 1 worker', () => refreshDuringAnalysis(1)],
    ['refresh during analysis, 2 workers', () => refreshDuringAnalysis(2)],
    ['stale result never visible', staleNeverVisible],
    ['retag racing a refresh', retagRacesRefresh],
    ['canonical takeover', canonicalTakeover],
    ['second daemon', secondDaemon],
    ['full disk', fullDisk],
    ['vanishing database', vanishingDatabase],
    ['corrupt file', corruptFile],
    ['refresh storm', refreshStorm],
  ];
  const only = process.env.RACES_ONLY;
  for (const [name, fn] of steps) {
    if (only && !name.includes(only)) continue;
    const t0 = Date.now();
    try {
      await fn();
    } catch (e) {
      R.ok(false, `${name}: threw`, e.stack);
    }
    console.log(`races: ${name} ${Date.now() - t0} ms`);
  }
  const reports = H.sanitizerReports();
  R.ok(reports.length === 0, 'no sanitizer report from any daemon', reports.join('\n'));
  R.end();
}

main();
