// retag.test.mjs -- changing the taxonomy and restarting re-tags stored
// articles from their stored text, without fetching them again; the
// client's own tags survive.
import { test } from './lib/runner.mjs';
import { eq, ok, sleep } from './lib/assert.mjs';
import { daemon, newFixture } from './lib/shared.mjs';
import { expectRecord } from './lib/check.mjs';

test('retag: a new taxonomy at restart re-tags stored articles, nothing fetched, user tags kept', async () => {
  const f = await newFixture();
  const d = await daemon({ name: 'retag', workers: 1, fetchTimeout: 5,
    args: ['--taxonomy', 'tests/taxonomy/good.json'] });
  const rec = expectRecord(await d.post('/articles?wait=10', { url: f.url('/seed.html'), tags: ['mine'] }), 201, 'submit');
  eq(rec.status, 'ready', 'status');
  const small = rec.tags.technology || [];
  ok(small.includes('大模型'), `small taxonomy tags 大模型 (${JSON.stringify(rec.tags)})`);
  ok(!small.includes('ChatGPT'), 'the small taxonomy has no ChatGPT tag');
  const hits = f.hitCount('/seed.html');
  await d.stop('SIGTERM');
  d.opts.args = [];                                   // the shipped taxonomy
  await d.start();
  let now = null;
  for (let i = 0; i < 100; i++) {
    now = (await d.get(`/articles/${rec.id}`)).json();
    if ((now.tags.technology || []).includes('ChatGPT')) break;
    await sleep(100);
  }
  ok((now.tags.technology || []).includes('ChatGPT'), `re-tagged with the shipped taxonomy (${JSON.stringify(now.tags)})`);
  eq(JSON.stringify(now.tags.user), JSON.stringify(['mine']), 'client tags kept');
  eq(f.hitCount('/seed.html'), hits, 'nothing fetched again');
  ok((await d.get('/articles?tag=ChatGPT')).json().items.some((x) => x.id === rec.id), 'new tag queryable');
}, { timeout: 60000 });
