// hostile_mem.mjs -- memory of skimd reading hostile 10 MiB pages (issue 12,
// `make bench` part e). Figures printed, nothing asserted.
//
// For each worker count (HOSTILE_WORKERS, a comma list; default: the
// daemon's default, one per core) one daemon; for each page shape: the
// peak RSS while the page is read (VmHWM, reset before each page through
// /proc/PID/clear_refs) and the RSS once the job has ended, against the
// idle RSS measured after a warm-up page (one small article through the
// whole pipeline, so that lazily built state -- per-thread SQLite
// connections, ICU break iterators -- counts as idle). With more than one
// worker, the first `workers` shapes are then posted at once (a page per
// worker: the per-page cost adds up). HOSTILE_ROUNDS=2 runs the five twice; HOSTILE_SHAPES=1,4 picks shapes by number;
// HOSTILE_WRAP="valgrind --tool=massif ..." runs the daemon under a
// wrapper (its figures are then the wrapper's). Pages are posted as `html`
// (nothing is fetched), on loopback only.
// Usage: node tools/bench/hostile_mem.mjs [BIN]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = process.argv[2] || 'build/skimd';
const MIB = 1024 * 1024;
const SIZE = 10 * MIB;

// The five shapes of the issue, each about 10 MiB.
function pages() {
  const fill = (head, unit, tail) => head + unit.repeat(Math.floor((SIZE - head.length - tail.length) / unit.length)) + tail;
  return [
    ['many divs (unclosed)', fill('<html><body>', '<div>', '</body></html>')],
    ['many nodes', fill('<html><body><article>', '<p>a <b>b</b> c</p>', '</article></body></html>')],
    ['many attributes', fill('<html><body><p ', 'a=b ', '>x</p></body></html>')],
    ['one giant sentence', fill('<html><body><article><p>', 'word ', '</p></article></body></html>')],
    ['many <', fill('<html><body><p>', '<', '</p></body></html>')],
  ];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function status(pid) {
  const t = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (k) => Number((new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(t) || [0, 0])[1]);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024, anon: kib('RssAnon') / 1024 };
}

function request(port, method, p, body) {
  return new Promise((resolve, reject) => {
    const headers = body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {};
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, timeout: 90000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Submit a page and wait until its job has ended (a slow wrapper such as
// valgrind can take longer than ?wait allows: then poll the record).
async function post(port, body) {
  let r = await request(port, 'POST', '/articles?wait=60', body);
  while (r.json.status === 'queued' || r.json.status === 'fetching') {
    await sleep(1000);
    r = await request(port, 'GET', `/articles/${r.json.id}`);
  }
  return r;
}

// HOSTILE_HEAPS=1: glibc's heaps (malloc_info(3) run in the daemon by gdb),
// SQLite's own count, and RSS after a malloc_trim(0) run the same way,
// after each page: where retained memory sits. (Attaching gdb perturbs
// the daemon: the figures of such a run are not the benchmark's.)
function heaps(pid, dir) {
  const xml = path.join(dir, 'malloc.xml');
  try {
    execFileSync('gdb', ['-p', String(pid), '-batch', '-ex', `set $f = (void *) fopen("${xml}", "w")`,
      '-ex', 'call (int) malloc_info(0, $f)', '-ex', 'call (int) fclose($f)',
      '-ex', 'printf "sqlite3_memory_used %ld\\n", (long) sqlite3_memory_used()',
      '-ex', 'call (int) malloc_trim(0)'],
    { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n')
      .filter((l) => l.startsWith('sqlite3_')).forEach((l) => console.log(`    ${l}`));
  } catch { return; }
  const t = fs.existsSync(xml) ? fs.readFileSync(xml, 'utf8') : '';
  const line = [];
  for (const h of t.matchAll(/<heap nr="(\d+)">([\s\S]*?)<\/heap>/g)) {
    const free = [...h[2].matchAll(/<total type="(?:fast|rest)" count="\d+" size="(\d+)"/g)].reduce((a, m) => a + Number(m[1]), 0);
    const cur = /<system type="current" size="(\d+)"/.exec(h[2]);
    line.push(`a${h[1]} ${Math.round((cur ? Number(cur[1]) : 0) / 1024)}/${Math.round(free / 1024)}`);
  }
  const mm = /<total type="mmap" count="(\d+)" size="(\d+)"/.exec(t.slice(t.lastIndexOf('</heap>')));
  console.log(`    heaps KiB per arena (size/free): ${line.join(' ')}; mmapped chunks ${mm ? mm[1] : '?'} (${mm ? Math.round(mm[2] / 1024) : '?'} KiB); ` +
    `RSS after a malloc_trim(0) now ${status(pid).rss.toFixed(1)} MiB`);
}

// A small real-looking article: the warm-up before idle is measured.
function warmPage() {
  const para = '<p>The council met on Monday to discuss the budget, the harbour and the new railway line; residents asked about prices.</p>';
  return `<html lang="en"><head><title>Warm-up story</title></head><body><article><h1>Warm-up story</h1>${para.repeat(12)}</article></body></html>`;
}

// One daemon with `workers` workers (0: its default): the table of the shapes.
async function runDaemon(workers, shapes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skimd-hostile-mem-'));
  const port = await freePort();
  const wrap = (process.env.HOSTILE_WRAP || '').split(' ').filter(Boolean);
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--db', path.join(dir, 'm.db'),
    '--max-body-bytes', String(16 * MIB)];
  if (workers)
    args.push('--workers', String(workers));
  const cmd = wrap.length ? wrap[0] : BIN;
  const child = spawn(cmd, wrap.length ? [...wrap.slice(1), BIN, ...args] : args,
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (b) => { log += b; });
  for (let i = 0; i < 2400 && !log.includes('listening on'); i++) await sleep(50);
  let n = 0;
  for (let i = 0; i < 4; i++)                        // warm-up: each worker and HTTP thread once or more
    await post(port, JSON.stringify({ url: `http://hostile.invalid/warm${n++}`, html: warmPage() }));
  await sleep(1000);
  const st0 = status(child.pid), idle = st0.rss;
  const wl = workers ? `${workers} worker${workers > 1 ? 's' : ''}` : 'default workers';
  console.log(`== (e) hostile 10 MiB pages: ${os.cpus().length} cores, ${wl}; idle RSS after warm-up ${idle.toFixed(1)} MiB (anonymous ${st0.anon.toFixed(1)})`);
  console.log(`${'page'.padEnd(32)} ${'result'.padEnd(22)} ${'peak MiB'.padStart(9)} ${'after MiB'.padStart(10)} ${'after/idle'.padStart(11)} ${'anon after'.padStart(11)}`);
  if (process.env.HOSTILE_HEAPS)
    heaps(child.pid, dir);
  let worst = 0;
  for (const [name, html] of shapes) {
    fs.writeFileSync(`/proc/${child.pid}/clear_refs`, '5');   // reset VmHWM
    const body = JSON.stringify({ url: `http://hostile.invalid/${n++}`, html });
    const r = await post(port, body);
    await sleep(1000);                                        // the worker's trim, the reply's buffers
    const s = status(child.pid);
    worst = Math.max(worst, s.hwm);
    const result = r.json.status === 'failed' ? `failed ${r.json.error.code}` : `${r.json.status} ${r.json.word_count || 0} words`;
    console.log(`${name.padEnd(32)} ${result.padEnd(22)} ${s.hwm.toFixed(1).padStart(9)} ${s.rss.toFixed(1).padStart(10)} ${((s.rss / idle - 1) * 100).toFixed(0).padStart(10)}% ${s.anon.toFixed(1).padStart(11)}`);
    if (process.env.HOSTILE_HEAPS)
      heaps(child.pid, dir);
  }
  if (workers > 1 || !workers) {
    // as many pages at once as there are workers: the bound per worker adds up
    const k = workers || os.cpus().length;
    fs.writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
    const rs = await Promise.all(shapes.slice(0, k).map(([, html]) =>
      post(port, JSON.stringify({ url: `http://hostile.invalid/${n++}`, html }))));
    await sleep(1000);
    const s = status(child.pid);
    worst = Math.max(worst, s.hwm);
    const result = rs.map((r) => (r.json.status === 'failed' ? r.json.error.code : r.json.status)).join(',');
    console.log(`${`the first ${k} at once`.padEnd(32)} ${result.padEnd(22)} ${s.hwm.toFixed(1).padStart(9)} ${s.rss.toFixed(1).padStart(10)} ${((s.rss / idle - 1) * 100).toFixed(0).padStart(10)}% ${s.anon.toFixed(1).padStart(11)}`);
  }
  const end = status(child.pid);
  console.log(`after all pages: RSS ${end.rss.toFixed(1)} MiB (${((end.rss / idle - 1) * 100).toFixed(0)}% over idle), highest peak ${worst.toFixed(1)} MiB ` +
    '(targets: <= 150 MiB peak, back within 10 % of idle)');
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
}

async function main() {
  // HOSTILE_ROUNDS=2 runs the five again: a bounded cost stays level
  const rounds = Number(process.env.HOSTILE_ROUNDS || 1);
  const pick = (process.env.HOSTILE_SHAPES || '').split(',').filter(Boolean).map(Number);
  const shapes = [];
  for (let k = 0; k < rounds; k++)
    pages().forEach(([nm, h], i) => {
      if (!pick.length || pick.includes(i + 1))
        shapes.push([k ? `${nm} (again)` : nm, h]);
    });
  const counts = (process.env.HOSTILE_WORKERS || '0').split(',').map(Number);
  for (const w of counts)
    await runDaemon(w, shapes);
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
