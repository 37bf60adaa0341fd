// runner.mjs -- a tiny sequential test runner: test(name, fn) registers,
// run() executes in order, prints one line per test and closes with
// "N passed, N failed". Teardown hooks run last, whatever happened.
const tests = [];
const teardowns = [];

export const SCALE = Number(process.env.SKIMD_TEST_TIMEOUT_SCALE || 1);

/** Register a test. opts.timeout in ms (scaled by SKIMD_TEST_TIMEOUT_SCALE). */
export function test(name, fn, opts = {}) {
  tests.push({ name, fn, timeout: (opts.timeout ?? 30000) * SCALE });
}

/** Register a cleanup run after all tests (LIFO). May itself fail. */
export function teardown(name, fn) {
  teardowns.push({ name, fn });
}

function withTimeout(p, ms, name) {
  let t;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise((_, rej) => {
      t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${name}`)), ms);
    }),
  ]);
}

export async function run({ filter } = {}) {
  let passed = 0, failed = 0, n = 0;
  const failures = [];
  const report = (ok, name, ms, err) => {
    n++;
    if (ok) {
      passed++;
      console.log(`ok ${n} - ${name} (${ms} ms)`);
    } else {
      failed++;
      failures.push(name);
      console.log(`not ok ${n} - ${name} (${ms} ms)`);
      const text = (err && (err.stack || String(err))) || 'failed';
      for (const line of text.split('\n').slice(0, 25)) console.log('    ' + line);
    }
  };
  for (const t of tests) {
    if (filter && !t.name.includes(filter)) continue;
    const t0 = Date.now();
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeout, t.name);
      report(true, t.name, Date.now() - t0);
    } catch (e) {
      report(false, t.name, Date.now() - t0, e);
    }
  }
  for (const td of teardowns.reverse()) {
    const t0 = Date.now();
    try {
      await withTimeout(Promise.resolve().then(td.fn), 60000 * SCALE, td.name);
      report(true, td.name, Date.now() - t0);
    } catch (e) {
      report(false, td.name, Date.now() - t0, e);
    }
  }
  if (failures.length) {
    console.log('failed:');
    for (const f of failures) console.log('  - ' + f);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}
