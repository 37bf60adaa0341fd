// robustness.js -- malformed-input suite (issue 6, "Robustness").
//
// Starts skimd on a fresh database, stores a few records (client-given
// pages: nothing is fetched), takes a checksum of `sqlite3 .dump`, then
// sends several hundred generated bad requests over raw TCP: truncated and
// invalid JSON, wrong types for every field, huge strings, NUL bytes,
// invalid UTF-8, absurd query parameters, duplicate keys, wrong content
// types, every wrong method on every path. Each must get a 4xx answer with
// an application/problem+json document (type, title, status, detail); the
// daemon must be alive afterwards and the dump checksum unchanged.
// Protocol-level garbage (answered by libmicrohttpd itself) only has to
// get a 4xx or a closed connection.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const H = require('../harness/daemon.js');

const R = H.results('robustness');
const SEED_HOST = 'http://127.0.0.1:9';   // never fetched: pages are given

function req(method, target, { headers = {}, body = null, ct = 'application/json' } = {}) {
  const b = body === null ? null : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  let head = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`;
  if (b !== null && ct !== null) head += `Content-Type: ${ct}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  if (b !== null) head += `Content-Length: ${b.length}\r\n`;
  return Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), b || Buffer.alloc(0)]);
}
const post = (body, opts = {}) => req('POST', opts.target || '/articles', { body, ...opts });

function cases() {
  const out = [];
  const add = (group, name, bytes, extra = {}) => out.push({ group, name, bytes, ...extra });
  const valid = JSON.stringify({ url: `${SEED_HOST}/robust/new`, tags: ['a', 'b'] });

  // 1. truncated JSON: every proper prefix of a valid body
  for (let i = 1; i < valid.length; i++)
    add('truncated', `prefix ${i}/${valid.length}`, post(valid.slice(0, i)));

  // 2. invalid JSON
  const invalid = [
    '', ' ', '{', '}', '{,}', '{"url"}', '{"url":}', '{"url" "x"}', "{'url': 'http://127.0.0.1/'}",
    '{url: "http://127.0.0.1/"}', '{"url": "http://127.0.0.1/",}', '{"url": "http://127.0.0.1/"} x',
    '{"url": "http://127.0.0.1/"}{}', '{"url": "http://127.0.0.1/"}}', '/* c */ {"url": "x"}',
    '{"url": NaN}', '{"url": Infinity}', '{"url": undefined}', '{"url": "a\nb"}',
    '{"url": "\\x41"}', '{"url": "\\u12"}', '{"url": "\\ud800"}', '{"url": "\\udc00\\ud800"}',
    '{"url": 01}', '{"url": 1.}', '{"url": -}', '{"url": tru}', '[', '[1,', 'nul', '"',
    '{"url": "http://127.0.0.1/"', '\ufeff{"url": "http://127.0.0.1/"}',
    '{"a":' + '['.repeat(40) + ']'.repeat(40) + '}', '['.repeat(100000),
    '{"a":' + '{"b":'.repeat(33) + '1' + '}'.repeat(34),
  ];
  invalid.forEach((b, i) => add('invalid-json', `#${i} ${JSON.stringify(b.slice(0, 40))}`, post(b)));

  // 3. not an object
  for (const b of ['[]', '[{"url":"http://127.0.0.1/"}]', '"http://127.0.0.1/"', '42', '-1.5e300',
    'null', 'true', 'false'])
    add('not-object', b, post(b));

  // 4. wrong types for every field
  const wrong = [42, -1, 1.5, 1e308, true, false, null, [], {}, ['http://127.0.0.1/'],
    { href: 'http://127.0.0.1/' }];
  for (const v of wrong) add('wrong-type', `url=${JSON.stringify(v)}`, post(JSON.stringify({ url: v })));
  for (const v of [42, 1.5, true, false, [], {}, ['<p>x</p>'], ''])
    add('wrong-type', `html=${JSON.stringify(v)}`,
      post(JSON.stringify({ url: `${SEED_HOST}/t`, html: v })));
  for (const v of ['to-read', 42, true, {}, { a: 'b' }, [1], [null], [true], [[]], [{}], [''],
    ['x'.repeat(65)], ['a\tb'], ['a\nb'], ['\u0000'], ['ok', 7], Array(21).fill('t')])
    add('wrong-type', `tags=${JSON.stringify(v).slice(0, 40)}`,
      post(JSON.stringify({ url: `${SEED_HOST}/t`, tags: v })));
  for (const k of ['URL', 'Url', 'link', 'href', '', ' url', 'url ', 'id', 'status', 'title'])
    add('unknown-field', `key ${JSON.stringify(k)}`,
      post(JSON.stringify({ url: `${SEED_HOST}/t`, [k]: 'x' })));
  add('missing-url', '{}', post('{}'));
  add('missing-url', 'tags only', post('{"tags":["a"]}'));
  add('missing-url', 'html only', post('{"html":"<p>x</p>"}'));

  // 5. bad URLs (valid JSON, valid shape)
  for (const u of ['', ' ', 'example.com', '//example.com/', 'ftp://127.0.0.1/', 'file:///etc/passwd',
    'gopher://127.0.0.1:70/_x', 'javascript:alert(1)', 'data:text/html,<p>x</p>', 'http://', 'https://[::1', 'http://a b/', 'http://127.0.0.1/\u0000x', 'http://127.0.0.1/\tx',
    `http://127.0.0.1/${'a'.repeat(5000)}`, 'mailto:a@b.c', 'http://[fe80::1%25eth0]/'])
    add('bad-url', JSON.stringify(u).slice(0, 50), post(JSON.stringify({ url: u })));
  // refused addresses (guard on): 422, nothing stored, nothing fetched
  for (const u of ['http://127.0.0.1/x', 'http://2130706433/', 'http://0x7f000001/', 'http://[::1]/',
    'http://0.0.0.0/', 'http://localhost/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/'])
    add('refused', u, post(JSON.stringify({ url: u })), { status: 422 });

  // 6. huge strings
  add('huge', 'body over 1 MiB', post(JSON.stringify({ url: `${SEED_HOST}/h`, html: 'x'.repeat(1100000) })),
    { status: 413 });
  add('huge', 'declared 1 GiB', Buffer.from('POST /articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
    'Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{"url":'), { status: 413 });
  add('huge', 'url 100 kB', post(JSON.stringify({ url: `http://127.0.0.1/${'p'.repeat(100000)}` })));
  add('huge', 'tag 100 kB', post(JSON.stringify({ url: `${SEED_HOST}/h`, tags: ['t'.repeat(100000)] })));
  add('huge', 'key 100 kB', post(JSON.stringify({ url: `${SEED_HOST}/h`, ['k'.repeat(100000)]: 1 })));
  add('huge', '10000 tags', post(JSON.stringify({ url: `${SEED_HOST}/h`, tags: Array(10000).fill('t') })));
  add('huge', 'number 1000 digits', post(`{"url": ${'9'.repeat(1000)}}`));
  add('huge', 'q 10 kB', req('GET', `/articles?q=${'q'.repeat(10000)}`));
  add('huge', 'tag param 1 kB', req('GET', `/articles?tag=${'t'.repeat(1000)}`));

  // 7. NUL bytes
  add('nul', 'raw NUL in string', post(Buffer.from(`{"url": "${SEED_HOST}/a\u0000b"}`, 'utf8')));
  add('nul', 'raw NUL after object', post(Buffer.concat([Buffer.from(`{"url": "${SEED_HOST}/n"}`), Buffer.from([0])])));
  add('nul', 'NUL only', post(Buffer.from([0, 0, 0])));
  add('nul', 'escaped NUL in url', post(`{"url": "${SEED_HOST}/a\\u0000b"}`));
  add('nul', 'escaped NUL in tag', post(`{"url": "${SEED_HOST}/n", "tags": ["a\\u0000"]}`));
  add('nul', 'escaped NUL in key', post(`{"url": "${SEED_HOST}/n", "ur\\u0000l": 1}`));
  add('nul', 'NUL in id path', req('GET', '/articles/1%00'));
  add('nul', 'NUL in limit', req('GET', '/articles?limit=5%00'));

  // 8. invalid UTF-8
  const bad = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xb8], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]];
  bad.forEach((seq, i) => {
    add('utf8', `url bytes #${i}`, post(Buffer.concat([Buffer.from('{"url": "http://127.0.0.1/'),
      Buffer.from(seq), Buffer.from('"}')])));
    add('utf8', `tag bytes #${i}`, post(Buffer.concat([Buffer.from(`{"url": "${SEED_HOST}/u", "tags": ["`),
      Buffer.from(seq), Buffer.from('"]}')])));
  });
  add('utf8', 'q=%ff%fe', req('GET', '/articles?q=%ff%fe%fd'));
  add('utf8', 'tag=%c0%af', req('GET', '/articles?tag=%c0%af'));
  add('utf8', 'lang=%ff', req('GET', '/articles?lang=%ff%ff'));
  add('utf8', 'id=%ff', req('GET', '/articles/%ff'));

  // 9. duplicate keys
  add('dup', 'url twice', post(`{"url": "${SEED_HOST}/d1", "url": "${SEED_HOST}/d2"}`));
  add('dup', 'same url twice', post(`{"url": "${SEED_HOST}/d1", "url": "${SEED_HOST}/d1"}`));
  add('dup', 'tags twice', post(`{"url": "${SEED_HOST}/d", "tags": [], "tags": ["a"]}`));
  add('dup', 'html twice', post(`{"url": "${SEED_HOST}/d", "html": "<p>a</p>", "html": "<p>b</p>"}`));

  // 10. wrong content types (the body itself is fine)
  const okBody = JSON.stringify({ url: `${SEED_HOST}/ct` });
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    'application/jsonx', 'application/json-patch+json', 'application/problem+json', 'text/json',
    'json', '', 'application/', 'application/json\u0001', '*/*'])
    add('content-type', JSON.stringify(ct), post(okBody, { ct }), { status: 415 });
  add('content-type', 'none', post(okBody, { ct: null }), { status: 415 });

  // 11. absurd query parameters
  const q = (s) => req('GET', `/articles?${s}`);
  for (const v of ['0', '-1', 'abc', '1000', '101', '1e3', '0x10', '%205', '5%20', '+5', '',
    '99999999999999999999', '1.5'])
    add('query', `limit=${v}`, q(`limit=${v}`));
  for (const v of ['x', 'c1', 'c1AAAAAAAAAAAAAAAA', 'c2AAAAAAAAAAAAAAAA', '', '%00', 'c1' + 'A'.repeat(200)])
    add('query', `cursor=${v.slice(0, 30)}`, q(`cursor=${v}`));
  for (const v of ['2023-13-01', '2023-02-30', 'yesterday', '', '2023', '20230101', '2023-01-01T25:00:00Z',
    '2023-01-01T00:00:00+99:00'])
    add('query', `since=${v}`, q(`since=${v}`));
  for (const v of ['x', '', 'READY', 'deleted', 'ready,failed']) add('query', `status=${v}`, q(`status=${v}`));
  for (const v of ['english', 'Z', 'ZH', 'z1', '', 'zh-CN']) add('query', `lang=${v}`, q(`lang=${v}`));
  add('query', 'q empty', q('q='));
  add('query', 'q 257 chars', q(`q=${'z'.repeat(257)}`));
  add('query', 'tag empty', q('tag='));
  add('query', 'until bad', q('until=next-week'));
  for (const v of ['everything', 'content,foo', 'CONTENT']) add('query', `include=${v}`, req('GET', `/articles/987654?include=${v}`));
  for (const v of ['-1', '61', 'abc', '1.5', '', '9999999999'])
    add('query', `wait=${v}`, req('POST', `/articles?wait=${v}`, { body: okBody }));
  for (const v of ['2', 'yes', '-1']) add('query', `refresh=${v}`, req('POST', `/articles?refresh=${v}`, { body: okBody }));

  // 12. ids
  for (const id of ['abc', '-1', '0', '1.5', '99999999999999999999', '9223372036854775808', '0x1', '1e3',
    '%201', '01', '+1', '1%20', '987654'])
    add('id', `GET /articles/${id}`, req('GET', `/articles/${id}`));
  for (const id of ['abc', '0', '987654']) {
    add('id', `DELETE /articles/${id}`, req('DELETE', `/articles/${id}`));
    add('id', `POST /articles/${id}/refresh`, req('POST', `/articles/${id}/refresh`));
  }

  // 13. every method on every path (where it is not allowed, or the id does not exist)
  const paths = { '/articles': ['GET', 'POST'], '/articles/987654': [], '/articles/987654/refresh': [],
    '/tags': ['GET'], '/healthz': ['GET'], '/metrics': ['GET'], '/openapi.yaml': ['GET'],
    '/nope': [], '/articles/': [], '/articles/987654/refresh/x': [], '/ARTICLES': [], '//articles': [],
    '/articles/987654/': [], '/tags/x': [] };
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO'];
  for (const [p, allowed] of Object.entries(paths)) {
    for (const m of methods) {
      if (allowed.includes(m) || (m === 'HEAD' && allowed.includes('GET'))) continue;
      if (m === 'OPTIONS' && !['/nope', '/articles/', '/articles/987654/refresh/x', '/ARTICLES',
        '//articles', '/articles/987654/', '/tags/x'].includes(p)) continue;   // 204 preflight
      if (m === 'POST' && p === '/articles') continue;
      const body = ['POST', 'PUT', 'PATCH'].includes(m) ? '{}' : null;
      add('method', `${m} ${p}`, req(m, p, { body }), { head: m === 'HEAD' });
    }
  }
  return out;
}

// What libmicrohttpd answers itself: a 4xx or a closed connection.
function protocolCases() {
  const c = (name, s) => ({ group: 'protocol', name, bytes: Buffer.from(s, 'latin1') });
  return [
    c('garbage line', 'GARBAGE\r\n\r\n'),
    { ...c('HTTP/9.9', 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n'), status: 505 },
    c('bad Content-Length', 'POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}'),
    c('negative Content-Length', 'POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\nConnection: close\r\n\r\n{}'),
    c('header 100 kB', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100000)}\r\nConnection: close\r\n\r\n`),
    c('2000 headers', `GET /healthz HTTP/1.1\r\nHost: x\r\n${'X-A: b\r\n'.repeat(2000)}Connection: close\r\n\r\n`),
    c('path 100 kB', `GET /${'a'.repeat(100000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    c('bad chunked', 'POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'),
    c('header without colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nConnection: close\r\n\r\n'),
  ];
}

function checkProblem(c, r) {
  const want = c.status;
  if (r.timedOut) return 'no answer within 10 s';
  if (!r.status) return `no HTTP answer (${r.error || 'closed'})`;
  if (want ? r.status !== want : (r.status < 400 || r.status > 499)) return `status ${r.status}`;
  if (c.head) return null;
  const ct = r.headers['content-type'] || '';
  if (!ct.startsWith('application/problem+json')) return `content-type '${ct}'`;
  let doc;
  try { doc = JSON.parse(r.body.toString('utf8')); } catch (e) { return 'body is not JSON'; }
  if (typeof doc.detail !== 'string' || !doc.detail) return 'no detail';
  if (doc.status !== r.status) return `status field ${doc.status}`;
  if (typeof doc.type !== 'string' || !doc.type.startsWith('urn:skimd:problem:')) return `type ${doc.type}`;
  if (typeof doc.title !== 'string' || !doc.title) return 'no title';
  return null;
}

async function pool(items, n, fn) {
  let next = 0;
  const workers = Array.from({ length: n }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  });
  await Promise.all(workers);
}

async function main() {
  const dir = H.tmpDir('robust');
  const db = path.join(dir, 'r.db');
  const d = await H.startDaemon({ db, args: ['--workers', '1', '--max-body-bytes', '1048576'] });
  try {
    // a few stored records, so that reads have something to read
    for (let i = 1; i <= 3; i++) {
      const r = await H.postJSON(d.port, '/articles?wait=20', {
        url: `${SEED_HOST}/seed/${i}`, tags: ['seed'],
        html: `<html><head><title>Seed ${i}</title></head><body><article><p>${'Seed text. '.repeat(30)}</p></article></body></html>`,
      });
      R.ok(r.status === 201 || r.status === 202, `seed ${i} stored`, `status ${r.status}`);
    }
    for (let t = 0; t < 100 && H.sql(db, "SELECT count(*) FROM articles WHERE status IN ('queued','fetching')") !== '0'; t++)
      await H.sleep(100);
    const before = H.dbChecksum(db);
    const all = cases();
    console.log(`robustness: ${all.length} bad requests, ${protocolCases().length} protocol-level`);
    const counts = {};
    await pool(all, 8, async (c) => {
      const r = await H.raw(d.port, c.bytes);
      const why = checkProblem(c, r);
      counts[c.group] = (counts[c.group] || 0) + 1;
      const name = `${c.group}: ${c.name}`;
      if (c.gap) R.gap(!why, name, why ? `${why} (${c.gap})` : '');
      else R.ok(!why, name, why ? `${why} ${r.body ? r.body.toString('utf8').slice(0, 160) : ''}` : '');
    });
    console.log('robustness: per group ' + Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', '));
    for (const c of protocolCases()) {
      const r = await H.raw(d.port, c.bytes);
      const ok = !r.timedOut && (c.status ? r.status === c.status
        : (r.status >= 400 && r.status <= 499) || (!r.status && !r.error) || r.error === 'ECONNRESET');
      R.ok(ok, `protocol: ${c.name}`, `status ${r.status} ${r.timedOut ? 'timed out' : ''}`);
    }
    const h = await H.request(d.port, { path: '/healthz' });
    R.ok(h.status === 200 && d.alive(), 'daemon alive after the bad requests (/healthz 200)');
    const after = H.dbChecksum(db);
    R.ok(after === before, 'database dump checksum unchanged', `${before.slice(0, 12)} -> ${after.slice(0, 12)}`);
    const n = H.sql(db, 'SELECT count(*) FROM articles');
    R.ok(n === '3', 'no article stored by a bad request', `${n} articles`);
  } finally {
    await d.stop('SIGTERM');
    const san = H.sanitizerReports();
    R.ok(san.length === 0, 'no sanitizer report in the daemon log', san.join('; '));
    R.ok(d.exited && d.exited.code === 0, 'clean exit on SIGTERM', JSON.stringify(d.exited));
    if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
  R.end();
}

main().catch((e) => { console.log(`FAIL robustness crashed: ${e.stack}`); console.log(`${R.pass} passed, ${R.fail + 1} failed`); process.exitCode = 1; });
