// pg_pages.mjs SHARED N PORTFILE -- serve N article pages from memory on
// loopback for tools/bench/pg.sh: /p0 .. /p(N-1): the seed page, the web
// corpus pages, then generated ones; writes the port to PORTFILE.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [shared, nArg, portFile] = process.argv.slice(2);
const n = Number(nArg);
const pages = [];
const seed = path.join(shared, 'examples/seed/article.html');
if (fs.existsSync(seed)) pages.push(fs.readFileSync(seed));
const web = path.join(shared, 'corpus/web/pages');
if (fs.existsSync(web)) {
  for (const f of fs.readdirSync(web).sort()) {
    if (pages.length >= n) break;
    if (!f.endsWith('.gz')) continue;
    try { pages.push(zlib.gunzipSync(fs.readFileSync(path.join(web, f)))); } catch { /* skip */ }
  }
}
for (let i = pages.length; i < n; i++) {
  const p = [];
  for (let k = 0; k < 8; k++) p.push(`<p>Paragraph ${k} of story ${i}: the council met on Monday to discuss the budget, the harbour and the new railway line.</p>`);
  pages.push(Buffer.from(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Generated story ${i}</title></head><body><article><h1>Generated story ${i}</h1>${p.join('')}</article></body></html>`));
}
const srv = http.createServer((req, res) => {
  const i = Number(req.url.slice(2).split('?')[0]);
  if (!(req.url.startsWith('/p') && pages[i])) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(pages[i]);
});
srv.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(srv.address().port)));
