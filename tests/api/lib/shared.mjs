// shared.mjs -- resources shared across test files: the fixture server and
// daemons, created on first use; at the end every daemon must still be
// alive (never crashed) and must exit 0 on SIGTERM.
import { Daemon, cleanupTmp } from './daemon.mjs';
import { startFixture } from './fixture.mjs';
import { teardown } from './runner.mjs';

const daemons = new Map();
const fixtures = [];

/** Start a daemon (registered for the final crash/clean-stop check). */
export async function daemon(opts) {
  const d = new Daemon(opts);
  await d.start();
  daemons.set(d.name, d);
  return d;
}

/** One daemon per key, started on first use. */
const lazy = new Map();
export function sharedDaemon(key, opts) {
  if (!lazy.has(key)) {
    const p = daemon({ name: key, ...opts });
    lazy.set(key, p);
    p.catch(() => lazy.delete(key));
  }
  return lazy.get(key);
}

/** The general-purpose daemon: guard off, 2 workers, short timeouts. */
export function mainDaemon() {
  return sharedDaemon('main', { workers: 2, fetchTimeout: 2, maxPageBytes: 262144 });
}

let fixtureP = null;
/** The shared fixture server (127.0.0.1 only). */
export function fixture() {
  if (!fixtureP) fixtureP = startFixture().then((f) => (fixtures.push(f), f));
  return fixtureP;
}

export async function newFixture(extraHosts = []) {
  const f = await startFixture(extraHosts);
  fixtures.push(f);
  return f;
}

let uniq = 0;
/** A name unique within this run. */
export function unique(prefix = 'u') {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++uniq}`;
}

teardown('cleanup: fixture servers and temp files', async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  cleanupTmp();
});

teardown('every daemon stayed up during its tests and stops cleanly on SIGTERM', async () => {
  const problems = [];
  for (const d of daemons.values()) {
    if (d.crashed) {
      problems.push(`${d.name} exited on its own: ${JSON.stringify(d.crashed)}\n${d.tail(15)}`);
      continue;
    }
    if (!d.alive) continue;
    try {
      const info = await d.stop('SIGTERM');
      if (info.code !== 0) problems.push(`${d.name}: SIGTERM -> exit ${JSON.stringify(info)}\n${d.tail(10)}`);
    } catch (e) {
      problems.push(e.message);
    }
  }
  // Sanitizer builds report on stderr (leaks at exit): any report fails.
  for (const d of daemons.values()) {
    const m = /((ERROR|WARNING): (Address|Leak|Thread|Memory)Sanitizer.*|runtime error:.*)/.exec(d.logText());
    if (m) problems.push(`${d.name}: sanitizer report: ${m[0]}\n${d.logText().slice(m.index, m.index + 1500)}`);
  }
  if (problems.length) throw new Error(problems.join('\n'));
});
