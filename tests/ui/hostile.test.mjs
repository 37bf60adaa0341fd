// hostile.test.mjs -- a record whose title, author, site, text and tags
// carry <script>, <img onerror> and javascript: links is shown as text:
// no JavaScript dialog opens, no element of theirs is made, no request
// leaves for another origin (nor for a path the page did not ask for), and
// no link with a javascript: URL exists. The cleaned-HTML renderer gets
// the same markup directly. The last test checks every page of the suite.
import { eq, ok } from '../api/lib/assert.mjs';
import { test } from '../api/lib/runner.mjs';
import { DESKTOP, PHONE, allLogs, daemon, open, pages, request, shot, submit, until, view } from './lib/env.mjs';

const HOSTILE_TAGS = ['<script>alert("tag")</script>', '<img src=x onerror=alert("tagimg")>', 'javascript:alert("tagjs")'];

// Requests the page itself makes: its files and the API.
const OWN = /^(GET|POST|DELETE|OPTIONS|PATCH) http:\/\/127\.0\.0\.1:\d+\/(ui\/(|index\.html|app\.js|api\.js|dom\.js|i18n\.js|parts\.js|save\.js|browse\.js|record\.js|html\.js|style\.css|icon\.svg)(#.*)?|articles(\/\d+(\/refresh)?)?(\?.*)?|tags(\?.*)?)$/;

function inert(page) {
  return page.evaluate(() => ({
    scripts: [...document.scripts].map((s) => s.src.replace(location.origin, '')),
    imgs: [...document.images].map((i) => i.getAttribute('src')),
    jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => !/^(https?:|#)/.test(a.getAttribute('href')))
      .map((a) => a.getAttribute('href')),
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name)))
      .map((e) => e.outerHTML.slice(0, 80)),
  }));
}

test('a hostile record renders inert: no dialog, no element of its own, no request elsewhere', async () => {
  const [d, srv] = [await daemon(), await pages()];
  const url = srv.url('/hostile.html?q="><script>alert("url")</script>');
  const post = await request(d.port, {
    method: 'POST', path: '/articles?wait=30', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ url, tags: HOSTILE_TAGS }),
  });
  eq(post.status, 201, `saved: ${post.body}`);
  const rec = (await request(d.port, { path: `/articles/${post.json.id}?include=content,html` })).json;
  // the test is only worth something if the markup really is in the record
  ok(rec.title.includes('<script>') && rec.title.includes('onerror'), `hostile title stored: ${rec.title}`);
  ok(rec.content.includes('<img src=') && rec.content.includes('javascript:'), 'hostile text stored');
  ok(typeof rec.content_html === 'string' && rec.content_html.includes('&lt;script&gt;'),
    'and its cleaned HTML, which the record page renders');
  eq(rec.tags.user, HOSTILE_TAGS, 'hostile tags stored');

  for (const [hash, size, name] of [['#/', DESKTOP, 'browse'], [`#/articles/${rec.id}`, DESKTOP, 'record'],
    [`#/articles/${rec.id}`, PHONE, 'record'], [`#/?tag=${encodeURIComponent(`user:${HOSTILE_TAGS[1]}`)}`, DESKTOP, 'browse']]) {
    const { page, log, close } = await open(d, hash, size);
    try {
      await view(page, name);
      if (name === 'record') {
        await until(page, () => document.querySelector('article.record'));
        eq(await page.$eval('h1', (e) => e.textContent), rec.title, 'the title shown as text');
        for (const b of await page.$$('.record-facet button.chip')) {
          await b.click();
          await b.hover();
        }
        const tags = await page.$$eval('.record-facet[data-facet=user] button.chip', (bs) => bs.map((b) => b.textContent));
        eq(tags, HOSTILE_TAGS, 'the tags shown as text');
      } else {
        await until(page, () => document.querySelector('.cards .card') || document.querySelector('.list-info')?.textContent.match(/没有/));
        const titles = await page.$$eval('.card-title', (es) => es.map((e) => e.textContent));
        ok(titles.includes(rec.title), `the hostile card is listed (${hash})`);
        await until(page, () => document.querySelector('.facet'));
      }
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      const state = await inert(page);
      eq(state.scripts, ['/ui/app.js'], `${hash}: no script element but the page's own`);
      eq(state.imgs, ['icon.svg'], `${hash}: no image but the logo`);
      eq(state.jsLinks, [], `${hash}: no link that is not http(s) or in-page`);
      eq(state.handlers, [], `${hash}: no inline event handler anywhere`);
      eq(log.dialogs, [], `${hash}: no dialog`);
      eq(log.foreign, [], `${hash}: no request to another origin`);
      // (data: URLs are chromium's own form-control icons, not fetched)
      eq(log.requests.filter((r) => !OWN.test(r) && !r.startsWith('GET data:')), [], `${hash}: only the page's own requests`);
      eq(log.errors, [], `${hash}: no script errors`);
      if (name === 'record') await shot(page, `hostile-record-${size.width}`);
    } finally {
      await close();
    }
  }
}, { timeout: 90000 });

test('the cleaned-HTML renderer keeps structure and text, drops scripts, images, handlers and javascript: links', async () => {
  const d = await daemon();
  const { page, log, close } = await open(d, '#/', DESKTOP);
  try {
    await view(page, 'browse');
    const out = await page.evaluate(async () => {
      const { safeArticleHtml } = await import('/ui/html.js');
      const frag = safeArticleHtml('<h1>Head</h1><p onclick="alert(1)">One <b>bold</b><img src="http://198.51.100.7/x.png" onerror="alert(2)">' +
        '<script>alert(3)</script><a href="javascript:alert(4)">js</a> <a href="https://example.org/a">ok</a></p>' +
        '<svg><script>alert(5)</script></svg><iframe src="http://198.51.100.7/"></iframe><style>*{}</style>' +
        '<ul><li>item</li></ul><form><button formaction="javascript:alert(6)">b</button></form>');
      const box = document.createElement('div');
      box.append(frag);
      document.querySelector('main').append(box);
      return box.innerHTML;
    });
    eq(out, 'Head<p>One <b>bold</b><a>js</a> <a href="https://example.org/a" rel="noopener noreferrer nofollow" target="_blank">ok</a></p><ul><li>item</li></ul>',
      'what is left');
    eq(log.dialogs, [], 'no dialog');
    eq(log.foreign, [], 'no request elsewhere');
    // Parsing markup with handlers in it, even into an inert document,
    // makes chromium check them against the page's CSP and report them
    // blocked: expected here, and only here (the record pages above
    // never parse record text, so they must report nothing).
    ok(log.csp.every((c) => /inline event handler|inline style/.test(c)), `only blocked inline code: ${log.csp}`);
    log.csp.length = 0;
  } finally {
    await close();
  }
});

test('no page of the suite opened a JavaScript dialog, asked another origin or broke its CSP', async () => {
  const logs = allLogs();
  ok(logs.length >= 10, `pages opened: ${logs.length}`);
  eq(logs.flatMap((l) => l.dialogs), [], 'dialogs');
  eq(logs.flatMap((l) => l.foreign), [], 'requests to other origins');
  eq(logs.flatMap((l) => l.csp), [], 'CSP reports');
  eq(logs.flatMap((l) => l.errors), [], 'script errors');
});
