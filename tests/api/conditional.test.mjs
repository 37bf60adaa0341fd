// conditional.test.mjs -- refresh with conditional GET (README "Refresh
// with conditional GET"): a fetched record keeps its page's ETag and
// Last-Modified; a refresh sends them back (If-None-Match,
// If-Modified-Since); a 304 keeps the record, moves checked_at, says
// ready in last_refresh and writes no article.refreshed event; a changed
// page (another ETag) is read again; a pushed page sends nothing.
import http from 'node:http';
import { test, teardown } from './lib/runner.mjs';
import { eq, ok } from './lib/assert.mjs';
import { daemon, unique } from './lib/shared.mjs';
import { expectRecord } from './lib/check.mjs';
import { articlePage } from './lib/fixture.mjs';
import { assertSchema } from './lib/spec.mjs';

/** Pages with validators; answers 304 when the client's validator matches. */
class EtagServer {
  constructor() {
    this.pages = new Map();     // path -> {etag, lastModified, title}
    this.log = [];              // {path, inm, ims, status}
  }

  start() {
    this.srv = http.createServer((req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      const p = this.pages.get(path);
      const inm = req.headers['if-none-match'] || null, ims = req.headers['if-modified-since'] || null;
      let status = 404;
      if (p) status = (inm && inm === p.etag) || (!inm && ims && ims === p.lastModified) ? 304 : 200;
      this.log.push({ path, inm, ims, status });
      const headers = {};
      if (p?.etag) headers.ETag = p.etag;
      if (p?.lastModified) headers['Last-Modified'] = p.lastModified;
      if (status === 304) {
        res.writeHead(304, headers);
        return res.end();
      }
      const body = p ? articlePage(path.replace(/\W/g, ''), p.title) : 'none';
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
      res.end(body);
    });
    return new Promise((resolve) => this.srv.listen(0, '127.0.0.1', () => {
      this.port = this.srv.address().port;
      resolve(this);
    }));
  }

  url(p) {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  requests(path) {
    return this.log.filter((l) => l.path === path);
  }

  close() {
    return new Promise((r) => this.srv.close(() => r()));
  }
}

let srvP = null;
function server() {
  if (!srvP) {
    srvP = new EtagServer().start();
    teardown('cleanup: conditional GET server', async () => (await srvP).close());
  }
  return srvP;
}

async function refreshed(d, id) {
  const r = await d.post(`/articles/${id}/refresh?wait=15`);
  eq(r.status, 201, `refresh -> ${r.status} ${r.text}`);
  return r.json();
}

test('conditional GET: a 304 keeps the record and moves checked_at; a new ETag is read again', async () => {
  const s = await server();
  const d = await daemon({ name: 'cond-get', workers: 1, args: ['--allow-private-webhooks'] });
  // an outbox to count refreshed events in (its deliveries fail: nobody listens there)
  const hook = await d.post('/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['article.refreshed'] });
  eq(hook.status, 201, `subscribe -> ${hook.text}`);
  const path = `/c/${unique('etag')}`;
  s.pages.set(path, { etag: '"v1"', lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT', title: 'First version' });
  const rec = expectRecord(await d.post('/articles?wait=15', { url: s.url(path) }), 201, 'submit');
  eq(rec.status, 'ready', 'ready');
  ok(typeof rec.checked_at === 'string' && /Z$/.test(rec.checked_at), `checked_at set: ${rec.checked_at}`);
  eq(s.requests(path)[0].inm, null, 'a first read is unconditional');

  const again = await refreshed(d, rec.id);
  assertSchema('Record', again);
  const second = s.requests(path)[1];
  eq([second.inm, second.ims, second.status], ['"v1"', 'Wed, 21 Oct 2015 07:28:00 GMT', 304], 'validators sent back, 304');
  eq(again.title, 'First version', 'the record is kept');
  eq(again.content_gen, undefined, 'no internal fields');
  eq(again.last_refresh && again.last_refresh.status, 'ready', 'last_refresh says ready');
  eq(again.job, null, 'no job left');
  ok(again.checked_at >= rec.checked_at, `checked_at moved on (${rec.checked_at} -> ${again.checked_at})`);
  const dels = async () => (await d.get(`/webhooks/${hook.json().id}/deliveries?limit=100`)).json().items;
  eq((await dels()).length, 0, 'a 304 writes no article.refreshed event');

  // the page changes: the old ETag no longer matches, the new page is read
  s.pages.set(path, { etag: '"v2"', lastModified: null, title: 'Second version' });
  const third = await refreshed(d, rec.id);
  eq(s.requests(path)[2].status, 200, 'a changed page is sent whole');
  eq(third.title, 'Second version', 'and read again');
  eq((await dels()).map((x) => x.event), ['article.refreshed'], 'one refreshed event, for the change');
  // the new validators are the ones sent next time
  await refreshed(d, rec.id);
  const fourth = s.requests(path)[3];
  eq([fourth.inm, fourth.ims, fourth.status], ['"v2"', null, 304], 'the new ETag sent, no Last-Modified');
  // export carries checked_at
  const line = JSON.parse((await d.get('/export')).text.split('\n')[0]);
  eq(line.record.checked_at, (await d.get(`/articles/${rec.id}`)).json().checked_at, 'exported with the record');
}, { timeout: 60000 });

test('conditional GET: a pushed page has no checked_at; a 304 to an unconditional GET fails http_304', async () => {
  const s = await server();
  const d = await daemon({ name: 'cond-push', workers: 1 });
  const url = s.url(`/c/${unique('push')}`);
  const rec = expectRecord(await d.post('/articles?wait=15', { url, html: articlePage('pushed') }), 201, 'pushed');
  eq(rec.checked_at, null, 'a pushed page is not checked against its source');
  eq(s.log.filter((l) => l.path === new URL(url).pathname).length, 0, 'nothing fetched');
  // a server that answers 304 to everyone, also to a first read
  const orig = s.srv.listeners('request')[0];
  s.srv.removeAllListeners('request');
  s.srv.on('request', (req, res) => {
    if (new URL(req.url, 'http://x').pathname === '/c/always304') {
      res.writeHead(304);
      return res.end();
    }
    return orig(req, res);
  });
  const bad = (await d.post('/articles', { url: s.url('/c/always304') })).json();
  const failed = await d.waitStatus(bad.id, ['ready', 'failed'], 15000);
  eq(failed.status, 'failed', 'a 304 to an unconditional GET fails');
  eq(failed.error.code, 'http_304', 'as http_304');
  s.srv.removeAllListeners('request');
  s.srv.on('request', orig);
}, { timeout: 40000 });
