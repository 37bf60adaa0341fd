// security.js -- limits and secrets (issue 6, "Security"), the parts not
// in tests/api: slow clients, the connection limit, header/body caps, the
// JSON depth cap, API keys in logs and in 401s, and the per-client rate
// limit (token bucket, 429 + Retry-After). Only loopback addresses.
'use strict';
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');
const crypto = require('node:crypto');
const H = require('../harness/daemon.js');
const { dnsServer } = require('../harness/dns.js');

const R = H.results('security');

function connectIdle(port, localAddress) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    s.closedAt = null;
    s.data = '';
    s.on('data', (b) => { s.data += b.toString('latin1'); });
    s.on('close', () => { s.closedAt = Date.now(); });
    s.on('error', () => {});
    s.on('connect', () => resolve(s));
    setTimeout(() => resolve(s), 2000);
  });
}

async function waitClosed(s, ms) {
  const deadline = Date.now() + ms;
  while (s.closedAt === null && Date.now() < deadline) await H.sleep(50);
  return s.closedAt !== null;
}

const GET = (p, extra = '') => Buffer.from(`GET ${p} HTTP/1.1\r\nHost: x\r\n${extra}Connection: close\r\n\r\n`);

async function slowClients(db) {
  const d = await H.startDaemon({ db, args: ['--connection-timeout', '2', '--connection-limit', '6', '--workers', '1'] });
  try {
    // (a) a partial request, then silence: dropped after the timeout
    const s1 = await connectIdle(d.port);
    s1.write('GET /healthz HTTP/1.1\r\nHo');
    const t1 = Date.now();
    const dropped1 = await waitClosed(s1, 6000);
    R.ok(dropped1, 'silent half-sent request dropped after --connection-timeout 2',
      dropped1 ? `${s1.closedAt - t1} ms` : 'still open after 6 s');
    s1.destroy();

    // (b) slowloris: headers byte by byte, each byte within the idle timeout
    const s2 = await connectIdle(d.port);
    const req = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(400);
    const t2 = Date.now();
    let i = 0;
    while (s2.closedAt === null && Date.now() - t2 < 8000 && i < req.length) {
      s2.write(req[i++]);
      await H.sleep(500);
    }
    const dropped2 = s2.closedAt !== null;
    R.ok(dropped2, 'slowloris (a byte every 0.5 s) dropped within 4x the connection timeout',
      dropped2 ? `${s2.closedAt - t2} ms` : `still open after ${Date.now() - t2} ms and ${i} bytes `
        + '(libmicrohttpd\'s timeout is an idle timeout: each byte resets it)');
    s2.destroy();

    // (c) connection limit: 6 idle sockets fill it; a 7th connection is
    // served at once, and the oldest idle one is dropped to make room
    await H.sleep(300);
    const idle = [];
    for (let k = 0; k < 6; k++) idle.push(await connectIdle(d.port));
    const t3 = Date.now();
    const extra = await H.raw(d.port, GET('/healthz'), 1000);
    R.ok(extra.status === 200, 'a connection over --connection-limit 6 is served within 1 s',
      `status ${extra.status}, ${Date.now() - t3} ms`);
    R.ok(await waitClosed(idle[0], 1000), 'the oldest idle connection was dropped for it',
      idle.map((s) => (s.closedAt ? 'closed' : 'open')).join(','));
    let allClosed = true;
    for (const s of idle) allClosed = (await waitClosed(s, 6000)) && allClosed;
    R.ok(allClosed, 'the other idle connections dropped after the timeout');
    const back = await H.raw(d.port, GET('/healthz'), 3000);
    R.ok(back.status === 200, 'served at once when below the limit', `status ${back.status}`);
    for (const s of idle) s.destroy();
  } finally {
    await d.stop();
  }
}

// A client that sends a POST's headers, then one body byte a second
// (Content-Length, or chunked with one-byte chunks), never finishing.
function trickler(port, localAddress, chunked) {
  const s = net.connect({ port, host: '127.0.0.1', localAddress });
  s.closedAt = null;
  s.data = '';
  const head = 'POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
    + (chunked ? 'Transfer-Encoding: chunked\r\n\r\n' : 'Content-Length: 100000\r\n\r\n');
  s.on('data', (b) => { s.data += b.toString('latin1'); });
  s.on('close', () => { s.closedAt = Date.now(); clearInterval(s.timer); });
  s.on('error', () => {});
  s.on('connect', () => {
    s.connected = true;
    s.write(head + (chunked ? '1\r\n{\r\n' : '{'));
    s.timer = setInterval(() => { if (!s.destroyed) s.write(chunked ? '1\r\n \r\n' : ' '); }, 1000);
  });
  return s;
}

// Poll /healthz from localAddress `count` times, 100 ms apart. Each poll
// may take up to POLL_LIMIT_MS, a bound that only ends a hung test: what
// the callers check is the order of events (answered while the tricklers
// still hold their connections), never how long an answer took.
const POLL_LIMIT_MS = 20000;
async function poll(port, localAddress, count) {
  const out = { statuses: [], worst: 0 };
  for (let i = 0; i < count; i++) {
    const t0 = Date.now();
    const r = await H.raw(port, GET('/healthz'), POLL_LIMIT_MS, localAddress);
    out.statuses.push(r.status);
    out.worst = Math.max(out.worst, Date.now() - t0);
    await H.sleep(Math.max(0, 100 - (Date.now() - t0)));
  }
  return out;
}

// Start n tricklers from 127.0.0.1-4 and wait until the flood of connects
// has been taken in (each trickler connected, or refused at the
// per-address limit). Returns the sockets and how long that took.
async function startTricklers(port, n) {
  const socks = [];
  const t0 = Date.now();
  for (let i = 0; i < n; i++) socks.push(trickler(port, `127.0.0.${1 + (i % 4)}`, i % 2 === 1));
  const settle = Date.now() + 10000;
  while (socks.some((s) => !s.connected && s.closedAt === null) && Date.now() < settle) await H.sleep(20);
  return { socks, settled: Date.now() - t0 };
}

// Issue 12: 1 024 body tricklers from four addresses, default limits,
// cannot keep a fifth address from /healthz; the deadline cuts them. Then
// with a small limit and no per-address cap the oldest are shed.
//
// Deterministic: the first daemon has no deadline and no body-rate floor
// that could cut a trickler while the test runs, so every trickler that
// got in holds its connection until the test drops it; the polls pass
// when all of them are answered while those connections are still open
// (a server that served /healthz only once tricklers were cut would fail,
// however fast the machine). The deadline's cut is checked on a second
// daemon, as an end state.
async function tricklers(db) {
  const DEADLINE = 3;
  let d = await H.startDaemon({ db, args: ['--request-timeout', '3600', '--min-body-rate', '0',
    '--workers', '1'] });
  try {
    const { socks, settled } = await startTricklers(d.port, 1024);
    const holding = socks.filter((s) => s.connected && s.closedAt === null);
    const p = await poll(d.port, '127.0.0.5', 20);
    const still = holding.filter((s) => s.closedAt === null).length;
    R.ok(holding.length > 0 && p.statuses.every((s) => s === 200),
      '1024 body tricklers: every /healthz poll from 127.0.0.5 answered 200',
      `${p.statuses.length} polls, statuses ${[...new Set(p.statuses)].join(',')}, ${holding.length} tricklers in`);
    R.ok(still === holding.length,
      '...while every trickler that got in still held its connection (served beside them, not after a cut)',
      `${still} of ${holding.length} still open`);
    console.log(`info tricklers: connects taken in after ${settled} ms; ${holding.length} of 1024 in `
      + `(the rest refused at the per-address limit); ${p.statuses.length} polls, slowest ${p.worst} ms`);
    for (const s of socks) s.destroy();
    const h = await H.request(d.port, { path: '/healthz' });
    R.ok(h.status === 200 && d.alive(), 'daemon alive after the tricklers');
  } finally {
    await d.stop();
  }
  d = await H.startDaemon({ db, args: ['--request-timeout', String(DEADLINE), '--workers', '1'] });
  try {
    const { socks } = await startTricklers(d.port, 1024);
    // bounded wait for the end state: the deadline plus a margin that
    // only ends a hung test
    const waitAll = Date.now() + (DEADLINE + 20) * 1000;
    while (socks.some((s) => s.closedAt === null) && Date.now() < waitAll) await H.sleep(50);
    const open = socks.filter((s) => s.closedAt === null).length;
    const answered = socks.filter((s) => /^HTTP\/1\.1 408/.test(s.data)).length;
    R.ok(open === 0, `every trickler cut by --request-timeout ${DEADLINE} (or refused at the per-address limit)`,
      `${open} still open`);
    R.ok(answered > 0, 'cut tricklers are answered 408 before the close', `${answered} got 408`);
    console.log(`info tricklers: ${answered} of 1024 tricklers answered 408, the rest refused at the per-address limit`);
    for (const s of socks) s.destroy();
    const h = await H.request(d.port, { path: '/healthz' });
    R.ok(h.status === 200 && d.alive(), 'daemon alive after the deadline cut');
  } finally {
    await d.stop();
  }
  d = await H.startDaemon({ db, args: ['--connection-limit', '16', '--per-ip-connection-limit', '0',
    '--request-timeout', '3600', '--min-body-rate', '0', '--workers', '1'] });
  try {
    const socks = [];
    for (let i = 0; i < 64; i++) socks.push(trickler(d.port, `127.0.0.${1 + (i % 4)}`, i % 2 === 1));
    const settle = Date.now() + 10000;
    while (socks.some((s) => !s.connected && s.closedAt === null) && Date.now() < settle) await H.sleep(20);
    const p = await poll(d.port, '127.0.0.5', 10);
    R.ok(p.statuses.every((s) => s === 200),
      '64 tricklers over --connection-limit 16 (no deadline): every poll answered 200',
      `${p.statuses.length} polls, slowest ${p.worst} ms, statuses ${[...new Set(p.statuses)].join(',')}`);
    const open = socks.filter((s) => s.closedAt === null).length;
    R.ok(open <= 16, 'the oldest tricklers were shed to stay within the limit', `${open} of 64 still open`);
    console.log(`info shedding: ${p.statuses.length} polls, slowest ${p.worst} ms; ${open} of 64 tricklers open`);
    for (const s of socks) s.destroy();
  } finally {
    await d.stop();
  }
}

// Issue 12: requests refused before the body or the handler get their
// answer at once, not after the idle timeout.
async function framing(db) {
  const d = await H.startDaemon({ db, args: ['--workers', '1'] });
  try {
    const manyParams = Array.from({ length: 1000 }, (_, i) => `a${i}=1`).join('&');
    const cases = [
      ['a query string of 1000 parameters', GET(`/articles?${manyParams}`), 431],
      ['a 9 KiB query string', GET(`/articles?q=${'a'.repeat(9 * 1024)}`), 431],
      ['Transfer-Encoding: xchunked', Buffer.from('POST /articles HTTP/1.1\r\nHost: x\r\n'
        + 'Content-Type: application/json\r\nTransfer-Encoding: xchunked\r\n\r\n{}'), 501],
      ['Transfer-Encoding: gzip, chunked', Buffer.from('POST /articles HTTP/1.1\r\nHost: x\r\n'
        + 'Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), 501],
      ['Transfer-Encoding with Content-Length', Buffer.from('POST /articles HTTP/1.1\r\nHost: x\r\n'
        + 'Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'), 400],
    ];
    for (const [name, bytes, want] of cases) {
      const r = await H.raw(d.port, bytes, 1000);
      let doc = null;
      try { doc = JSON.parse(r.body.toString()); } catch (e) { /* checked below */ }
      R.ok(r.status === want && doc && doc.status === want && /problem\+json/.test(r.headers['content-type'] || ''),
        `${name}: ${want} problem document within 1 s`, `status ${r.status}${r.timedOut ? ' (timed out)' : ''}`);
    }
    const fine = await H.raw(d.port, GET(`/healthz?pad=${'a'.repeat(4000)}`), 1000);
    R.ok(fine.status === 200, 'a 4 KiB query string is fine', `status ${fine.status}`);
    const h = await H.request(d.port, { path: '/healthz' });
    R.ok(h.status === 200 && d.alive(), 'daemon alive after the framing cases');
  } finally {
    await d.stop();
  }
}

// Issue 12: names resolve off the HTTP threads. A loopback DNS server
// answers loop.skimd.test with 127.0.0.1 and never answers *.never.test;
// the guard is on (no --allow-private). 50 POSTs of never-answered names
// are parked while /healthz and GET /articles/{id} keep answering.
async function dnsOffThread(db) {
  const DNS_TIMEOUT = 2;
  const ns = await dnsServer({ answers: { 'loop.skimd.test': '127.0.0.1' }, silent: ['never.test'] });
  const d = await H.startDaemon({ db, args: ['--dns-server', `127.0.0.1:${ns.port}`,
    '--dns-timeout', String(DNS_TIMEOUT), '--workers', '1'] });
  try {
    const loop = await H.postJSON(d.port, '/articles', { url: 'http://loop.skimd.test/x' });
    R.ok(loop.status === 422 && loop.json && loop.json.type === 'urn:skimd:problem:refused-address'
      && /127\.0\.0\.1/.test(loop.json.detail), 'a name the DNS server resolves to 127.0.0.1 -> 422',
      `${loop.status} ${loop.json && loop.json.detail}`);
    R.ok(ns.queries.some((q) => q.name === 'loop.skimd.test'), 'the lookup went to --dns-server');
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost:9/x', 'http://a.localhost/x']) {
      const r = await H.postJSON(d.port, '/articles', { url });
      R.ok(r.status === 422, `${url} refused at submit (422)`, `status ${r.status}`);
    }
    R.ok(!ns.queries.some((q) => /localhost|127/.test(q.name)), 'literals and localhost are not looked up',
      ns.queries.map((q) => q.name).join(','));
    const rec = await H.postJSON(d.port, '/articles', { url: 'http://page.never.test/a', html: '<p>a page</p>' });
    R.ok(rec.status === 202 && rec.json, 'a page given as html needs no lookup', `status ${rec.status}`);
    const id = rec.json ? rec.json.id : 0;

    const started = Date.now();
    const posts = [];
    for (let i = 0; i < 50; i++) {
      posts.push(H.postJSON(d.port, '/articles', { url: `http://n${i}.never.test/x` })
        .catch((e) => ({ status: 0, error: String(e) })));
    }
    let worst = 0;
    const polls = [];
    while (Date.now() - started < (DNS_TIMEOUT - 0.5) * 1000) {
      for (const p of ['/healthz', `/articles/${id}`]) {
        const t0 = Date.now();
        const r = await H.raw(d.port, GET(p), 500);
        worst = Math.max(worst, Date.now() - t0);
        polls.push(r.status);
      }
      await H.sleep(50);
    }
    R.ok(polls.length >= 6 && polls.every((s) => s === 200),
      '50 POSTs waiting on a silent DNS server: /healthz and GET /articles/{id} answered within 500 ms',
      `${polls.length} polls, slowest ${worst} ms, statuses ${[...new Set(polls)].join(',')}`);
    const names = new Set(ns.queries.map((q) => q.name).filter((n) => /^n\d+\.never\.test$/.test(n)));
    R.ok(names.size === 50, 'every parked POST asked the DNS server', `${names.size} names asked`);
    const answers = await Promise.all(posts);
    // queued, or already claimed by the worker that another POST woke
    R.ok(answers.every((a) => a.status === 202 && a.json && ['queued', 'fetching'].includes(a.json.status)),
      'after the DNS deadline each POST is accepted (202, queued or fetching)',
      [...new Set(answers.map((a) => `${a.status} ${a.json && a.json.status}`))].join(','));
    console.log(`info dns: ${polls.length} polls while 50 lookups hung, slowest ${worst} ms; `
      + `POSTs answered after ${Date.now() - started} ms`);
    // the worker's own lookup meets the same silence: a `dns` failure
    // (one worker, one lookup deadline per job: the first job it takes)
    const ours = new Set(answers.map((a) => a.json && a.json.id));
    let failed = [];
    const until = Date.now() + (DNS_TIMEOUT * 3 + 5) * 1000;
    while (Date.now() < until) {
      const l = await H.request(d.port, { path: '/articles?status=failed&limit=100' });
      failed = ((l.json && l.json.items) || []).filter((x) => ours.has(x.id));
      if (failed.length) break;
      await H.sleep(100);
    }
    R.ok(failed.length > 0 && failed.every((x) => x.error && x.error.code === 'dns'),
      'a record of a never-answered name ends failed with code dns',
      failed.length ? JSON.stringify(failed[0].error) : 'none failed yet');
  } finally {
    await d.stop();
    await ns.close();
  }
  R.ok(d.exited && d.exited.code === 0, 'SIGTERM with lookups pending stops cleanly', JSON.stringify(d.exited));
}

async function caps(db) {
  const d = await H.startDaemon({ db, args: ['--max-body-bytes', '2048', '--workers', '1'] });
  try {
    const big = await H.raw(d.port, GET('/healthz', `X-Big: ${'a'.repeat(100000)}\r\n`));
    R.ok(big.status === 431 || big.status === 413 || big.status === 400,
      'a 100 kB header refused (431)', `status ${big.status}`);
    const many = await H.raw(d.port, GET('/healthz', 'X-A: b\r\n'.repeat(5000)));
    R.ok(many.status >= 400 && many.status < 500, '5000 headers refused', `status ${many.status}`);
    const fine = await H.raw(d.port, GET('/healthz', `X-Fine: ${'a'.repeat(4000)}\r\n`));
    R.ok(fine.status === 200, 'a 4 kB header is fine', `status ${fine.status}`);

    const body = JSON.stringify({ url: 'http://127.0.0.1:9/x', html: 'x'.repeat(3000) });
    const cl = await H.raw(d.port, Buffer.from('POST /articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
      + `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
    R.ok(cl.status === 413 && /problem\+json/.test(cl.headers['content-type'] || ''),
      'body over --max-body-bytes (Content-Length) -> 413 problem', `status ${cl.status}`);
    const chunks = [body.slice(0, 1500), body.slice(1500)].map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('');
    const ch = await H.raw(d.port, Buffer.from('POST /articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
      + `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`));
    R.ok(ch.status === 413 && /problem\+json/.test(ch.headers['content-type'] || ''),
      'body over --max-body-bytes (chunked, no length) -> 413 problem', `status ${ch.status}`);

    // JSON depth: 32 levels parse (then fail on the unknown field), 33 do not
    const nest = (n) => '['.repeat(n) + ']'.repeat(n);
    const at = async (depth) => {
      // the object itself is level 1
      const b = `{"url": "http://127.0.0.1:9/d", "x": ${nest(depth - 1)}}`;
      const r = await H.raw(d.port, Buffer.from('POST /articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
        + `Content-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n${b}`));
      return r.status ? { status: r.status, doc: JSON.parse(r.body.toString()) } : { status: 0, doc: {} };
    };
    const d32 = await at(32);
    R.ok(d32.status === 400 && d32.doc.type === 'urn:skimd:problem:invalid-body',
      'JSON 32 levels deep is parsed (then refused as invalid-body)', `${d32.status} ${d32.doc.type}`);
    const d33 = await at(33);
    R.ok(d33.status === 400 && d33.doc.type === 'urn:skimd:problem:invalid-json' && /32/.test(d33.doc.detail),
      'JSON 33 levels deep refused before parsing (invalid-json, names the cap)', `${d33.status} ${d33.doc.detail}`);
    const deep = '['.repeat(2000);
    const dd = await H.raw(d.port, Buffer.from('POST /articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
      + `Content-Type: application/json\r\nContent-Length: ${deep.length}\r\n\r\n${deep}`));
    R.ok(dd.status === 400, '2000 open brackets refused', `status ${dd.status}`);
    const h = await H.request(d.port, { path: '/healthz' });
    R.ok(h.status === 200 && d.alive(), 'daemon alive after the cap tests');
  } finally {
    await d.stop();
  }
}

async function keys(db) {
  const k1 = crypto.randomBytes(16).toString('hex');
  const k2 = crypto.randomBytes(16).toString('hex');
  const k3 = crypto.randomBytes(16).toString('hex');       // from the environment
  const wrong = crypto.randomBytes(16).toString('hex');
  const d = await H.startDaemon({ db, args: ['--api-key', k1, `--api-key=${k2}`, '--workers', '1'],
    env: { SKIMD_API_KEY: k3 } });
  let log = '';
  try {
    const body = { url: 'http://127.0.0.1:9/k', html: '<p>keyed page</p>' };
    const variants = [
      ['no header', {}], ['wrong key', { Authorization: `Bearer ${wrong}` }],
      ['key prefix', { Authorization: `Bearer ${k1.slice(0, 31)}` }],
      ['key + suffix', { Authorization: `Bearer ${k1}x` }], ['Basic scheme', { Authorization: `Basic ${k1}` }],
      ['key without scheme', { Authorization: k1 }], ['empty bearer', { Authorization: 'Bearer ' }],
      ['key in X-Api-Key', { 'X-Api-Key': k1 }],
    ];
    for (const [name, hdrs] of variants) {
      const r = await H.postJSON(d.port, '/articles', body, hdrs);
      R.ok(r.status === 401 && /^Bearer/.test(r.headers['www-authenticate'] || '')
        && r.json && r.json.type === 'urn:skimd:problem:unauthorized', `POST with ${name} -> 401`, `status ${r.status}`);
    }
    const del = await H.request(d.port, { method: 'DELETE', path: '/articles/1', headers: { Authorization: `Bearer ${wrong}` } });
    R.ok(del.status === 401, 'DELETE with a wrong key -> 401', `status ${del.status}`);
    const rf = await H.request(d.port, { method: 'POST', path: '/articles/1/refresh' });
    R.ok(rf.status === 401, 'refresh without a key -> 401', `status ${rf.status}`);
    const q = await H.request(d.port, { path: `/articles?q=${k1}` });
    R.ok(q.status === 200, 'reads need no key');
    for (const [name, k] of [['first --api-key', k1], ['--api-key=', k2], ['SKIMD_API_KEY', k3]]) {
      const r = await H.postJSON(d.port, '/articles', { ...body, url: `http://127.0.0.1:9/k/${name.length}` },
        { Authorization: `Bearer ${k}` });
      R.ok(r.status === 202, `key from ${name} accepted`, `status ${r.status}`);
    }
    await H.request(d.port, { path: `/nope?key=${k2}` });
    const m = await H.request(d.port, { path: '/metrics' });
    R.ok(![k1, k2, k3].some((k) => m.body.toString().includes(k)), 'no key in /metrics');
  } finally {
    await d.stop();
    log = d.log;
  }
  R.ok(log.length > 0 && /"event":"request"/.test(log), 'the log has request lines to search');
  for (const [name, k] of [['key 1', k1], ['key 2', k2], ['env key', k3], ['wrong key', wrong]])
    R.ok(!log.includes(k) && !log.includes(k.slice(0, 12)), `${name} never in the log output`);
}

async function rateLimit(db) {
  const N = 5;
  let d;
  try {
    d = await H.startDaemon({ db, args: ['--rate-limit', String(N), '--workers', '1'] });
  } catch (e) {
    R.ok(false, '--rate-limit accepted', String(e.message).slice(0, 200));
    return;
  }
  try {
    const statuses = [];
    let limited = null;
    const hz = [];
    for (let i = 0; i < 4 * N; i++) hz.push((await H.raw(d.port, GET('/healthz'))).status);
    R.ok(hz.every((s) => s === 200), `/healthz is never rate limited (${4 * N} back to back)`, hz.join(','));
    for (let i = 0; i < 4 * N; i++) {
      const r = await H.raw(d.port, GET('/articles?limit=1'));
      statuses.push(r.status);
      if (r.status === 429 && !limited) limited = r;
    }
    const okCount = statuses.filter((s) => s === 200).length;
    R.ok(limited !== null, `${4 * N} back-to-back requests with --rate-limit ${N}: some get 429`, statuses.join(','));
    // the bucket holds 2N tokens (burst) and refills N per second
    R.ok(okCount >= 2 * N && okCount <= 2 * N + 2, `about the burst (${2 * N}) get through`, `${okCount} got 200`);
    if (limited) {
      const ra = limited.headers['retry-after'];
      R.ok(/^\d+$/.test(ra || '') && Number(ra) >= 1 && Number(ra) <= 60, '429 carries Retry-After in seconds', `Retry-After: ${ra}`);
      let doc = null;
      try { doc = JSON.parse(limited.body.toString()); } catch (e) { /* checked below */ }
      R.ok(/problem\+json/.test(limited.headers['content-type'] || '') && doc && doc.status === 429 && doc.detail,
        '429 is a problem document with a detail');
      // another client address is not limited by this one's bucket
      const other = await new Promise((resolve) => {
        const s = net.connect({ port: d.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
        let buf = '';
        s.on('connect', () => s.write(GET('/articles?limit=1')));
        s.on('data', (b) => { buf += b; });
        s.on('close', () => resolve(Number((/^HTTP\/1\.1 (\d+)/.exec(buf) || [0, 0])[1])));
        s.on('error', () => resolve(0));
      });
      R.ok(other === 200, 'a different client address (127.0.0.2) is served meanwhile', `status ${other}`);
      await H.sleep(Number(ra || 1) * 1000 + 200);
      const after = await H.raw(d.port, GET('/articles?limit=1'));
      R.ok(after.status === 200, 'served again after Retry-After', `status ${after.status}`);
    }
  } finally {
    await d.stop();
  }
  const off = await H.startDaemon({ db, args: ['--rate-limit', '0', '--workers', '1'] });
  try {
    let n429 = 0;
    for (let i = 0; i < 60; i++) if ((await H.raw(off.port, GET('/articles?limit=1'))).status === 429) n429++;
    R.ok(n429 === 0, '--rate-limit 0: 60 back-to-back requests, no 429', `${n429}`);
  } finally {
    await off.stop();
  }
}

async function main() {
  const dir = H.tmpDir('security');
  const db = path.join(dir, 's.db');
  try {
    await caps(db);
    await framing(db);
    await dnsOffThread(db);
    await tricklers(db);
    await keys(db);
    await rateLimit(db);
    await slowClients(db);
  } finally {
    if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
  const san = H.sanitizerReports();
  R.ok(san.length === 0, 'no sanitizer report in any daemon log', san.join('; '));
  R.end();
}

main().catch((e) => { console.log(`FAIL security crashed: ${e.stack}`); console.log(`${R.pass} passed, ${R.fail + 1} failed`); process.exitCode = 1; });
