// webhooks.test.mjs -- subscriptions and deliveries (README "Webhooks"):
// the API's rules (bad bodies, the SSRF guard on targets at creation and
// at delivery, API keys, secrets shown once), every event (ready, failed,
// refreshed, deleted) delivered signed and exactly once per webhook-id
// to a receiver that refuses the first attempts, and an event whose
// delivery was cut by SIGKILL delivered after the restart. The receiver
// (lib/receiver.mjs) checks signatures with node's own HMAC; waits are on
// its events. Retries use --webhook-retry-ms 20 so they come quickly.
import { test } from './lib/runner.mjs';
import { eq, ok } from './lib/assert.mjs';
import { daemon, newFixture, unique } from './lib/shared.mjs';
import { expectProblem, expectRecord } from './lib/check.mjs';
import { articlePage } from './lib/fixture.mjs';
import { assertSchema } from './lib/spec.mjs';
import { Receiver } from './lib/receiver.mjs';
import { teardown } from './lib/runner.mjs';

const FAST = ['--webhook-retry-ms', '20'];
const receivers = [];
teardown('cleanup: webhook receivers', () => Promise.all(receivers.map((r) => r.close())));

async function receiver(opts) {
  const r = await new Receiver(opts).start();
  receivers.push(r);
  return r;
}

/** Subscribe r to events (all when undefined); the receiver learns the secret. */
async function subscribe(d, r, events) {
  const res = await d.post('/webhooks', events ? { url: r.url, events } : { url: r.url });
  eq(res.status, 201, `subscribe -> ${res.text}`);
  const hook = res.json();
  eq(res.headers.location, `/webhooks/${hook.id}`, 'Location');
  r.secret = hook.secret;
  return hook;
}

/** A ready record from a pushed page. */
async function ready(d, slug = unique('wh')) {
  const url = `http://pages.skimd.test/${slug}`;
  const rec = expectRecord(await d.post('/articles?wait=10', { url, html: articlePage(slug) }), 201, 'submit');
  eq(rec.status, 'ready', 'record ready');
  return rec;
}

async function deliveries(d, hookId) {
  const res = await d.get(`/webhooks/${hookId}/deliveries?limit=100`);
  eq(res.status, 200, `deliveries -> ${res.text}`);
  return res.json().items;
}

/** The deliveries once none is pending: the receiver's 2xx is sent before
 * the daemon records it, so the list is read again until it has. */
async function settled(d, hookId, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const items = await deliveries(d, hookId);
    if (items.length && items.every((x) => x.state !== 'pending')) return items;
    if (Date.now() > deadline) return items;
    await new Promise((res) => setTimeout(res, 50));
  }
}

test('webhooks: bad subscriptions are refused, nothing is stored', async () => {
  const d = await daemon({ name: 'wh-rules', workers: 1 });
  const r = await receiver();
  const bad = [
    [{}, 400, 'invalid-url'],
    [{ url: 'ftp://127.0.0.1/x' }, 400, 'invalid-url'],
    [{ url: 42 }, 400, 'invalid-body'],
    [{ url: r.url, events: [] }, 400, 'invalid-body'],
    [{ url: r.url, events: ['article.created'] }, 400, 'invalid-body'],
    [{ url: r.url, events: ['article.ready', 'article.ready'] }, 400, 'invalid-body'],
    [{ url: r.url, secret: 'hunter2' }, 400, 'invalid-body'],
    [{ url: r.url, secret: 'whsec_c2hvcnQ=' }, 400, 'invalid-body'],
    [{ url: r.url, hmm: 1 }, 400, 'invalid-body'],
    [{ url: r.url, description: 'x'.repeat(201) }, 400, 'invalid-body'],
    // the guard is on: a loopback target is refused like a loopback page
    [{ url: r.url }, 422, 'refused-address'],
    [{ url: 'http://[::1]:9/x' }, 422, 'refused-address'],
    [{ url: 'http://169.254.169.254/latest' }, 422, 'refused-address'],
    [{ url: 'http://10.1.2.3/x' }, 422, 'refused-address'],
  ];
  for (const [body, status, slug] of bad)
    expectProblem(await d.post('/webhooks', body), status, slug, JSON.stringify(body));
  expectProblem(await d.post('/webhooks', 'not json', { headers: { 'Content-Type': 'application/json' } }),
    400, 'invalid-json', 'not json');
  expectProblem(await d.post('/webhooks', '{"url":"x"}', { headers: { 'Content-Type': 'text/plain' } }),
    415, 'unsupported-media-type', 'text/plain');
  eq((await d.get('/webhooks')).json().items, [], 'nothing subscribed');
  expectProblem(await d.get('/webhooks/1'), 404, 'not-found', 'GET /webhooks/1');
  expectProblem(await d.get('/webhooks/1/deliveries'), 404, 'not-found', 'deliveries of none');
  expectProblem(await d.get('/webhooks/abc'), 400, 'invalid-parameter', 'bad id');
  expectProblem(await d.del('/webhooks/7'), 404, 'not-found', 'DELETE none');
});

test('webhooks: --allow-host lets one target through; the secret is shown once; keys guard writes', async () => {
  const r = await receiver();
  const KEY = 'wh-key-' + unique('k');
  const d = await daemon({ name: 'wh-crud', workers: 1, args: ['--allow-host', `127.0.0.1:${r.port}`, '--api-key', KEY] });
  const auth = { headers: { Authorization: `Bearer ${KEY}` } };
  expectProblem(await d.post('/webhooks', { url: r.url }), 401, 'unauthorized', 'no key');
  const mine = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
  const made = await d.post('/webhooks', { url: r.url, events: ['article.deleted'], secret: mine, description: 'crm' }, auth);
  eq(made.status, 201, `create -> ${made.text}`);
  assertSchema('WebhookCreated', made.json());
  eq(made.json().secret, mine, 'the given secret is kept');
  const gen = (await d.post('/webhooks', { url: r.url + '?b=1' }, auth)).json();
  ok(/^whsec_[A-Za-z0-9+/]{32}$/.test(gen.secret), `a secret is made: ${gen.secret}`);
  eq(gen.events, ['article.ready', 'article.failed', 'article.refreshed', 'article.deleted'], 'all events by default');
  const list = (await d.get('/webhooks')).json().items;
  eq(list.map((h) => h.id), [made.json().id, gen.id], 'listed oldest first');
  ok(list.every((h) => !('secret' in h)), 'no secret in the list');
  ok(!('secret' in (await d.get(`/webhooks/${gen.id}`)).json()), 'no secret in GET');
  // another loopback port is not the allowed origin
  expectProblem(await d.post('/webhooks', { url: `http://127.0.0.1:${r.port + 1}/x` }, auth), 422, 'refused-address', 'other port');
  expectProblem(await d.del(`/webhooks/${gen.id}`), 401, 'unauthorized', 'delete without key');
  eq((await d.del(`/webhooks/${gen.id}`, auth)).status, 204, 'deleted');
  expectProblem(await d.get(`/webhooks/${gen.id}`), 404, 'not-found', 'gone');
  // the allowed target gets its event
  r.secret = mine;
  const rec = expectRecord(await d.post('/articles?wait=10', { url: 'http://pages.skimd.test/crud', html: articlePage('crud') }, auth), 201, 'submit');
  eq((await d.del(`/articles/${rec.id}`, auth)).status, 204, 'article deleted');
  await r.until(() => r.acked.size === 1, 'the delete event');
  const p = r.payloads()[0];
  eq(p.type, 'article.deleted', 'type');
  eq(p.data, { id: rec.id }, 'data');
  ok(r.requests.every((x) => x.verified && x.method === 'POST' && x.contentType === 'application/json'), 'signed JSON POSTs');
});

test('webhooks: ready, failed, refreshed and deleted arrive signed, exactly once per id after refused attempts', async () => {
  const f = await newFixture();
  const r = await receiver({ failFirst: 2 });
  const rd = await receiver();
  const d = await daemon({ name: 'wh-events', workers: 1, fetchTimeout: 5, args: ['--allow-private-webhooks', ...FAST] });
  const all = await subscribe(d, r);
  const onlyDel = await subscribe(d, rd, ['article.deleted']);
  const a = await ready(d);
  const failed = expectRecord(await d.post('/articles?wait=10', { url: f.url(`/missing?k=${unique('m')}`) }), 201, 'failing submit');
  eq(failed.status, 'failed', 'failed record');
  const refreshed = await d.post(`/articles/${a.id}/refresh?wait=10`);
  ok([201, 202].includes(refreshed.status), `refresh -> ${refreshed.status}`);
  await d.waitStatus(a.id, ['ready']);
  eq((await d.del(`/articles/${a.id}`)).status, 204, 'delete');

  await r.until(() => r.acked.size === 4, 'four events acknowledged');
  await rd.until(() => rd.acked.size === 1, 'the delete event for the delete-only subscription');
  for (const [id, n] of r.acked) eq(n, 1, `${id} acknowledged once`);
  ok(r.requests.every((x) => x.verified), 'every attempt carries a valid signature');
  for (const id of r.acked.keys())
    eq(r.requests.filter((x) => x.id === id).map((x) => x.status), [500, 500, 204], `${id}: two refused, then delivered`);
  const got = r.payloads();
  for (const p of got) assertSchema('WebhookPayload', p);
  const byType = Object.fromEntries(got.map((p) => [p.type, p]));
  eq(Object.keys(byType).sort(), ['article.deleted', 'article.failed', 'article.ready', 'article.refreshed'], 'event types');
  eq(byType['article.ready'].data.id, a.id, 'ready: the record');
  eq(byType['article.ready'].data.status, 'ready', 'ready: its status');
  eq(byType['article.failed'].data.id, failed.id, 'failed: the record');
  eq(byType['article.failed'].data.error.code, 'http_404', 'failed: why');
  eq(byType['article.refreshed'].data.id, a.id, 'refreshed: the record');
  eq(byType['article.deleted'].data, { id: a.id }, 'deleted: the id');
  eq(rd.payloads().map((p) => p.type), ['article.deleted'], 'the delete-only subscription got only the delete');
  // the same body on every retry, the timestamp header current
  for (const id of r.acked.keys()) {
    const bodies = new Set(r.requests.filter((x) => x.id === id).map((x) => x.body));
    eq(bodies.size, 1, `${id}: one body for all attempts`);
  }
  const items = await settled(d, all.id);
  eq(items.length, 4, 'four deliveries listed');
  for (const it of items) {
    eq(it.state, 'delivered', `${it.id} state`);
    eq(it.attempts, 3, `${it.id} attempts`);
    eq(it.attempt_log.map((x) => x.status_code), [500, 500, 204], `${it.id} status codes`);
    eq(it.next_attempt_at, null, `${it.id} no next attempt`);
    ok(r.acked.has(it.id), `${it.id} is a webhook-id the receiver saw`);
  }
  eq((await settled(d, onlyDel.id)).map((x) => x.event), ['article.deleted'], 'delete-only deliveries');
  const metrics = (await d.get('/metrics')).text;
  ok(/^skimd_webhook_deliveries\{state="delivered"\} 5$/m.test(metrics) &&
     /^skimd_webhook_deliveries\{state="pending"\} 0$/m.test(metrics), 'metrics: 5 delivered, 0 pending');
  // paging
  const p1 = (await d.get(`/webhooks/${all.id}/deliveries?limit=3`)).json();
  eq(p1.items.length, 3, 'page 1');
  const p2 = (await d.get(`/webhooks/${all.id}/deliveries?limit=3&cursor=${encodeURIComponent(p1.next_cursor)}`)).json();
  eq(p2.items.length, 1, 'page 2');
  eq(p2.next_cursor, null, 'last page');
}, { timeout: 90000 });

test('webhooks: an event whose delivery SIGKILL cut short is delivered after the restart', async () => {
  const r = await receiver({ hold: true });
  const d = await daemon({ name: 'wh-kill', workers: 1, args: ['--allow-private-webhooks', ...FAST] });
  const hook = await subscribe(d, r, ['article.ready']);
  const rec = await ready(d);
  // the change is committed and its delivery is in flight, unanswered
  await r.until(() => r.held.length === 1, 'the delivery arrives and is held');
  const id = r.requests[0].id;
  const k = await d.stop('SIGKILL');
  eq(k.signal, 'SIGKILL', 'killed');
  r.drop();
  eq(r.acked.size, 0, 'nothing acknowledged before the kill');
  await d.start();
  await r.until(() => r.acked.get(id) === 1, 'the same webhook-id delivered after the restart');
  ok(r.requests.length >= 2, 'sent again');
  ok(r.requests.every((x) => x.id === id && x.verified), 'the same id, signed');
  eq(r.payloads()[0].data.id, rec.id, 'the record');
  const items = await settled(d, hook.id);
  eq(items.length, 1, 'one delivery');
  eq(items[0].state, 'delivered', 'delivered');
}, { timeout: 90000 });

test('webhooks: the guard is applied again at delivery; a delivery past --webhook-max-age is dead', async () => {
  const r = await receiver();
  const d = await daemon({ name: 'wh-guard', workers: 1, args: ['--allow-private-webhooks', ...FAST] });
  const hook = await subscribe(d, r, ['article.ready']);
  await d.stop('SIGTERM');
  // the same database without the flag: the loopback target is refused now
  d.opts.args = ['--webhook-max-age', '0', ...FAST];
  await d.start();
  await ready(d);
  const items = await settled(d, hook.id);
  eq(items[0]?.state, 'dead', `dead after one refused attempt: ${JSON.stringify(items)}`);
  eq(items[0].attempts, 1, 'one attempt');
  ok(/refused|loopback/.test(items[0].last_error), `why: ${items[0].last_error}`);
  eq(items[0].last_status_code, null, 'no HTTP answer');
  eq(r.requests.length, 0, 'nothing reached the receiver');
}, { timeout: 60000 });
