// main.mjs -- the browser suite: every *.test.mjs in order (later files use
// records the save tests made), then the teardown; prints "N passed, N
// failed" and exits 1 on any failure.
// Usage: node main.mjs [--filter TEXT]   (env SKIMD_BIN, default build/skimd)
import { run } from '../api/lib/runner.mjs';

const args = process.argv.slice(2);
const fi = args.indexOf('--filter');
const filter = fi >= 0 ? args[fi + 1] : process.env.SKIMD_TEST_FILTER;

console.log(`# skimd browser tests against ${process.env.SKIMD_BIN || 'build/skimd'}`);
await import('./lib/env.mjs');
for (const f of ['save', 'browse', 'record', 'auth', 'i18n', 'hostile']) await import(`./${f}.test.mjs`);

const failed = await run({ filter });
process.exit(failed ? 1 : 0);
