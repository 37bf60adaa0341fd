// fixture.mjs -- the loopback page server the daemon fetches from.
// Listens only on loopback addresses (127.0.0.1, optionally 127.0.0.2 and
// ::1 on the same port) and counts every request per path.
//
// Routes: /seed.html, /seed-gbk.html (GBK bytes, no charset in the header),
// /slow?ms=N, /huge?bytes=N[&cl=1], /image.png, /bigheader (200 KiB header), /missing (404),
// /redirect?to=URL[&code=30x], /gen/<slug>[?title=..] (a generated English
// article), and any page a test adds with fixture.page(path, spec).
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './spec.mjs';

const FIX = path.join(REPO_ROOT, 'tests', 'fixtures');
export const SEED_HTML = readFileSync(path.join(FIX, 'seed.html'));
export const SEED_GBK = readFileSync(path.join(FIX, 'seed-gbk.html'));

// A valid 1x1 PNG.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

const WORDS = ('the council approved a new budget for public transport after months of debate ' +
  'officials said the plan would add bus routes and extend service hours while critics ' +
  'argued that the cost estimates were too optimistic and that the city should first repair ' +
  'existing lines residents will be able to comment on the proposal at a hearing next month').split(' ');

/** A plausible English article page, deterministic for a slug. */
export function articlePage(slug, title = `Report ${slug}`) {
  const paras = [];
  for (let p = 0; p < 6; p++) {
    const words = [];
    for (let i = 0; i < 40; i++) words.push(WORDS[(p * 7 + i * 3 + slug.length) % WORDS.length]);
    paras.push(`<p>${words.join(' ')}. The reference for this story is ${slug}.</p>`);
  }
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta property="og:site_name" content="Fixture News"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>${title}</h1><p class="byline">By Jane Doe</p>
${paras.join('\n')}
</article><footer>Copyright Fixture News</footer></body></html>`;
}

function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    const onErr = (e) => reject(e);
    server.once('error', onErr);
    server.listen({ host, port, ipv6Only: host.includes(':') }, () => {
      server.off('error', onErr);
      resolve(server.address().port);
    });
  });
}

export class FixtureServer {
  constructor() {
    this.hits = new Map();      // pathname -> count
    this.log = [];              // [{method, url, host}]
    this.pages = new Map();     // pathname -> {status, type, body, headers, delayMs}
    this.servers = [];
    this.sockets = new Set();
    this.port = 0;
    this.hosts = [];
  }

  /** Start on 127.0.0.1 (and `extraHosts` on the same port when possible). */
  async start(extraHosts = []) {
    for (let attempt = 0; attempt < 8; attempt++) {
      const first = this.#make();
      const port = await listen(first, '127.0.0.1', 0);
      const started = [first];
      const hosts = ['127.0.0.1'];
      let retry = false;
      for (const h of extraHosts) {
        const s = this.#make();
        try {
          await listen(s, h, port);
          started.push(s);
          hosts.push(h);
        } catch (e) {
          if (e.code === 'EADDRINUSE') {
            retry = true;
            break;
          }
          // EADDRNOTAVAIL (no IPv6 loopback, ...): serve without that address.
        }
      }
      if (retry) {
        for (const s of started) s.close();
        continue;
      }
      this.servers = started;
      this.port = port;
      this.hosts = hosts;
      return this;
    }
    throw new Error('fixture: no free port usable on all loopback addresses');
  }

  #make() {
    const s = http.createServer((req, res) => this.#handle(req, res));
    s.on('connection', (sock) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
    });
    return s;
  }

  url(p, host = '127.0.0.1') {
    const h = host.includes(':') ? `[${host}]` : host;
    return `http://${h}:${this.port}${p}`;
  }

  hitCount(pathname) {
    return this.hits.get(pathname) || 0;
  }

  totalHits() {
    return this.log.length;
  }

  /** Serve `spec` at `pathname`: {status=200, type='text/html; charset=utf-8', body, headers, delayMs}. */
  page(pathname, spec) {
    this.pages.set(pathname, spec);
  }

  async close() {
    for (const sock of this.sockets) sock.destroy();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(() => r()))));
  }

  #handle(req, res) {
    const u = new URL(req.url, 'http://fixture');
    this.hits.set(u.pathname, this.hitCount(u.pathname) + 1);
    this.log.push({ method: req.method, url: req.url, host: req.headers.host });
    let closed = false;
    res.on('close', () => { closed = true; });
    const send = (status, type, body, headers = {}) => {
      if (closed) return;
      const h = { 'Content-Length': Buffer.byteLength(body), ...headers };
      if (type) h['Content-Type'] = type;
      res.writeHead(status, h);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const custom = this.pages.get(u.pathname);
    if (custom) {
      const go = () => send(custom.status || 200, custom.type ?? 'text/html; charset=utf-8',
        custom.body ?? '', custom.headers || {});
      if (custom.delayMs) {
        const t = setTimeout(go, custom.delayMs);
        res.on('close', () => clearTimeout(t));
      } else go();
      return;
    }
    switch (true) {
      case u.pathname === '/seed.html':
        return send(200, 'text/html; charset=utf-8', SEED_HTML);
      case u.pathname === '/seed-gbk.html':
        return send(200, 'text/html', SEED_GBK);
      case u.pathname === '/slow': {
        // Headers only after `ms`: the daemon's --fetch-timeout must cut it.
        const ms = Number(u.searchParams.get('ms') || 10000);
        const t = setTimeout(() => send(200, 'text/html; charset=utf-8', articlePage('slow')), ms);
        res.on('close', () => clearTimeout(t));
        return;
      }
      case u.pathname === '/huge': {
        const total = Number(u.searchParams.get('bytes') || 4 * 1024 * 1024);
        const headers = { 'Content-Type': 'text/html; charset=utf-8' };
        if (u.searchParams.get('cl') === '1') headers['Content-Length'] = total;
        res.writeHead(200, headers);
        const head = Buffer.from('<!DOCTYPE html><html><head><title>Huge</title></head><body>');
        const chunk = Buffer.from('<p>' + 'lorem ipsum dolor sit amet '.repeat(600) + '</p>\n');
        let sent = 0;
        const pump = () => {
          while (!closed && sent < total) {
            let b = sent === 0 ? head : chunk;
            if (sent + b.length > total) b = b.subarray(0, total - sent);
            sent += b.length;
            if (!res.write(b)) return res.once('drain', pump);
          }
          if (!closed) res.end();
        };
        return pump();
      }
      case u.pathname === '/image.png':
        return send(200, 'image/png', PNG);
      case u.pathname === '/bigheader':
        // a 200 KiB response header (issue 12: once reported "Out of memory")
        return send(200, 'text/html; charset=utf-8', articlePage('bigheader'), { 'X-Big': 'a'.repeat(200 * 1024) });
      case u.pathname === '/missing':
        return send(404, 'text/html; charset=utf-8', '<html><body><h1>Not here</h1></body></html>');
      case u.pathname === '/redirect': {
        const to = u.searchParams.get('to') || '/';
        const code = Number(u.searchParams.get('code') || 302);
        return send(code, 'text/html', `<a href="${to}">moved</a>`, { Location: to });
      }
      case u.pathname.startsWith('/gen/'): {
        const slug = u.pathname.slice(5);
        return send(200, 'text/html; charset=utf-8', articlePage(slug, u.searchParams.get('title') || undefined));
      }
      default:
        return send(404, 'text/plain', 'no such fixture\n');
    }
  }
}

export async function startFixture(extraHosts = []) {
  return new FixtureServer().start(extraHosts);
}
