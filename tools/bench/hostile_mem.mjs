// hostile_mem.mjs -- memory of skimd reading hostile 10 MiB pages (issue 12,
// `make bench` part e). Figures printed, nothing asserted.
//
// One daemon with the default workers; for each page shape: the peak RSS
// while the page is read (VmHWM, reset before each page through
// /proc/PID/clear_refs) and the RSS once the job has ended, against the
// idle RSS measured at the start (HOSTILE_ROUNDS=2: the five twice). Pages are posted as `html` (nothing is
// fetched), on loopback only. Usage: node tools/bench/hostile_mem.mjs [BIN]
import { spawn } from 'node:child_process';
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

function post(port, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/articles?wait=60',
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      timeout: 90000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skimd-hostile-mem-'));
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', path.join(dir, 'm.db'),
    '--max-body-bytes', String(16 * MIB)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (b) => { log += b; });
  for (let i = 0; i < 400 && !log.includes('listening on'); i++) await sleep(50);
  await sleep(500);
  const st0 = status(child.pid), idle = st0.rss;
  console.log(`== (e) hostile 10 MiB pages: ${os.cpus().length} cores, default workers; idle RSS ${idle.toFixed(1)} MiB (anonymous ${st0.anon.toFixed(1)})`);
  console.log(`${'page'.padEnd(32)} ${'result'.padEnd(22)} ${'peak MiB'.padStart(9)} ${'after MiB'.padStart(10)} ${'after/idle'.padStart(11)} ${'anon after'.padStart(11)}`);
  let n = 0;
  // HOSTILE_ROUNDS=2 runs the five again: a bounded cost stays level
  const rounds = Number(process.env.HOSTILE_ROUNDS || 1);
  const all = [];
  for (let k = 0; k < rounds; k++) all.push(...pages().map(([nm, h]) => [k ? `${nm} (again)` : nm, h]));
  for (const [name, html] of all) {
    fs.writeFileSync(`/proc/${child.pid}/clear_refs`, '5');   // reset VmHWM
    const body = JSON.stringify({ url: `http://hostile.invalid/${n++}`, html });
    const r = await post(port, body);
    await sleep(1000);                                        // the worker's trim, the reply's buffers
    const s = status(child.pid);
    const result = r.json.status === 'failed' ? `failed ${r.json.error.code}` : `${r.json.status} ${r.json.word_count || 0} words`;
    console.log(`${name.padEnd(32)} ${result.padEnd(22)} ${s.hwm.toFixed(1).padStart(9)} ${s.rss.toFixed(1).padStart(10)} ${((s.rss / idle - 1) * 100).toFixed(0).padStart(10)}% ${s.anon.toFixed(1).padStart(11)}`);
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
