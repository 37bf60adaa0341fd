// daemon.mjs -- start skimd on a free loopback port with a temp database,
// talk to it, snapshot its database, stop it with SIGTERM.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './spec.mjs';
import { request } from './http.mjs';
import { SCALE } from './runner.mjs';
import { sleep } from './assert.mjs';

export const SKIMD_BIN = path.resolve(REPO_ROOT, process.env.SKIMD_BIN || 'build/skimd');
export const TMP = mkdtempSync(path.join(os.tmpdir(), 'skimd-api-'));
// Optional command put in front of the daemon, e.g.
// SKIMD_WRAPPER="valgrind --leak-check=full --errors-for-leak-kinds=definite
// --error-exitcode=99" (then raise
// SKIMD_TEST_TIMEOUT_SCALE): a non-zero exit at SIGTERM fails the suite.
export const WRAPPER = (process.env.SKIMD_WRAPPER || '').split(/\s+/).filter(Boolean);

/** A port nobody listens on right now (bound then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

let seq = 0;

// SKIMD_TEST_PG: run against PostgreSQL (tests/pg/run.sh sets it to the
// throw-away server's base URI, postgresql:///?host=DIR&user=U): every
// database path a test names becomes a fresh database of that server.
export const PG = process.env.SKIMD_TEST_PG || '';
export const BACKEND = PG ? 'postgresql' : 'sqlite';
const pgDbs = new Map();
const pgUri = (name) => PG.replace(':///?', `:///${name}?`);

/** The --db value for a database path: the path (SQLite), or its own
 *  PostgreSQL database, created on first use (SKIMD_TEST_PG). */
export function dbFor(p) {
  if (!PG || /^postgres(ql)?:/.test(p)) return p;
  if (!pgDbs.has(p)) {
    const name = `t${process.pid}_${pgDbs.size}`;
    execFileSync('psql', [pgUri('postgres'), '-qc', `CREATE DATABASE ${name}`]);
    pgDbs.set(p, pgUri(name));
  }
  return pgDbs.get(p);
}

/** Rows of q on the test's database (sqlite3 or psql), as text. */
export function dbQuery(db, q) {
  return PG ? execFileSync('psql', [db, '-qAtc', q], { encoding: 'utf8' }).trim()
    : execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
}

// Daemons still running when the suite exits (a crash of the runner, ^C)
// are killed so that none outlives it.
const live = new Set();
process.on('exit', () => {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch { /* already gone */ }
  }
  try {
    rmSync(TMP, { recursive: true, force: true });
  } catch { /* best effort */ }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(130));

export class Daemon {
  /**
   * opts: name, db (path; default a new temp file), workers (2),
   * allowPrivate (true), fetchTimeout (s), maxPageBytes, args (extra flags).
   */
  constructor(opts = {}) {
    this.opts = opts;
    this.name = opts.name || `daemon${++seq}`;
    this.dbPath = opts.db || path.join(TMP, `${this.name}-${process.pid}-${seq}.db`);
    this.db = dbFor(this.dbPath);
    this.proc = null;
    this.port = 0;
    this.output = [];
    this.stderr = [];
    this.outputBytes = 0;
    this.crashed = null;
    this.stopping = false;
    this.exits = [];
  }

  flags() {
    const o = this.opts;
    const f = ['serve', '--listen', `127.0.0.1:${this.port}`, '--db', this.db,
      '--workers', String(o.workers ?? 2)];
    if (o.allowPrivate !== false) f.push('--allow-private');
    if (o.fetchTimeout) f.push('--fetch-timeout', String(o.fetchTimeout));
    if (o.maxPageBytes) f.push('--max-page-bytes', String(o.maxPageBytes));
    return f.concat(o.args || []);
  }

  #capture(stream, also) {
    stream.setEncoding('utf8');
    stream.on('data', (d) => {
      if (this.outputBytes > 4 << 20) return;
      this.outputBytes += d.length;
      this.output.push(d);
      if (also) also.push(d);
    });
  }

  /** stderr so far, as lines. */
  stderrLines() {
    // (valgrind's own "==PID==" lines are not the daemon's)
    return this.stderr.join('').split('\n').filter((l) => l.trim() !== '' && !/^==[0-9]+==/.test(l));
  }

  logText() {
    return this.output.join('');
  }

  tail(n = 30) {
    return this.logText().split('\n').slice(-n).join('\n');
  }

  async start() {
    if (!existsSync(SKIMD_BIN)) throw new Error(`SKIMD_BIN ${SKIMD_BIN} does not exist (run make)`);
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      this.stopping = false;
      this.crashed = null;
      const argv = [...WRAPPER, SKIMD_BIN, ...this.flags()];
      const p = spawn(argv[0], argv.slice(1), { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      this.proc = p;
      this.#capture(p.stdout);
      this.#capture(p.stderr, this.stderr);
      live.add(p);
      p.exitInfo = new Promise((resolve) => p.on('exit', (code, signal) => {
        live.delete(p);
        resolve({ code, signal });
      }));
      p.exitInfo.then((info) => {
        this.exits.push(info);
        if (!this.stopping) this.crashed = info;
      });
      const deadline = Date.now() + 20000 * SCALE;
      while (Date.now() < deadline) {
        if (this.crashed) break;
        try {
          const r = await request({ port: this.port, path: '/healthz', spec: false, timeout: 2000 });
          if (r.status === 200) return this;
        } catch { /* not up yet */ }
        await sleep(50);
      }
      const info = this.crashed;
      if (!info) {
        await this.kill('SIGKILL');
        throw new Error(`${this.name}: /healthz not 200 within 20 s\n${this.tail()}`);
      }
      if (!/address already in use|EADDRINUSE|bind/i.test(this.tail(5)))
        throw new Error(`${this.name} exited at start (${JSON.stringify(info)}): ${SKIMD_BIN} ${this.flags().join(' ')}\n${this.tail()}`);
    }
    throw new Error(`${this.name}: could not bind a port in 3 attempts`);
  }

  get alive() {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Send `signal`, wait for the exit; {code, signal, ms}. Throws if it hangs. */
  async stop(signal = 'SIGTERM', timeoutMs = 20000 * SCALE) {
    if (!this.proc || !this.alive) return this.exits.at(-1) || null;
    this.stopping = true;
    const t0 = Date.now();
    this.proc.kill(signal);
    const timer = sleep(timeoutMs).then(() => null);
    const info = await Promise.race([this.proc.exitInfo, timer]);
    if (!info) {
      this.proc.kill('SIGKILL');
      await this.proc.exitInfo;
      throw new Error(`${this.name} did not exit within ${timeoutMs} ms of ${signal}\n${this.tail()}`);
    }
    return { ...info, ms: Date.now() - t0 };
  }

  kill(signal = 'SIGKILL') {
    return this.stop(signal);
  }

  /** Restart on the same database (new port). */
  async restart() {
    await this.stop();
    return this.start();
  }

  req(o) {
    return request({ port: this.port, ...o });
  }

  get(p, o = {}) {
    return this.req({ method: 'GET', path: p, ...o });
  }

  post(p, body, o = {}) {
    return this.req({ method: 'POST', path: p, body, ...o });
  }

  del(p, o = {}) {
    return this.req({ method: 'DELETE', path: p, ...o });
  }

  /** GET /articles/{id} until status is one of `want`; the record. */
  async waitStatus(id, want = ['ready', 'failed'], timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs * SCALE;
    let last;
    while (Date.now() < deadline) {
      const r = await this.get(`/articles/${id}`);
      if (r.status !== 200) throw new Error(`GET /articles/${id} -> ${r.status}: ${r.text}`);
      last = r.json();
      // a ready record being refreshed stays ready: done means no pending job too
      const transient = want.includes('queued') || want.includes('fetching');
      if (want.includes(last.status) && (transient || !last.job)) return last;
      await sleep(100);
    }
    throw new Error(`record ${id} still ${last?.status} after ${timeoutMs} ms (want ${want})`);
  }

  /** Wait until no record is queued or fetching, nor (on the newest page) has a pending job. */
  async settle(timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs * SCALE;
    for (;;) {
      const busy = [];
      for (const s of ['queued', 'fetching']) {
        const r = await this.get(`/articles?status=${s}&limit=100`);
        busy.push(...r.json().items.map((x) => x.id));
      }
      const all = await this.get('/articles?limit=100');
      busy.push(...all.json().items.filter((x) => x.job).map((x) => x.id));
      if (!busy.length) return;
      if (Date.now() > deadline) throw new Error(`records still busy: ${busy}`);
      await sleep(100);
    }
  }

  /** Every record, following next_cursor (pages of `limit`). */
  async listAll(query = '', limit = 100) {
    const items = [];
    let cursor = null;
    for (let page = 0; page < 1000; page++) {
      const qs = new URLSearchParams(query);
      qs.set('limit', String(limit));
      if (cursor) qs.set('cursor', cursor);
      const r = await this.get(`/articles?${qs}`);
      if (r.status !== 200) throw new Error(`list -> ${r.status}: ${r.text}`);
      const doc = r.json();
      items.push(...doc.items);
      cursor = doc.next_cursor;
      if (!cursor) return items;
    }
    throw new Error('listAll: more than 1000 pages');
  }

  /** sha256 of `sqlite3 DB .dump` or `pg_dump --data-only` (null when the CLI is missing). */
  dumpHash() {
    try {
      const out = PG ? execFileSync('pg_dump', ['--data-only', '--restrict-key=skimdtest', this.db], { maxBuffer: 256 << 20 })
        : execFileSync('sqlite3', [this.db, '.dump'], { maxBuffer: 256 << 20 });
      return createHash('sha256').update(out).digest('hex');
    } catch (e) {
      if (e.code === 'ENOENT') return null;
      throw e;
    }
  }

  /** Database state: dump hash + the full listing (ids, statuses, updated_at). */
  async snapshot() {
    const items = await this.listAll();
    return {
      dump: this.dumpHash(),
      list: items.map((r) => `${r.id}:${r.status}:${r.updated_at}:${JSON.stringify(r.tags)}`).join(','),
    };
  }

  cleanupFiles() {
    for (const ext of ['', '-wal', '-shm']) rmSync(this.db + ext, { force: true });
  }
}

export function cleanupTmp() {
  rmSync(TMP, { recursive: true, force: true });
}
