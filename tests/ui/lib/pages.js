// pages.js -- the loopback page server for the browser suite.
//
// Serves the seed article (tests/fixtures/seed.html), generated English
// articles (/gen/<slug>?title=...), a page whose title, text and links
// carry markup and javascript: URLs (/hostile.html), and 404s. Any path
// can be held: hold(path) makes its requests wait until the returned
// release() is called, so a test can see a job sit in "fetching" for as
// long as it needs, with no sleeps; breakPath(path) makes it answer 404
// (a refresh that fails). Listens on 127.0.0.1 only.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { fixture } = require('../../harness/daemon.js');
const { articlePage } = require('../../harness/pages.js');

const ROOT = path.resolve(__dirname, '../../..');
const SEED = fs.readFileSync(path.join(ROOT, 'tests/fixtures/seed.html'));

// Markup and script URLs as *text* of the page: the extractor keeps them
// as the record's title and text, which the page must show inert.
const HOSTILE_TITLE = '&lt;script&gt;alert("title")&lt;/script&gt;&lt;img src=x onerror=alert("img")&gt; Hostile';
function hostilePage() {
  const para = (i) => `<p>Paragraph ${i} of the test: &lt;script&gt;alert(${i})&lt;/script&gt; and ` +
    `&lt;img src="http://198.51.100.7/p${i}.png" onerror="alert('onerror ${i}')"&gt; and ` +
    `&lt;a href="javascript:alert(${i})"&gt;click me&lt;/a&gt; and javascript:alert(${i}) as plain words; ` +
    'the council met to discuss the budget and the transport plan for the coming year.</p>';
  const paras = [];
  for (let i = 1; i <= 6; i++) paras.push(para(i));
  return '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    `<title>${HOSTILE_TITLE}</title>` +
    '<meta name="author" content="&lt;img src=x onerror=alert(&quot;author&quot;)&gt;">' +
    '<meta property="og:site_name" content="&lt;script&gt;alert(&quot;site&quot;)&lt;/script&gt;">' +
    '</head><body><article>' +
    `<h1>${HOSTILE_TITLE}</h1>${paras.join('\n')}` +
    '<p><a href="javascript:alert(\'link\')">a javascript: link in the page</a></p>' +
    '</article></body></html>';
}

async function startPages() {
  const held = new Map();          // pathname -> [pending requests]
  const holds = new Set();
  const hits = new Map();
  const send = (res, status, type, body) => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const serve = (req, res) => {
    const u = new URL(req.url, 'http://fixture');
    if (u.pathname === '/seed.html') return send(res, 200, 'text/html; charset=utf-8', SEED);
    if (u.pathname === '/hostile.html') return send(res, 200, 'text/html; charset=utf-8', hostilePage());
    if (u.pathname.startsWith('/gen/')) {
      const n = [...u.pathname].reduce((a, c) => a + c.charCodeAt(0), 0);
      let page = articlePage(n);
      const title = u.searchParams.get('title');
      if (title) page = page.replace(/<title>[^<]*<\/title>/, `<title>${title}</title>`)
        .replace(/<h1>[^<]*<\/h1>/, `<h1>${title}</h1>`);
      return send(res, 200, 'text/html; charset=utf-8', page);
    }
    return send(res, 404, 'text/html; charset=utf-8', '<html><body><h1>Not here</h1></body></html>');
  };
  const broken = new Set();
  const srv = await fixture((req, res) => {
    const p = new URL(req.url, 'http://fixture').pathname;
    hits.set(p, (hits.get(p) || 0) + 1);
    if (broken.has(p)) return send(res, 404, 'text/html; charset=utf-8', '<html><body>gone</body></html>');
    if (holds.has(p)) {
      if (!held.has(p)) held.set(p, []);
      held.get(p).push(() => serve(req, res));
      srv.emit('held', p);
      return;
    }
    serve(req, res);
  });
  srv.url = (p) => `http://127.0.0.1:${srv.port}${p}`;
  srv.hitCount = (p) => hits.get(p) || 0;
  /** Hold requests for pathname p; the returned function lets them (and later ones) go. */
  srv.hold = (p) => {
    holds.add(p);
    return () => {
      holds.delete(p);
      for (const go of held.get(p) || []) go();
      held.delete(p);
    };
  };
  /** Answer 404 for pathname p until the returned function is called. */
  srv.breakPath = (p) => {
    broken.add(p);
    return () => broken.delete(p);
  };
  /** Resolves when a request for p is being held. */
  srv.waitHeld = (p) => new Promise((resolve) => {
    if (held.get(p)?.length) return resolve();
    const on = (q) => {
      if (q !== p) return;
      srv.off('held', on);
      resolve();
    };
    srv.on('held', on);
  });
  return srv;
}

module.exports = { startPages };
