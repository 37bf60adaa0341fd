// pg_ingest.mjs PAGES_PORT N PORT... -- submit /p0 .. /p(N-1) of the page
// fixture to the daemons on PORT... (round robin, 8 clients in parallel),
// wait until every record is ready or failed; print "SECONDS outcome".
import http from 'node:http';

const [pagesPort, nArg, ...ports] = process.argv.slice(2);
const n = Number(nArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function req(port, method, path, body) {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method, path, agent,
      headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

const t0 = process.hrtime.bigint();
let next = 0;
const ids = [];
async function client() {
  while (next < n) {
    const i = next++;
    const port = ports[i % ports.length];
    const r = await req(port, 'POST', '/articles',
      JSON.stringify({ url: `http://127.0.0.1:${pagesPort}/p${i}` }));
    if (r.status === 202 || r.status === 200 || r.status === 201) ids.push(JSON.parse(r.body).id);
  }
}
await Promise.all(Array.from({ length: 8 }, client));
// done when nothing is queued or fetching (one daemon sees the shared state)
for (;;) {
  const q = JSON.parse((await req(ports[0], 'GET', '/articles?status=queued&limit=1')).body).items.length;
  const f = JSON.parse((await req(ports[0], 'GET', '/articles?status=fetching&limit=1')).body).items.length;
  if (!q && !f) break;
  await new Promise((r) => setTimeout(r, 20));
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const m = (await req(ports[0], 'GET', '/metrics')).body;
const ready = /skimd_jobs\{state="ready"\} (\d+)/.exec(m)?.[1] ?? '?';
const failed = /skimd_jobs\{state="failed"\} (\d+)/.exec(m)?.[1] ?? '?';
console.log(`${secs.toFixed(2)} ${ids.length} accepted, ${ready} ready, ${failed} failed`);
agent.destroy();
