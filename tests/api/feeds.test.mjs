// feeds.test.mjs -- feed subscriptions (README "Feeds"): RSS, Atom and
// JSON Feed documents served by a loopback server (CDATA, relative links,
// entities, a GBK-encoded RSS), each item submitted once as an article
// with feed_id and found with ?feed=; a conditional poll answered 304;
// new items between polls; a malformed feed, a DOCTYPE (XXE) and a
// refused address end in the error state with a backoff, never a crash.
// Polls are asked for with POST /feeds/{id}/poll and waited for on the
// feed's own poll counter, never by sleeping.
import http from 'node:http';
import { test, teardown } from './lib/runner.mjs';
import { eq, ok, sleep } from './lib/assert.mjs';
import { daemon, unique } from './lib/shared.mjs';
import { expectProblem } from './lib/check.mjs';
import { articlePage } from './lib/fixture.mjs';
import { assertSchema } from './lib/spec.mjs';

class FeedServer {
  constructor() {
    this.docs = new Map();      // path -> {type, body (Buffer|string), etag}
    this.log = [];
  }

  start() {
    this.srv = http.createServer((req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      this.log.push({ path, inm: req.headers['if-none-match'] || null });
      const d = this.docs.get(path);
      if (d) {
        if (d.etag && req.headers['if-none-match'] === d.etag) {
          res.writeHead(304, { ETag: d.etag });
          return res.end();
        }
        res.writeHead(200, { 'Content-Type': d.type, ...(d.etag ? { ETag: d.etag } : {}) });
        return res.end(d.body);
      }
      if (path.startsWith('/p/')) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return res.end(articlePage(path.slice(3).replace(/\W/g, '')));
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('none');
    });
    return new Promise((resolve) => this.srv.listen(0, '127.0.0.1', () => {
      this.port = this.srv.address().port;
      resolve(this);
    }));
  }

  url(p) {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  close() {
    return new Promise((r) => this.srv.close(() => r()));
  }
}

let srvP = null;
function server() {
  if (!srvP) {
    srvP = new FeedServer().start();
    teardown('cleanup: feed server', async () => (await srvP).close());
  }
  return srvP;
}

let dP = null;
function feedDaemon() {
  if (!dP) dP = daemon({ name: 'feeds', workers: 2, args: ['--feed-min-interval', '1'] });
  return dP;
}

/** GET /feeds/{id} until its poll counter reaches n. */
async function polled(d, id, n, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const f = (await d.get(`/feeds/${id}`)).json();
    if (f.polls >= n) return f;
    if (Date.now() > deadline) throw new Error(`feed ${id}: ${f.polls} polls, waiting for ${n}`);
    await sleep(25);
  }
}

async function subscribe(d, url, extra = {}) {
  const r = await d.post('/feeds', { url, interval_seconds: 3600, ...extra });
  eq(r.status, 201, `subscribe ${url} -> ${r.text}`);
  assertSchema('Feed', r.json());
  eq(r.headers.location, `/feeds/${r.json().id}`, 'Location');
  return r.json();
}

async function feedArticles(d, id) {
  const r = await d.get(`/articles?feed=${id}&limit=100`);
  eq(r.status, 200, `?feed= -> ${r.text}`);
  return r.json().items;
}

const rss = (base, items) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Fixture &amp; Co</title>
${items.map((i) => `<item><title><![CDATA[${i.title}]]></title><link>${i.link}</link></item>`).join('\n')}
</channel></rss>`;

test('feeds: RSS (CDATA, entities, relative links) -> one article per item with feed_id, ?feed= finds them', async () => {
  const s = await server();
  const d = await feedDaemon();
  const slug = unique('rss');
  s.docs.set(`/f/${slug}.xml`, { type: 'application/rss+xml', etag: '"r1"', body: rss('', [
    { title: 'One <b>bold</b> & more', link: `/p/${slug}-1` },
    { title: 'Two', link: `../p/${slug}-2?a=1&amp;b=2` },
    { title: 'Dup', link: s.url(`/p/${slug}-1`) },
  ]) });
  const f = await subscribe(d, s.url(`/f/${slug}.xml`));
  ok(['new', 'ok'].includes(f.status), `status before or just after the first poll: ${f.status}`);
  const after = await polled(d, f.id, 1);
  eq(after.status, 'ok', `status ok: ${after.last_error}`);
  eq(after.item_count, 2, 'two distinct items submitted');
  const arts = await feedArticles(d, f.id);
  eq(arts.map((a) => a.url).sort(), [s.url(`/p/${slug}-1`), s.url(`/p/${slug}-2?a=1&b=2`)].sort(), 'links resolved against the feed URL');
  ok(arts.every((a) => a.feed_id === f.id), 'feed_id on the records');
  // a conditional poll: the same ETag, 304, nothing new
  eq((await d.post(`/feeds/${f.id}/poll`)).status, 202, 'poll now');
  const third = await polled(d, f.id, 2);
  eq(third.status, 'not_modified', 'answered 304');
  eq(s.log.filter((l) => l.path === `/f/${slug}.xml`).at(-1).inm, '"r1"', 'If-None-Match sent');
  // a new item appears between polls; the old ones are not submitted again
  s.docs.set(`/f/${slug}.xml`, { type: 'application/rss+xml', etag: '"r2"', body: rss('', [
    { title: 'Three', link: `/p/${slug}-3` }, { title: 'One again', link: `/p/${slug}-1` },
  ]) });
  await d.post(`/feeds/${f.id}/poll`);
  const fourth = await polled(d, f.id, 3);
  eq([fourth.status, fourth.item_count], ['ok', 3], 'one new item');
  eq((await feedArticles(d, f.id)).length, 3, 'three articles from the feed');
  const ready = await d.waitStatus(arts[0].id, ['ready', 'failed'], 20000);
  eq(ready.status, 'ready', 'the item page was fetched and read');
  expectProblem(await d.get('/articles?feed=abc'), 400, 'invalid-parameter', 'bad feed=');
  eq((await d.get('/articles?feed=999999')).json().items, [], 'another feed: none');
}, { timeout: 60000 });

test('feeds: Atom (xml:base), JSON Feed and a GBK-encoded RSS', async () => {
  const s = await server();
  const d = await feedDaemon();
  const slug = unique('kinds');
  s.docs.set(`/f/${slug}.atom`, { type: 'application/atom+xml', body: `<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="${s.url('/p/')}"><title>A</title>
<entry><title>a1</title><id>urn:a1</id><link rel="alternate" href="${slug}-a1"/></entry></feed>` });
  s.docs.set(`/f/${slug}.json`, { type: 'application/feed+json', body: JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1', title: 'J',
    items: [{ id: '1', url: `/p/${slug}-j1`, title: 'j1' }] }) });
  const head = Buffer.from('<?xml version="1.0" encoding="GBK"?><rss version="2.0"><channel><title>');
  const title = Buffer.from('d0c2cec5', 'hex');          // 新闻 in GBK
  const tail = Buffer.from(`</title><item><title>x</title><link>/p/${slug}-g1</link></item></channel></rss>`);
  s.docs.set(`/f/${slug}.gbk`, { type: 'text/xml', body: Buffer.concat([head, title, tail]) });
  for (const [ext, want] of [['atom', `${slug}-a1`], ['json', `${slug}-j1`], ['gbk', `${slug}-g1`]]) {
    const f = await subscribe(d, s.url(`/f/${slug}.${ext}`));
    const p = await polled(d, f.id, 1);
    eq([p.status, p.item_count], ['ok', 1], `${ext}: ${p.last_error}`);
    eq((await feedArticles(d, f.id)).map((a) => a.url), [s.url(`/p/${want}`)], `${ext} item link`);
  }
  eq((await d.get('/feeds')).json().items.length >= 3, true, 'listed');
}, { timeout: 60000 });

test('feeds: malformed, DOCTYPE (XXE) and refused feeds end in error with a backoff; rules and keys', async () => {
  const s = await server();
  const d = await feedDaemon();
  const slug = unique('bad');
  s.docs.set(`/f/${slug}.bad`, { type: 'application/rss+xml', body: '<rss><channel><item><title>cut' });
  s.docs.set(`/f/${slug}.xxe`, { type: 'application/rss+xml', body:
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
    `<rss><channel><item><title>&x;</title><link>/p/${slug}-x</link></item></channel></rss>` });
  for (const [ext, why] of [['bad', /malformed XML/], ['xxe', /DOCTYPE/]]) {
    const f = await subscribe(d, s.url(`/f/${slug}.${ext}`), { interval_seconds: 5 });
    const p = await polled(d, f.id, 1);
    eq(p.status, 'error', `${ext}: error state`);
    ok(why.test(p.last_error), `${ext}: reason ${p.last_error}`);
    eq([p.failures, p.item_count], [1, 0], `${ext}: one failure, nothing submitted`);
    ok(p.next_poll_at && Date.parse(p.next_poll_at) > Date.now(), `${ext}: next poll later (${p.next_poll_at})`);
    await d.post(`/feeds/${f.id}/poll`);
    const q = await polled(d, f.id, 2);
    eq(q.failures, 2, `${ext}: failures count up`);
    // backoff: the second failure waits twice the interval (10 s), the first once (5 s)
    ok(Date.parse(q.next_poll_at) - Date.parse(q.last_poll_at) >= 9000,
      `${ext}: backoff ${q.last_poll_at} -> ${q.next_poll_at}`);
  }
  eq(s.log.filter((l) => l.path === `/p/${slug}-x`).length, 0, 'nothing from the refused document was fetched');
  const m = (await d.get('/metrics')).text;
  for (const st of ['ok', 'not_modified', 'error'])
    ok(new RegExp(`^skimd_feed_polls_total\\{status="${st}"\\} [1-9]`, 'm').test(m), `metrics count ${st} polls`);
  ok(/^skimd_feed_items_total [1-9]/m.test(m), 'metrics count the articles created');
  // rules
  expectProblem(await d.post('/feeds', {}), 400, 'invalid-url', 'no url');
  expectProblem(await d.post('/feeds', { url: 'ftp://127.0.0.1/x' }), 400, 'invalid-url', 'ftp');
  expectProblem(await d.post('/feeds', { url: s.url('/x'), interval_seconds: 0 }), 400, 'invalid-body', 'interval 0');
  expectProblem(await d.post('/feeds', { url: s.url('/x'), interval_seconds: 'x' }), 400, 'invalid-body', 'interval type');
  expectProblem(await d.post('/feeds', { url: s.url('/x'), extra: 1 }), 400, 'invalid-body', 'unknown field');
  expectProblem(await d.get('/feeds/abc'), 400, 'invalid-parameter', 'bad id');
  expectProblem(await d.get('/feeds/999999'), 404, 'not-found', 'none');
  expectProblem(await d.post('/feeds/999999/poll'), 404, 'not-found', 'poll none');
  const again = await d.post('/feeds', { url: s.url(`/f/${slug}.bad`) });
  eq(again.status, 200, 'the same URL again: the existing feed');
  const del = await d.del(`/feeds/${again.json().id}`);
  eq(del.status, 204, 'deleted');
  expectProblem(await d.get(`/feeds/${again.json().id}`), 404, 'not-found', 'gone');
  // the guard is on by default: a loopback feed is refused; keys guard writes
  const KEY = unique('k');
  const g = await daemon({ name: 'feeds-guard', workers: 1, allowPrivate: false, args: ['--api-key', KEY] });
  const auth = { headers: { Authorization: `Bearer ${KEY}` } };
  expectProblem(await g.post('/feeds', { url: s.url('/f/x.xml') }), 401, 'unauthorized', 'no key');
  expectProblem(await g.post('/feeds', { url: s.url('/f/x.xml') }, auth), 422, 'refused-address', 'loopback feed');
  expectProblem(await g.post('/feeds', { url: 'http://[::1]:9/feed' }, auth), 422, 'refused-address', '::1');
  eq((await g.get('/feeds')).json().items, [], 'nothing stored');
}, { timeout: 60000 });
