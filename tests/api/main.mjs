// main.mjs -- the API suite: every *.test.mjs in a fixed order, then the
// teardown checks; prints "N passed, N failed" and exits 1 on any failure.
// Usage: node main.mjs [--filter TEXT]   (env SKIMD_BIN, default build/skimd)
import { run } from './lib/runner.mjs';
import { SKIMD_BIN } from './lib/daemon.mjs';

const args = process.argv.slice(2);
const fi = args.indexOf('--filter');
const filter = fi >= 0 ? args[fi + 1] : process.env.SKIMD_TEST_FILTER;

console.log(`# skimd API tests against ${SKIMD_BIN}`);
for (const f of ['system', 'articles', 'content', 'failures', 'badinput', 'authcors', 'ssrf', 'restart', 'retag', 'idf', 'seed', 'webhooks', 'transfer', 'polite', 'conditional', 'feeds', 'webhookfile'])
  await import(`./${f}.test.mjs`);

const failed = await run({ filter });
process.exit(failed ? 1 : 0);
