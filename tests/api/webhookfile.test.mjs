// webhookfile.test.mjs -- --webhooks-file (README "Webhooks"): the file's
// subscriptions appear at start and deliver signed with the file's
// secret; a restart with a changed file replaces them while a
// subscription made through the API stays; a bad file stops the start
// (exit 2) before a database is created; a refused target stops it too.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, teardown } from './lib/runner.mjs';
import { eq, ok } from './lib/assert.mjs';
import { daemon, unique } from './lib/shared.mjs';
import { expectRecord } from './lib/check.mjs';
import { articlePage } from './lib/fixture.mjs';
import { Receiver } from './lib/receiver.mjs';
import { SKIMD_BIN, TMP, freePort } from './lib/daemon.mjs';

const receivers = [];
teardown('cleanup: webhook file receivers', () => Promise.all(receivers.map((r) => r.close())));
const SECRET = 'whsec_' + Buffer.alloc(24, 9).toString('base64');

function hooksFile(entries) {
  const p = path.join(TMP, `${unique('hooks')}.json`);
  writeFileSync(p, JSON.stringify({ webhooks: entries }));
  return p;
}

test('--webhooks-file: subscriptions from the file deliver with its secret and follow the file across restarts', async () => {
  const r = await new Receiver().start();
  receivers.push(r);
  r.secret = SECRET;
  const file = hooksFile([{ url: r.url, events: ['article.ready'], secret: SECRET, description: 'from file' }]);
  const d = await daemon({ name: 'wh-file', workers: 1, args: ['--allow-private-webhooks', '--webhooks-file', file] });
  const hooks = (await d.get('/webhooks')).json().items;
  eq(hooks.map((h) => [h.url, h.events, h.description]), [[r.url, ['article.ready'], 'from file']], 'the file subscription');
  const rec = expectRecord(await d.post('/articles?wait=10', { url: `http://pages.skimd.test/${unique('wf')}`, html: articlePage('wf') }), 201, 'submit');
  await r.until(() => r.acked.size === 1, 'the ready event');
  ok(r.requests.every((x) => x.verified), 'signed with the file secret');
  eq(r.payloads()[0].data.id, rec.id, 'the record');
  // an API subscription, then a restart with another file
  const api = await d.post('/webhooks', { url: r.url + '?api=1', events: ['article.deleted'] });
  eq(api.status, 201, `api subscription -> ${api.text}`);
  writeFileSync(file, JSON.stringify({ webhooks: [{ url: r.url + '?v=2', secret: SECRET }] }));
  await d.restart();
  const after = (await d.get('/webhooks')).json().items;
  eq(after.map((h) => h.url).sort(), [r.url + '?api=1', r.url + '?v=2'].sort(), 'file entry replaced, API one kept');
  eq(after.find((h) => h.url === r.url + '?v=2').events.length, 4, 'all events when the file names none');
  // the same file again: nothing changes (same ids)
  await d.restart();
  eq((await d.get('/webhooks')).json().items.map((h) => h.id), after.map((h) => h.id), 'stable across restarts');
}, { timeout: 60000 });

test('--webhooks-file: a bad file exits 2 with no database; a refused target exits 1', async () => {
  for (const body of ['{"webhooks": [{"url": "http://x.example/"}]}', 'not json', '{"webhooks": [{"url": "https://x.example/", "secret": "whsec_x"}]}']) {
    const file = path.join(TMP, `${unique('bad')}.json`);
    writeFileSync(file, body);
    const db = path.join(TMP, `${unique('none')}.db`);
    const p = spawnSync(SKIMD_BIN, ['serve', '--listen', '127.0.0.1:1', '--db', db, '--webhooks-file', file], { encoding: 'utf8', timeout: 20000 });
    eq(p.status, 2, `${body}: exit 2 (${p.stderr.trim()})`);
    ok(/--webhooks-file/.test(p.stderr), 'the message names the flag');
    ok(!existsSync(db), 'no database created');
  }
  // the guard applies to the file's targets (no --allow-private-webhooks)
  const file = hooksFile([{ url: 'http://127.0.0.1:9/hook', secret: SECRET }]);
  const db = path.join(TMP, `${unique('guard')}.db`);
  const port = await freePort();
  const p = spawnSync(SKIMD_BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--webhooks-file', file], { encoding: 'utf8', timeout: 20000 });
  eq(p.status, 1, `a loopback target: exit 1 (${p.stderr.trim().slice(-300)})`);
  ok(/refused/.test(p.stderr), 'the reason is the guard');
}, { timeout: 60000 });
