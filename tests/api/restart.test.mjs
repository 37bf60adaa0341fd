// restart.test.mjs -- nothing submitted is lost across a restart: records
// survive SIGTERM + start on the same database, and jobs left queued (one
// worker busy on a slow page while others wait) finish after the restart.
import { test } from './lib/runner.mjs';
import { eq, ok, sleep } from './lib/assert.mjs';
import { daemon, newFixture, unique } from './lib/shared.mjs';
import { expectRecord } from './lib/check.mjs';

test('restart: a ready record is still there after SIGTERM and a start on the same database', async () => {
  const f = await newFixture();
  const d = await daemon({ name: 'restart-a', workers: 1, fetchTimeout: 5 });
  const rec = expectRecord(await d.post('/articles?wait=10', { url: f.url('/seed.html'), tags: ['keep-me'] }), 201, 'submit');
  eq(rec.status, 'ready', `status (${JSON.stringify(rec.error)})`);
  const stop = await d.stop('SIGTERM');
  eq(stop.code, 0, `exit code after SIGTERM (${JSON.stringify(stop)})`);
  await d.start();
  const again = expectRecord(await d.get(`/articles/${rec.id}`), 200, 'after restart');
  for (const k of ['id', 'url', 'normalized_url', 'status', 'title', 'tags', 'keywords', 'summary', 'created_at'])
    eq(again[k], rec[k], k);
  ok((await d.get(`/articles?q=${encodeURIComponent('大模型')}`)).json().items.some((x) => x.id === rec.id), 'searchable after restart');
  ok((await d.get('/articles?tag=keep-me')).json().items.some((x) => x.id === rec.id), 'tag filter after restart');
  // The same URL is still deduplicated: the store, not memory, knows it.
  eq(expectRecord(await d.post('/articles', { url: f.url('/seed.html#again') }), 200, 'dedupe after restart').id, rec.id, 'same id');
  const next = expectRecord(await d.post('/articles?wait=10', { url: f.url(`/gen/${unique('n')}`) }), 201, 'new after restart');
  ok(next.id > rec.id, `ids keep growing (${next.id} > ${rec.id})`);
}, { timeout: 60000 });

test('restart: jobs left queued behind a busy worker finish after the restart', async () => {
  const f = await newFixture();
  const d = await daemon({ name: 'restart-b', workers: 1, fetchTimeout: 8 });
  const slow = expectRecord(await d.post('/articles', { url: f.url(`/slow?ms=30000&k=${unique('s')}`) }), 202, 'slow');
  // Let the single worker pick up the slow job.
  for (let i = 0; i < 50; i++) {
    if ((await d.get(`/articles/${slow.id}`)).json().status === 'fetching') break;
    await sleep(100);
  }
  const waiting = [];
  for (let i = 0; i < 3; i++) {
    const slug = unique('q');
    const rec = expectRecord(await d.post('/articles', { url: f.url(`/gen/${slug}`) }), 202, 'queued');
    waiting.push({ id: rec.id, path: `/gen/${slug}` });
  }
  for (const w of waiting) {
    const r = (await d.get(`/articles/${w.id}`)).json();
    eq(r.status, 'queued', `record ${w.id} waits behind the busy worker`);
  }
  const stop = await d.stop('SIGTERM');
  eq(stop.code, 0, `exit code after SIGTERM (${JSON.stringify(stop)})`);
  for (const w of waiting) eq(f.hitCount(w.path), 0, `${w.path} not fetched before the stop`);
  await d.start();
  for (const w of waiting) {
    const r = await d.waitStatus(w.id, ['ready', 'failed'], 30000);
    eq(r.status, 'ready', `record ${w.id} after restart (${JSON.stringify(r.error)})`);
    eq(f.hitCount(w.path), 1, `${w.path} fetched once`);
  }
  const s = await d.waitStatus(slow.id, ['ready', 'failed'], 30000);
  eq(s.status, 'failed', 'slow job ends');
  eq(s.error?.code, 'fetch_timeout', 'slow job reason');
  const stuck = (await d.listAll()).filter((x) => x.status === 'queued' || x.status === 'fetching');
  eq(stuck.map((x) => x.id), [], 'nothing left queued or fetching');
}, { timeout: 90000 });

test('SIGTERM while a ?wait= request is parked: the client still gets an answer, exit 0', async () => {
  const f = await newFixture();
  const d = await daemon({ name: 'restart-c', workers: 1, fetchTimeout: 10 });
  const pending = d.post('/articles?wait=30', { url: f.url(`/slow?ms=20000&k=${unique('t')}`) }, { timeout: 40000 })
    .then((r) => ({ r }), (e) => ({ e }));
  for (let i = 0; i < 50 && f.totalHits() === 0; i++) await sleep(100);
  eq(f.totalHits(), 1, 'the slow page is being fetched');
  const stop = await d.stop('SIGTERM');
  const { r, e } = await pending;
  ok(!e, `the parked request got no answer: ${e && e.message}`);
  ok([201, 202, 503].includes(r.status), `answer ${r.status}: ${r.text.slice(0, 200)}`);
  eq(stop.code, 0, `exit code after SIGTERM (${JSON.stringify(stop)})`);
  await d.start();
  const list = await d.listAll();
  eq(list.length, 1, 'the submitted record is kept');
  ok(['queued', 'fetching', 'failed', 'ready'].includes(list[0].status), `status ${list[0].status}`);
}, { timeout: 90000 });
