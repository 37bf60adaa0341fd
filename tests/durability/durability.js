// durability.js -- nothing submitted is lost (issue 6, "Durability" and
// "Graceful shutdown").
//
// 1. Crash: 500 URLs to a loopback fixture server (some slow, some past
//    the fetch timeout, some 404), the daemon SIGKILLed half-way through
//    the submissions, restarted on the same database; URLs whose POST was
//    never answered are submitted again (as a client would). Every one of
//    the 500 must end ready or failed with a reason (the reason the
//    fixture dictates), none missing, none left fetching or queued, and
//    every id acknowledged before the kill still there.
// 2. SIGTERM under load: in-flight requests (parked ?wait= ones included)
//    all get complete answers, no new request is answered once the daemon
//    refused one, unfinished jobs are left queued (none fetching), the exit
//    is clean, and the next start runs them to the end.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const net = require('node:net');
const H = require('../harness/daemon.js');
const { articlePage } = require('../harness/pages.js');

const R = H.results('durability');
const N = 500;
const FETCH_TIMEOUT = 2;               // seconds (margin for loaded CI machines)

// What the fixture does with page n, and what the record must end as.
function plan(n) {
  if (n % 25 === 7) return { delay: 0, status: 404, want: 'failed', code: 'http_404' };
  if (n % 25 === 13) return { delay: 4500, status: 200, want: 'failed', code: 'fetch_timeout' };
  if (n % 10 === 4) return { delay: 300, status: 200, want: 'ready' };
  return { delay: 0, status: 200, want: 'ready' };
}

function pageServer(delayScale = 1) {
  return H.fixture((req, res) => {
    const m = /^\/page\/(\d+)$/.exec(req.url);
    if (!m) { res.writeHead(404); res.end(); return; }
    const n = Number(m[1]);
    const p = plan(n);
    const t = setTimeout(() => {
      if (res.destroyed) return;
      if (p.status !== 200) { res.writeHead(p.status, { 'Content-Type': 'text/html' }); res.end('<p>no</p>'); return; }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(articlePage(n));
    }, p.delay * delayScale);
    req.on('close', () => { if (!res.writableEnded) clearTimeout(t); });
  });
}

async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  }));
}

/* The first match of re in the daemon's log, waiting up to ms for it. */
async function waitLog(d, re, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = re.exec(d.log);
    if (m || Date.now() > deadline) return m;
    await H.sleep(50);
  }
}

async function waitSettled(db, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (H.sql(db, "SELECT count(*) FROM articles WHERE status IN ('queued','fetching')") === '0') return true;
    await H.sleep(200);
  }
  return false;
}

async function crashTest() {
  const dir = H.tmpDir('durab');
  const db = path.join(dir, 'd.db');
  const fx = await pageServer();
  const origin = `127.0.0.1:${fx.port}`;
  // on PostgreSQL no daemon owns the database: the dead one's leases are
  // freed when they expire, not at the start, so they are kept short
  const args = ['--workers', '6', '--fetch-timeout', String(FETCH_TIMEOUT), '--allow-host', origin,
    ...(H.PG ? ['--lease-seconds', '3'] : [])];
  const url = (n) => `http://${origin}/page/${n}`;
  let d = await H.startDaemon({ db, args });
  const acked = new Map();              // n -> id, answered 202 before the kill
  let killed = false;
  const t0 = Date.now();
  try {
    const ns = Array.from({ length: N }, (_, i) => i + 1);
    await pool(ns, 8, async (n) => {
      if (killed) return;
      if (n === N / 2 && !killed) {
        killed = true;
        d.child.kill('SIGKILL');
        return;
      }
      try {
        const r = await H.postJSON(d.port, '/articles', { url: url(n) });
        if (r.status === 202 && r.json && r.json.id) acked.set(n, r.json.id);
      } catch (e) { /* the kill cut it short: not acknowledged */ }
    });
    await d.exitPromise;
    R.ok(d.exited.signal === 'SIGKILL', 'daemon killed with SIGKILL mid-way',
      JSON.stringify(d.exited));
    const fetching = H.sql(db, "SELECT count(*) FROM articles WHERE status='fetching'");
    console.log(`durability: killed after ${acked.size} acknowledged submissions, ${fetching} articles caught fetching, ${Date.now() - t0} ms`);

    d = await H.startDaemon({ db, args });
    // the dead daemon's leases are freed by the new one's lease keeper
    const reapedSum = () => [...d.log.matchAll(/"event":"leases_reaped","jobs":(\d+)/g)]
      .reduce((n, m) => n + Number(m[1]), 0);
    if (Number(fetching) > 0)
      await waitLog(d, { exec: () => reapedSum() >= Number(fetching) }, H.PG ? 20000 : 10000);
    R.ok(reapedSum() === Number(fetching),
      'restart frees the lease of every job caught fetching', `${reapedSum()} of ${fetching}: ${d.log.slice(-400)}`);
    // the rest of the 500, plus any whose answer the kill swallowed
    let resubmitted = 0;
    await pool(ns.filter((n) => !acked.has(n)), 8, async (n) => {
      const r = await H.postJSON(d.port, '/articles', { url: url(n) });
      if (r.status === 202 || r.status === 200) resubmitted++;
    });
    R.ok(resubmitted === N - acked.size, 'every unacknowledged URL submitted after the restart',
      `${resubmitted} of ${N - acked.size}`);
    // SETTLE_SECONDS: more for slow builds (valgrind runs one thread at a time)
    const settleS = Number(process.env.SETTLE_SECONDS || 40);
    const settled = await waitSettled(db, settleS * 1000);
    R.ok(settled, `every job ends within ${settleS} s of the restart`);
    await d.stop('SIGTERM');
    R.ok(d.exited.code === 0, 'clean exit', JSON.stringify(d.exited));

    const rows = H.sql(db, 'SELECT id, norm_url, status, coalesce(error_code, \'\') FROM articles');
    const byUrl = new Map();
    for (const line of rows.split('\n').filter(Boolean)) {
      const [id, u, status, code] = line.split('|');
      byUrl.set(u, { id: Number(id), status, code });
    }
    let missing = 0, wrong = 0, lost = 0, stuck = 0, noReason = 0;
    const detail = [];
    for (const n of ns) {
      const rec = byUrl.get(url(n));
      const p = plan(n);
      if (!rec) { missing++; detail.push(`missing ${n}`); continue; }
      if (acked.has(n) && acked.get(n) !== rec.id) { lost++; detail.push(`id of ${n} changed`); }
      if (rec.status === 'fetching' || rec.status === 'queued') { stuck++; continue; }
      if (rec.status === 'failed' && !rec.code) noReason++;
      if (rec.status !== p.want || (p.code && rec.code !== p.code)) {
        wrong++;
        if (detail.length < 8) detail.push(`page ${n}: ${rec.status}/${rec.code}, want ${p.want}/${p.code || ''}`);
      }
    }
    R.ok(byUrl.size === N, `exactly ${N} articles stored`, `${byUrl.size}`);
    R.ok(missing === 0, 'none of the 500 missing', `${missing} missing`);
    R.ok(lost === 0, 'every acknowledged id kept', detail.join('; '));
    R.ok(stuck === 0, 'none left queued or fetching', `${stuck}`);
    R.ok(noReason === 0, 'every failed record has a reason', `${noReason}`);
    R.ok(wrong === 0, 'every record ends as the fixture dictates (ready, http_404, fetch_timeout)',
      `${wrong}: ${detail.join('; ')}`);
    const jobs = H.sql(db, 'SELECT count(*) FROM jobs');
    R.ok(jobs === '0', 'no job rows left', jobs);
    const counts = H.sql(db, 'SELECT status, count(*) FROM articles GROUP BY status').replace(/\n/g, ', ');
    console.log(`durability: crash test ${Date.now() - t0} ms, ${counts}, fixture hits ${fx.hits}`);
    if (!H.PG) {     // the file's own checks; PostgreSQL keeps its own pages
      const integrity = H.sql(db, 'PRAGMA integrity_check');
      R.ok(integrity === 'ok', 'PRAGMA integrity_check ok after the crash', integrity);
      const mode = H.sql(db, 'PRAGMA journal_mode');
      R.ok(mode === 'wal', 'database in WAL mode', mode);
    }
  } finally {
    if (!d.exited) { d.child.kill('SIGKILL'); await d.exitPromise; }
    await fx.stop();
    if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function gracefulTest() {
  const dir = H.tmpDir('graceful');
  const db = path.join(dir, 'g.db');
  // every page takes 3 s: at SIGTERM all workers are mid-fetch
  const slow = await H.fixture((req, res) => {
    const n = Number((/(\d+)$/.exec(req.url) || [0, 0])[1]);
    const t = setTimeout(() => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(articlePage(n));
    }, 3000);
    req.on('close', () => clearTimeout(t));
  });
  const origin = `127.0.0.1:${slow.port}`;
  const args = ['--workers', '2', '--fetch-timeout', '10', '--allow-host', origin];
  let d = await H.startDaemon({ db, args });
  const t0 = Date.now();
  try {
    const ids = [];
    for (let n = 1; n <= 12; n++) {
      const r = await H.postJSON(d.port, '/articles', { url: `http://${origin}/g/${n}` });
      if (r.status === 202) ids.push(r.json.id);
    }
    R.ok(ids.length === 12, '12 slow jobs queued', `${ids.length}`);
    await H.sleep(300);                 // two of them are being fetched now
    // in flight at SIGTERM: parked ?wait= POSTs, and a stream of reads
    const parked = [];
    for (let n = 1; n <= 4; n++)
      parked.push(H.raw(d.port, Buffer.from(`POST /articles?wait=30&refresh=0 HTTP/1.1\r\nHost: x\r\n`
        + `Connection: close\r\nContent-Type: application/json\r\nContent-Length: `
        + `${JSON.stringify({ url: `http://${origin}/w/${n}` }).length}\r\n\r\n`
        + JSON.stringify({ url: `http://${origin}/w/${n}` })), 20000));
    // and a POST whose body is still arriving when the signal comes
    const upBody = JSON.stringify({ url: `http://${origin}/upload`, html: `<p>${'u'.repeat(20000)}</p>` });
    const up = net.connect(d.port, '127.0.0.1');
    let upAnswer = '';
    up.on('data', (b) => { upAnswer += b.toString('latin1'); });
    up.on('error', () => {});
    const upClosed = new Promise((r) => up.on('close', r));
    await new Promise((r) => up.on('connect', r));
    up.write(`POST /articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n`
      + `Content-Length: ${upBody.length}\r\n\r\n${upBody.slice(0, 1000)}`);
    await H.sleep(300);
    const queuedBefore = Number(H.sql(db, "SELECT count(*) FROM articles WHERE status IN ('queued','fetching')"));
    // requests sent every 2 ms from 20 ms before the signal until the exit
    const reads = [];
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const sentAt = Date.now();
        reads.push(H.raw(d.port, Buffer.from('GET /articles?limit=5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 15000)
          .then((r) => ({ ...r, sentAt })));
        await H.sleep(2);
      }
    })();
    await H.sleep(20);
    const termAt = Date.now();
    d.child.kill('SIGTERM');
    await H.sleep(100);
    up.write(upBody.slice(1000));         // the rest of the upload, after the signal
    await upClosed;
    await d.exitPromise;
    sending = false;
    await sender;
    const stopMs = Date.now() - termAt;
    const pr = await Promise.all(parked);
    R.ok(pr.every((r) => r.status === 202 || r.status === 201),
      'parked ?wait= requests answered at shutdown (202 with the record as it stands)',
      pr.map((r) => r.status || r.error || 'no answer').join(','));
    const rr = await Promise.all(reads);
    const answered = rr.filter((r) => r.status === 200);
    const partial = rr.filter((r) => r.status && r.status !== 200);
    // "stops accepting": after the first request that got no answer,
    // no later one is answered
    let firstRefused = rr.findIndex((r) => !r.status);
    const lateAnswers = firstRefused < 0 ? 0 : rr.slice(firstRefused).filter((r) => r.status).length;
    // sent 15 ms or more before the signal: surely accepted by then
    const beforeSignal = rr.filter((r) => r.sentAt < termAt - 15);
    R.ok(beforeSignal.length > 0 && beforeSignal.every((r) => r.status === 200),
      'every request sent before SIGTERM answered completely',
      `${beforeSignal.filter((r) => r.status === 200).length}/${beforeSignal.length}`);
    R.ok(partial.length === 0 && rr.every((r) => !r.status || r.complete),
      'no truncated or failed answers during shutdown', `${partial.length}`);
    R.ok(firstRefused >= 0 && lateAnswers === 0, 'stops accepting: once refused, nothing more answered',
      `first refused #${firstRefused} of ${rr.length}, ${lateAnswers} answered after`);
    console.log(`durability: SIGTERM to exit ${stopMs} ms; ${answered.length} reads answered, ${rr.length - answered.length} refused`);
    R.ok(d.exited.code === 0 && /clean shutdown/.test(d.log), 'clean exit on SIGTERM', JSON.stringify(d.exited));
    R.ok(/"status":"queued","error":"cancelled"/.test(d.log), 'running fetches cancelled and logged');
    R.ok(/^HTTP\/1\.1 202 /.test(upAnswer), 'an upload still arriving at SIGTERM is read to the end and answered 202',
      JSON.stringify(upAnswer.slice(0, 40)));
    const upStored = H.sql(db, `SELECT status FROM articles WHERE url = 'http://${origin}/upload'`);
    R.ok(upStored === 'queued', 'and its article is stored, queued', upStored);
    const fetching = H.sql(db, "SELECT count(*) FROM articles WHERE status='fetching'");
    const queued = Number(H.sql(db, "SELECT count(*) FROM articles WHERE status='queued'")) - 1;
    const jobs = Number(H.sql(db, 'SELECT count(*) FROM jobs'));
    R.ok(fetching === '0', 'no job left fetching after SIGTERM', fetching);
    R.ok(queued === queuedBefore && queued === 16 && queued + 1 === jobs,
      'unfinished jobs left queued, each with its job row',
      `${queued} queued + the upload (${queuedBefore} before SIGTERM, 12 + 4 parked submitted), ${jobs} jobs`);

    // the next start resumes them: the same origin, fast now
    const port = slow.port;
    await slow.stop();
    const same = await listenOn(port);
    R.ok(same !== null, 'fixture back on the same port');
    d = await H.startDaemon({ db, args });
    R.ok(!/leases_reaped/.test(d.log), 'a clean stop left no lease to reap');
    const settled = await waitSettled(db, Number(process.env.SETTLE_SECONDS || 30) * 1000);
    R.ok(settled, 'every queued job ends after the restart');
    const ready = H.sql(db, "SELECT count(*) FROM articles WHERE status='ready'");
    R.ok(Number(ready) === queued + 1, 'all resumed jobs ready (the upload too)', `${ready} of ${queued + 1}`);
    await d.stop('SIGTERM');
    if (same) await same.stop();
    console.log(`durability: graceful test ${Date.now() - t0} ms`);
  } finally {
    if (!d.exited) { d.child.kill('SIGKILL'); await d.exitPromise; }
    slow.closeAllConnections();
    if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

// A fast page server on a given loopback port (the one the queued URLs
// name); null when the port cannot be had again.
async function listenOn(port) {
  const http = require('node:http');
  const srv = http.createServer((req, res) => {
    const n = Number((/(\d+)$/.exec(req.url) || [0, 0])[1]);
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(articlePage(n));
  });
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise((resolve) => {
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      srv.stop = () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); });
      return srv;
    }
    await H.sleep(100);
  }
  return null;
}

async function main() {
  await crashTest();
  await gracefulTest();
  const san = H.sanitizerReports();
  R.ok(san.length === 0, 'no sanitizer report in any daemon log', san.join('; '));
  R.end();
}

main().catch((e) => { console.log(`FAIL durability crashed: ${e.stack}`); console.log(`${R.pass} passed, ${R.fail + 1} failed`); process.exitCode = 1; });
