// ship.js -- shipping (issue 16): one version everywhere, help and man
// page, flags checked before the database is touched, protected mode,
// --listen with a host name, `make install` into a staged root run from an
// unrelated folder, SIGHUP re-tagging, the build's hardening and flags
// stamp, the systemd unit and `make deb` + lintian.
// Every socket is loopback; the one non-loopback *bind* (0.0.0.0, for the
// protected-mode opt-out) is only ever reached through 127.0.0.1.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { spawn, spawnSync } = require('node:child_process');
const H = require('../harness/daemon.js');

const R = H.results('ship');
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.resolve(ROOT, H.BIN);
const SEED = fs.readFileSync(path.join(ROOT, 'tests/fixtures/seed.html'), 'utf8');
const SEED_URL = 'https://news.example.com/2023/07/03/seed.html';   // never fetched: html given
const tmp = H.tmpDir('ship');

function run(cmd, args, opts = {}) {
  const env = { ...process.env, ...(opts.env || {}) };
  if (opts.noBuildEnv) delete env.BUILD;      // `make test` exports BUILD=build to the suites
  const r = spawnSync(cmd, args, { cwd: opts.cwd || ROOT, env,
    encoding: 'utf8', maxBuffer: 64 << 20, timeout: opts.timeout || 300000 });
  return { code: r.status, out: r.stdout || '', err: r.stderr || '', error: r.error };
}
const have = (tool) => run('sh', ['-c', `command -v ${tool}`]).code === 0;

function specVersion() {
  const spec = fs.readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8');
  const m = /^info:\n(?:[ ].*\n)*?  version: *['"]?([^'"\n]+)['"]?\n/m.exec(spec);
  return m ? m[1].trim() : null;
}

// A request to host:port (IPv4 or IPv6 literal; always loopback here).
function req(host, port, method, p, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const b = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const r = http.request({ host, port, method, path: p, agent: false, timeout: 60000,
      headers: b ? { 'Content-Type': 'application/json', 'Content-Length': b.length, ...headers } : headers },
    (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', reject);
    if (b) r.write(b);
    r.end();
  });
}

// Start `bin args` in cwd; resolves when its start line appears (or it
// exits). The start line says the address it really listens on.
const procs = [];                       // every daemon started, for the sanitizer check
function startProc(bin, args, opts = {}) {
  const child = spawn(bin, args, { cwd: opts.cwd || ROOT, env: { ...process.env, ...(opts.env || {}) },
    stdio: ['ignore', 'ignore', 'pipe'] });
  const d = { child, log: '', exited: null };
  procs.push(d);
  child.stderr.on('data', (b) => { d.log += b.toString('utf8'); });
  d.exitPromise = new Promise((r) => {
    child.on('exit', (code, sig) => { d.exited = { code, sig }; r(d.exited); });
    child.on('error', (e) => { d.log += String(e); d.exited = { code: null, error: e.code }; r(d.exited); });
  });
  d.stop = () => { if (!d.exited) child.kill('SIGTERM'); return d.exitPromise; };
  // poll the log (from offset `from`) for an event line: the daemon says
  // when it is done, the test never guesses a delay
  d.waitLog = async (re, ms = 60000, from = 0) => {
    const until = Date.now() + ms * Number(process.env.SKIMD_TEST_TIMEOUT_SCALE || 1);
    while (Date.now() < until && !re.test(d.log.slice(from)) && !d.exited) await H.sleep(20);
    return re.exec(d.log.slice(from));
  };
  return d;
}

async function startListening(bin, args, opts) {
  const d = startProc(bin, args, opts);
  const m = await d.waitLog(/listening on (\S+):(\d+),/);
  if (m) { d.host = m[1]; d.port = Number(m[2]); }
  return d;
}

function submitSeed(d, extra = {}) {
  return req(d.host, d.port, 'POST', '/articles?wait=60', { url: SEED_URL, html: SEED, ...extra });
}

// --- version, help, man page ------------------------------------------------

function versionChecks() {
  const v = specVersion();
  R.ok(v && /^\d+\.\d+\.\d+/.test(v), 'openapi.yaml has info.version', String(v));
  const hdr = /#define SKIMD_VERSION "([^"]+)"/.exec(fs.readFileSync(path.join(ROOT, 'server/version.h'), 'utf8'));
  R.ok(hdr && hdr[1] === v, 'server/version.h says the version openapi.yaml says', `${hdr && hdr[1]} vs ${v}`);
  for (const flag of ['--version', '-V']) {
    const r = run(BIN, [flag]);
    R.ok(r.code === 0 && r.out.trim() === `skimd ${v}`, `skimd ${flag} prints "skimd ${v}"`, r.out + r.err);
  }
  const ch = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
  R.ok(new RegExp(`^## ${v.replace(/\./g, '\\.')} `, 'm').test(ch), 'CHANGELOG.md has an entry for the version');
  const man = fs.readFileSync(path.join(ROOT, 'skimd.1'), 'utf8');
  R.ok(man.includes(`"skimd ${v}"`), 'the man page names the version');
  return v;
}

function helpChecks() {
  const top = run(BIN, ['--help']);
  R.ok(top.code === 0 && /--version \| -V/.test(top.out), 'skimd --help lists --version and -V', top.out.slice(0, 300));
  const serve = run(BIN, ['serve', '--help']);
  R.ok(serve.code === 0 && serve.out.includes('--listen') && serve.out.includes('--api-key-file'),
    'skimd serve --help prints the flags, exit 0', `${serve.code} ${serve.err}`);
  const an = run(BIN, ['analyze', '--help']);
  R.ok(an.code === 0 && an.out.includes('analyze FILE|URL') && an.out.includes('exit status'),
    'skimd analyze --help prints its help, exit 0', `${an.code} ${an.err}`);
  // the man page documents every flag and environment twin the help names
  const man = fs.readFileSync(path.join(ROOT, 'skimd.1'), 'utf8').replace(/\\-/g, '-').replace(/\\f[BIR]/g, '');
  const flags = [...new Set(serve.out.match(/--[a-z][a-z-]+/g))];
  const vars = [...new Set(serve.out.match(/SKIMD_[A-Z_]+/g))];
  const missing = [...flags, ...vars].filter((f) => !man.includes(f));
  R.ok(flags.length > 15 && vars.length > 15 && missing.length === 0,
    `skimd.1 documents every flag and variable of --help (${flags.length} flags, ${vars.length} variables)`,
    `missing: ${missing.join(' ')}`);
  for (const sect of ['SIGHUP', 'SIGTERM', 'EXIT STATUS', 'FILES', 'ENVIRONMENT', 'analyze'])
    R.ok(man.includes(sect), `skimd.1 has ${sect}`);
}

function manChecks() {
  if (!have('groff')) { R.ok(false, 'groff is installed (make deps)'); return; }
  const g = run('groff', ['-ww', '-man', '-Tutf8', 'skimd.1']);
  R.ok(g.code === 0 && g.err === '', 'groff -ww -man renders skimd.1 without a warning', g.err);
  const m = run('man', ['--warnings', '-l', 'skimd.1'], { env: { MANWIDTH: '80', MAN_KEEP_FORMATTING: '' } });
  R.ok(m.code === 0 && m.err === '' && /SIGHUP/.test(m.out) && /EXIT STATUS/.test(m.out),
    'man -l skimd.1 renders without a warning', m.err);
}

// --- flags before disk, protected mode, --listen ------------------------------

function refusedBeforeDisk() {
  const cases = [
    ['a data dir that does not exist', ['--data-dir', path.join(tmp, 'nope')], /--data-dir/],
    ['a broken taxonomy', ['--taxonomy', 'tests/taxonomy/broken-syntax.json'], /broken-syntax\.json:\d+/],
    ['a missing key file', ['--api-key-file', path.join(tmp, 'nope.keys')], /--api-key-file/],
    ['a key file with no key', ['--api-key-file', '/dev/null'], /holds no key/],
    ['a port out of range', ['--listen', '127.0.0.1:70000'], /--listen/],
    ['an unknown flag', ['--no-such-flag', 'x'], /unknown option/],
    ['protected mode', ['--listen', '0.0.0.0:1'], /protected mode.*--api-key-file.*--insecure-open/],
  ];
  for (const [name, args, re] of cases) {
    const db = path.join(tmp, `refused-${cases.indexOf(cases.find((c) => c[0] === name))}.db`);
    const r = run(BIN, ['serve', '--db', db, ...args]);
    R.ok(r.code === 2 && re.test(r.err) && !fs.existsSync(db),
      `${name}: refused with exit 2 and a message, no database created`, `${r.code} ${r.err.trim()}`);
  }
}

async function protectedMode() {
  const port = await H.freePort();
  const open = await startListening(BIN, ['serve', '--listen', `0.0.0.0:${port}`, '--insecure-open',
    '--db', path.join(tmp, 'open.db'), '--workers', '1']);
  const ok1 = open.host === '0.0.0.0' && (await req('127.0.0.1', port, 'GET', '/healthz')).status === 200;
  R.ok(ok1, '--insecure-open: serves 0.0.0.0 with no key (reached through 127.0.0.1)', open.log.slice(0, 400));
  await open.stop();

  const keys = path.join(tmp, 'keys');
  fs.writeFileSync(keys, '# two keys\n  first-key-0123456789  \n\nsecond-key-9876543210\r\n', { mode: 0o600 });
  const port2 = await H.freePort();
  const k = await startListening(BIN, ['serve', '--listen', `0.0.0.0:${port2}`, '--api-key-file', keys,
    '--db', path.join(tmp, 'keyed.db'), '--workers', '1']);
  R.ok(k.port === port2, '--api-key-file: a non-loopback address with keys starts', k.log.slice(0, 400));
  if (k.port === port2) {
    const body = { url: SEED_URL, html: '<html><body><p>x</p></body></html>' };
    const none = await req('127.0.0.1', port2, 'POST', '/articles', body);
    const bad = await req('127.0.0.1', port2, 'POST', '/articles', body, { Authorization: 'Bearer # two keys' });
    const good = await req('127.0.0.1', port2, 'POST', '/articles', body, { Authorization: 'Bearer second-key-9876543210' });
    const first = await req('127.0.0.1', port2, 'POST', '/articles', body, { Authorization: 'Bearer first-key-0123456789' });
    R.ok(none.status === 401 && bad.status === 401, 'no key or a comment line as key: 401', `${none.status} ${bad.status}`);
    R.ok([201, 202].includes(good.status) && [200, 201, 202].includes(first.status),
      'either key of the file (spaces and CR dropped) may write', `${good.status} ${first.status}`);
    R.ok(!k.log.includes('second-key-9876543210') && !k.log.includes('first-key'), 'keys never in the log');
  }
  await k.stop();
  const envKey = await startListening(BIN, ['serve', '--listen', `0.0.0.0:${await H.freePort()}`,
    '--db', path.join(tmp, 'envkey.db'), '--workers', '1'], { env: { SKIMD_API_KEY: 'env-key-1234567890' } });
  R.ok(envKey.port > 0, 'SKIMD_API_KEY from the environment satisfies protected mode', envKey.log.slice(0, 300));
  await envKey.stop();
}

async function listenByName() {
  const port = await H.freePort();
  const d = await startListening(BIN, ['serve', '--listen', `localhost:${port}`,
    '--db', path.join(tmp, 'name.db'), '--workers', '1']);
  const loop = d.host === '127.0.0.1' || d.host === '::1';
  R.ok(loop && d.port === port, '--listen localhost:PORT resolves to loopback and says so in the start line',
    d.log.slice(0, 300));
  if (loop) {
    const r = await req(d.host, port, 'GET', '/healthz');
    R.ok(r.status === 200, `/healthz answers on ${d.host}:${port}`);
  }
  await d.stop();
}

// --- install into a staged root, run from elsewhere -------------------------------

async function installed(v, reference) {
  const dest = path.join(tmp, 'root');
  const r = run('make', ['--no-print-directory', '-s', 'install', `DESTDIR=${dest}`, 'PREFIX=/usr/local']);
  R.ok(r.code === 0, 'make install DESTDIR=... PREFIX=/usr/local', r.err.slice(-800));
  const files = ['usr/local/bin/skimd', 'usr/local/share/skimd/taxonomy.json', 'usr/local/share/skimd/idf-zh.tsv',
    'usr/local/share/skimd/stopwords-en.txt', 'usr/local/share/man/man1/skimd.1'];
  const missing = files.filter((f) => !fs.existsSync(path.join(dest, f)));
  R.ok(missing.length === 0, 'the binary, the data and the man page are installed', missing.join(' '));
  const bin = path.join(dest, 'usr/local/bin/skimd');
  const elsewhere = path.join(tmp, 'elsewhere');
  fs.mkdirSync(elsewhere);
  const port = await H.freePort();
  const d = await startListening(bin, ['--db', 'x.db', '--listen', `127.0.0.1:${port}`], { cwd: elsewhere });
  R.ok(d.port === port, 'the installed binary starts from an unrelated folder with only --db and --listen',
    d.log.slice(0, 500));
  R.ok(d.log.includes(`data ${path.join(dest, 'usr/local/share/skimd')},`),
    'it found the installed data (share/skimd beside its folder), not the source tree', d.log.slice(0, 400));
  if (d.port === port) {
    const h = await req(d.host, port, 'GET', '/healthz');
    R.ok(h.json && h.json.version === v, '/healthz says the version', h.text);
    const ui = await req(d.host, port, 'GET', '/ui/');
    R.ok(ui.status === 200 && /<html/i.test(ui.text), 'the installed binary serves the web page (/ui/, compiled in)', `${ui.status}`);
    const m = await req(d.host, port, 'GET', '/metrics');
    R.ok(m.text.includes(`skimd_build_info{version="${v}"} 1`), '/metrics has skimd_build_info with the version');
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds',
      'process_max_fds', 'process_start_time_seconds', 'process_virtual_memory_bytes'])
      R.ok(new RegExp(`^${name} [0-9.e+]+$`, 'm').test(m.text), `/metrics has ${name}`);
    const s = await submitSeed(d);
    const rec = s.json || {};
    R.ok(s.status === 201 && rec.status === 'ready', 'the seed page becomes a ready record', s.text.slice(0, 300));
    R.ok(rec.title && rec.title.startsWith('差距一两年') && rec.language === 'zh', 'seed: title and language');
    R.ok(rec.keywords && rec.keywords[0] === '大模型', `seed: first keyword 大模型 (${rec.keywords})`);
    const tech = (rec.tags && rec.tags.technology) || [];
    R.ok(['大模型', 'ChatGPT', 'Transformer'].every((t) => tech.includes(t)), `seed: technology tags (${tech})`);
    const ev = (rec.events || []).find((e) => e.text.includes('ChatGPT') && e.text.includes('发布'));
    R.ok(ev && ev.date === '2022-11', 'seed: the ChatGPT release dated 2022-11');
    if (reference) {
      const same = ['title', 'summary', 'keywords', 'tags', 'events', 'word_count']
        .filter((k) => JSON.stringify(rec[k]) !== JSON.stringify(reference[k]));
      R.ok(same.length === 0, 'the installed daemon gives the build tree\'s record', `differs: ${same.join(' ')}`);
    }
  }
  await d.stop();
  R.ok(d.exited && d.exited.code === 0, 'it stops cleanly on SIGTERM', JSON.stringify(d.exited));
  const an = run(bin, ['analyze', path.join(ROOT, 'tests/fixtures/seed.html'), '--url', SEED_URL], { cwd: elsewhere });
  R.ok(an.code === 0 && JSON.parse(an.out || '{}').keywords[0] === '大模型', 'the installed skimd analyze works from elsewhere', an.err);
  const u = run('make', ['--no-print-directory', '-s', 'uninstall', `DESTDIR=${dest}`, 'PREFIX=/usr/local']);
  const left = run('find', [dest, '-type', 'f']).out.trim();
  R.ok(u.code === 0 && left === '', 'make uninstall removes every installed file', left || u.err);
}

// SIGHUP: a changed taxonomy re-tags the stored seed record; the record
// before the change is the reference the installed daemon is held to.
async function sighup() {
  const tax = path.join(tmp, 'taxonomy.json');
  fs.copyFileSync(path.join(ROOT, 'data/taxonomy.json'), tax);
  const d = await startListening(BIN, ['serve', '--listen', `127.0.0.1:${await H.freePort()}`,
    '--db', path.join(tmp, 'hup.db'), '--workers', '1', '--taxonomy', tax]);
  if (!d.port) { R.ok(false, 'build-tree daemon starts', d.log); return null; }
  const s = await submitSeed(d);
  const rec = s.json || {};
  R.ok(s.status === 201 && (rec.tags.technology || []).includes('ChatGPT'), 'build tree: seed tagged ChatGPT', s.text.slice(0, 200));

  // a taxonomy without the ChatGPT tag (its children, if any, move up)
  const t = JSON.parse(fs.readFileSync(tax, 'utf8'));
  const techs = t.facets.technology;
  const gone = techs.find((x) => x.id === 'chatgpt');
  t.facets.technology = techs.filter((x) => x.id !== 'chatgpt');
  for (const x of t.facets.technology) if (x.parent === 'chatgpt') x.parent = gone.parent;
  fs.writeFileSync(tax, JSON.stringify(t, null, 1));
  const before = d.log.length;
  // readers that use the taxonomy (tag aliases, tag labels) while it is swapped
  const paths = ['/articles?tag=' + encodeURIComponent('大模型'), '/tags', '/articles?tag=LLM'];
  const readers = [];
  for (let i = 0; i < 30; i++) readers.push(req(d.host, d.port, 'GET', paths[i % 3]).catch((e) => ({ status: String(e) })));
  d.child.kill('SIGHUP');
  for (let i = 0; i < 30; i++) readers.push(req(d.host, d.port, 'GET', paths[i % 3]).catch((e) => ({ status: String(e) })));
  await d.waitLog(/"event":"reload","status":"(ok|failed|unchanged)"/, 30000, before);
  const answered = (await Promise.all(readers)).map((x) => x.status);
  R.ok(answered.every((x) => x === 200), 'reads during the reload all answer 200', answered.join(' '));
  if (d.exited) { R.ok(false, 'SIGHUP does not stop the daemon', JSON.stringify(d.exited)); return rec; }
  const done = await d.waitLog(/"event":"retag","status":"done"/, 60000, before);
  const after = d.log.slice(before);
  R.ok(d.exited === null, 'SIGHUP does not stop the daemon', JSON.stringify(d.exited));
  R.ok(/"event":"reload"/.test(after), 'SIGHUP is logged', after.slice(0, 300));
  R.ok(done && /"event":"retag","status":"done"/.test(after), 'a re-tag pass runs and reports done', after.slice(0, 400));
  const now = (await req(d.host, d.port, 'GET', `/articles/${rec.id}`)).json || { tags: {} };
  R.ok(!(now.tags.technology || []).includes('ChatGPT') && (now.tags.technology || []).includes('大模型'),
    'the stored record is re-tagged with the new taxonomy', JSON.stringify(now.tags));
  const fresh = (await req(d.host, d.port, 'POST', '/articles?wait=60',
    { url: SEED_URL.replace('seed', 'seed2'), html: SEED })).json || { tags: {} };
  R.ok(!(fresh.tags.technology || []).includes('ChatGPT'), 'a new record uses the new taxonomy', JSON.stringify(fresh.tags));

  fs.writeFileSync(tax, '{ "version": 1, "facets": ');
  const mark = d.log.length;
  d.child.kill('SIGHUP');
  await d.waitLog(/"event":"reload","status":"failed"/, 30000, mark);
  const tail = d.log.slice(mark);
  R.ok(d.exited === null && /"status":"failed"/.test(tail), 'a broken taxonomy on SIGHUP is logged and the daemon runs on', tail.slice(0, 300));
  const still = await req(d.host, d.port, 'GET', `/articles/${rec.id}`);
  R.ok(still.status === 200 && (still.json.tags.technology || []).includes('大模型'), 'the tags in use are kept');
  await d.stop();
  R.ok(d.exited && d.exited.code === 0, 'clean stop after reloads', JSON.stringify(d.exited) + d.log.slice(-300));
  return rec;
}

async function userAgent(v) {
  let ua = null;
  const f = await H.fixture((q, res) => { ua = q.headers['user-agent']; res.writeHead(200, { 'Content-Type': 'text/html' }); res.end(SEED); });
  const d = await startListening(BIN, ['serve', '--listen', `127.0.0.1:${await H.freePort()}`,
    '--db', path.join(tmp, 'ua.db'), '--workers', '1', '--allow-private']);
  await req(d.host, d.port, 'POST', '/articles?wait=60', { url: `http://127.0.0.1:${f.port}/a.html` });
  R.ok(ua && ua.includes(`skimd/${v};`), 'the fetcher\'s User-Agent names the version', String(ua));
  await d.stop();
  await f.stop();
}

// --- build hygiene -----------------------------------------------------------

function hardening() {
  if (!have('readelf')) { R.ok(false, 'readelf is installed (binutils)'); return; }
  const r = run('readelf', ['-h', '-l', '-d', '--dyn-syms', '-W', BIN]).out;
  R.ok(/Type:\s+DYN/.test(r), 'the binary is PIE');
  R.ok(/GNU_RELRO/.test(r) && /BIND_NOW|FLAGS.*NOW/.test(r), 'full RELRO (relro + bind now)');
  R.ok(/__stack_chk_fail/.test(r), 'stack protector in use');
  if (!/asan|tsan|san-/.test(path.dirname(BIN)))
    R.ok(/__[a-z_]+_chk\b/.test(r.replace(/__stack_chk_fail/g, '')), 'fortified libc calls (_FORTIFY_SOURCE)');
}

function flagsStamp() {
  const b = path.join(tmp, 'b');
  const obj = `${b}/server/config.o`;
  const mk = (...a) => run('make', ['--no-print-directory', `BUILD=${b}`, ...a, obj]);
  const first = mk();
  const again = mk();
  const changed = mk('OPT=-O1 -g');
  R.ok(first.code === 0 && /config\.c/.test(first.out) && !/config\.c/.test(again.out) && /-O1 -g/.test(changed.out),
    'the flags stamp: same flags build nothing, other flags rebuild', `${again.out}${changed.out}${first.err}`);
  const stamp = fs.readFileSync(`${b}/.flags`, 'utf8');
  R.ok(/-O1 -g/.test(stamp), 'the stamp holds the flags used');
  const rel = mk('OPT=-O1 -g', 'DEVELOPER=0', '-B');
  const dev = mk('OPT=-O1 -g', 'DEVELOPER=1', '-B');
  R.ok(!/-Werror/.test(rel.out) && /-Werror/.test(dev.out), '-Werror only with DEVELOPER=1', rel.out + dev.out);
  const paths = run('make', ['--no-print-directory', '-n', '-B', '-f', 'Makefile', 'SANITIZER=thread', 'DEVELOPER=1', 'build-tsan/server/config.o'], { noBuildEnv: true });
  R.ok(/-fsanitize=thread/.test(paths.out) && /-o build-tsan\/server\/config\.o/.test(paths.out),
    'SANITIZER=thread builds in build-tsan/', paths.out + paths.err);
  const asan = run('make', ['--no-print-directory', '-n', '-B', 'SANITIZER=address,undefined', 'all'], { noBuildEnv: true });
  R.ok(/build-asan\/skimd/.test(asan.out) && !/build-tsan/.test(asan.out), 'SANITIZER=address,undefined builds in build-asan/');
  const tdir = path.join(ROOT, path.dirname(H.BIN), 'tests');
  if (fs.existsSync(tdir)) {                // make test builds them; a lone daemon build does not
    const tdeps = fs.readdirSync(tdir).filter((x) => x.endsWith('.d'));
    R.ok(tdeps.length > 5, `unit tests have header dependency files (${tdeps.length})`);
  }
}

// --- systemd unit, Debian package ------------------------------------------------

function systemdUnit() {
  const stage = path.join(tmp, 'unit');
  const r = run('make', ['--no-print-directory', '-s', 'install-systemd', `DESTDIR=${stage}`,
    `BINDIR=${path.dirname(BIN)}`, 'UNITDIR=/lib/systemd/system', 'SYSCONFDIR=/etc']);
  const unitPath = path.join(stage, 'lib/systemd/system/skimd.service');
  R.ok(r.code === 0 && fs.existsSync(unitPath) && fs.existsSync(path.join(stage, 'etc/default/skimd')),
    'make install-systemd writes the unit and the settings file', r.err);
  const unit = fs.existsSync(unitPath) ? fs.readFileSync(unitPath, 'utf8') : '';
  const need = ['User=skimd', 'StateDirectory=skimd', 'ProtectSystem=strict', 'NoNewPrivileges=yes',
    'PrivateTmp=yes', 'RestrictAddressFamilies=', 'SystemCallFilter=@system-service', 'MemoryMax=',
    'EnvironmentFile=-/etc/default/skimd', 'ExecReload=/bin/kill -HUP $MAINPID', `ExecStart=${BIN} serve`];
  const lacking = need.filter((n) => !unit.includes(n));
  R.ok(lacking.length === 0, 'the unit has the hardening options and reads its settings file', lacking.join(' '));
  if (have('systemd-analyze')) {
    run('make', ['--no-print-directory', '-s', 'install', `DESTDIR=${stage}`, 'PREFIX=/usr']);
    const v = run('systemd-analyze', ['verify', unitPath], { env: { MANPATH: path.join(stage, 'usr/share/man') } });
    R.ok(v.code === 0 && v.err.trim() === '', 'systemd-analyze verify: clean', v.err + v.out);
    const sec = run('systemd-analyze', ['security', '--offline=yes', unitPath]);
    const m = /Overall exposure level for skimd\.service: ([0-9.]+)/.exec(sec.out);
    console.log(`     systemd-analyze security --offline: exposure ${m ? m[1] : '?'} (0 safest, 10 unsafe)`);
  } else {
    console.log('     systemd-analyze not installed: unit not verified');
  }
}

function debPackage(v) {
  const t0 = Date.now();
  const r = run('make', ['--no-print-directory', 'deb']);
  const deb = (r.out.match(/^\S+\.deb$/m) || [''])[0];
  const arch = run('dpkg', ['--print-architecture']).out.trim();
  R.ok(r.code === 0 && deb.endsWith(`skimd_${v}-1_${arch}.deb`) && fs.existsSync(path.join(ROOT, deb)),
    `make deb builds skimd_${v}-1_${arch}.deb`, `exit ${r.code}\n${r.out.slice(-1500)}\n${r.err.slice(-1500)}`);
  console.log(`     make deb: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.code !== 0 || !deb) return;
  const contents = run('dpkg-deb', ['--contents', deb]).out;
  const want = ['./usr/bin/skimd', './usr/share/skimd/taxonomy.json', './usr/share/skimd/idf-zh.tsv',
    './usr/share/man/man1/skimd.1.gz', './lib/systemd/system/skimd.service', './etc/default/skimd',
    './usr/share/doc/skimd/copyright', './usr/share/doc/skimd/changelog.Debian.gz'];
  const absent = want.filter((f) => !contents.includes(` ${f}\n`));
  R.ok(absent.length === 0, 'dpkg-deb --contents lists the binary, data, man page, unit, settings, docs', absent.join(' '));
  R.ok(!/ \.\/(var|home|tmp|root)\//.test(contents) && /root\/root/.test(contents), 'root-owned files only, no state shipped');
  const f = (field) => run('dpkg-deb', ['-f', deb, field]).out.trim();
  R.ok(f('Version') === `${v}-1` && f('Package') === 'skimd', 'package version from server/version.h', f('Version'));
  const dep = f('Depends');
  const libs = ['libmicrohttpd12', 'libjansson4', 'libsqlite3-0', 'libcurl4', 'libfriso0', 'libstemmer0d', 'libpsl5', 'libc-ares2', 'libxml2', 'friso-dict', 'adduser'];
  R.ok(libs.every((l) => dep.includes(l)), 'Depends: the runtime libraries (dpkg-shlibdeps) and adduser', dep);
  const ctl = path.join(tmp, 'ctl');
  run('dpkg-deb', ['--control', deb, ctl]);
  const postinst = fs.readFileSync(path.join(ctl, 'postinst'), 'utf8');
  R.ok(/adduser --system --group[^\n]*skimd/.test(postinst) && postinst.includes('/var/lib/skimd'),
    'postinst creates the skimd system user and /var/lib/skimd');
  R.ok(fs.readFileSync(path.join(ctl, 'conffiles'), 'utf8').trim() === '/etc/default/skimd', 'the settings file is a conffile');
  const unit = run('sh', ['-c', `dpkg-deb --fsys-tarfile ${deb} | tar -xOf - ./lib/systemd/system/skimd.service`]).out;
  R.ok(unit.includes('ExecStart=/usr/bin/skimd serve'), 'the packaged unit runs /usr/bin/skimd');
  const data = run('sh', ['-c', `dpkg-deb --fsys-tarfile ${deb} | tar -xOf - ./usr/bin/skimd | strings | grep -x /usr/share/skimd`]).out;
  R.ok(data.split('\n').includes('/usr/share/skimd'), 'the packaged binary has /usr/share/skimd compiled in');
  if (!have('lintian')) { R.ok(false, 'lintian is installed (make deps)'); return; }
  const l = run('lintian', ['--info', '--pedantic', deb]);
  const tags = l.out.split('\n').filter((x) => /^[EWIPX]: /.test(x));
  R.ok(l.code === 0 && tags.length === 0, 'lintian --info --pedantic: no tag (explained overrides in debian/lintian-overrides)',
    tags.join('\n') + l.err);
}

async function main() {
  try {
    const v = versionChecks();
    helpChecks();
    manChecks();
    refusedBeforeDisk();
    await protectedMode();
    await listenByName();
    await userAgent(v);
    const reference = await sighup();
    await installed(v, reference);
    hardening();
    flagsStamp();
    systemdUnit();
    debPackage(v);
  } catch (e) {
    R.ok(false, 'ship suite ran to the end', e.stack);
  } finally {
    await Promise.all(procs.map((d) => d.stop()));
    const reports = procs.filter((d) => /ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ThreadSanitizer/.test(d.log));
    R.ok(reports.length === 0, `no sanitizer report in the ${procs.length} daemons' logs`,
      reports.map((d) => d.log.slice(0, 2000)).join('\n----\n'));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  R.end();
}

main();
