// http.mjs -- raw HTTP requests (node:http, no keep-alive) with every answer
// checked against openapi.yaml unless the caller opts out.
import http from 'node:http';
import net from 'node:net';
import { checkResponse } from './spec.mjs';

/**
 * request({port, host, method, path, headers, body, spec, timeout})
 * body: Buffer | string | object (object -> JSON, Content-Type set unless given).
 * Resolves {status, headers, body: Buffer, text, json()}; rejects on
 * network error or (spec !== false) when the answer violates the spec.
 */
export function request({ port, host = '127.0.0.1', method = 'GET', path = '/', headers = {},
  body, spec = true, timeout = 30000 }) {
  let payload = body;
  const hdrs = { ...headers };
  if (payload !== undefined && !Buffer.isBuffer(payload) && typeof payload !== 'string') {
    payload = JSON.stringify(payload);
    if (!Object.keys(hdrs).some((k) => k.toLowerCase() === 'content-type'))
      hdrs['Content-Type'] = 'application/json';
  }
  if (payload !== undefined) hdrs['Content-Length'] = Buffer.byteLength(payload);
  if (payload !== undefined && Buffer.byteLength(payload) > 256 * 1024)
    return rawUpload({ port, host, method, path, headers: hdrs, body: payload, spec, timeout });
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    };
    const req = http.request({ host, port, method, path, headers: hdrs, agent: false, timeout }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => { if (!settled) { settled = true; reject(e); } });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        try {
          resolve(finish(method, path, res.statusCode, res.headers, Buffer.concat(chunks), spec));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path.slice(0, 100)}: no answer within ${timeout} ms`)));
    req.on('error', fail);
    if (payload === undefined) return req.end();
    req.end(payload);
  });
}

function finish(method, path, status, headers, buf, spec) {
  const out = {
    status,
    headers,
    body: buf,
    text: buf.toString('utf8'),
    json() {
      try {
        return JSON.parse(this.text);
      } catch (e) {
        throw new Error(`${method} ${path}: body is not JSON (${e.message}): ${this.text.slice(0, 200)}`);
      }
    },
  };
  if (spec) {
    const errs = checkResponse(method, new URL(path, 'http://x').pathname, out);
    if (errs.length)
      throw new Error(`${method} ${path.slice(0, 200)} -> ${status} violates openapi.yaml:\n  ` + errs.join('\n  '));
  }
  return out;
}

/*
 * Large uploads over a plain socket: a server may answer 413 and close
 * before the body is sent; node's http client then reports EPIPE and drops
 * the answer. Here write errors are ignored and the answer is read anyway
 * (HTTP/1.1, Content-Length or close-delimited body).
 */
function rawUpload({ port, host, method, path, headers, body, spec, timeout }) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host });
    const chunks = [];
    let done = false;
    const timer = setTimeout(() => {
      sock.destroy();
      if (!done) { done = true; reject(new Error(`${method} ${path}: no answer within ${timeout} ms`)); }
    }, timeout);
    const settle = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      if (sep < 0) return reject(new Error(`${method} ${path}: connection closed without an answer`));
      const lines = all.subarray(0, sep).toString('latin1').split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
      if (!m) return reject(new Error(`bad status line ${lines[0]}`));
      const hdrs = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) hdrs[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      let b = all.subarray(sep + 4);
      if (hdrs['content-length'] !== undefined) b = b.subarray(0, Number(hdrs['content-length']));
      try {
        resolve(finish(method, path, Number(m[1]), hdrs, b, spec));
      } catch (e) {
        reject(e);
      }
    };
    sock.on('data', (c) => {
      chunks.push(c);
      // Stop once a complete Content-Length answer is in.
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      if (sep >= 0) {
        const cl = /\r\ncontent-length:\s*(\d+)/i.exec(all.subarray(0, sep).toString('latin1'));
        if (cl && all.length - sep - 4 >= Number(cl[1])) {
          settle();
          sock.destroy();
        }
      }
    });
    sock.on('error', () => { /* EPIPE/ECONNRESET while uploading: read what came */ });
    sock.on('close', settle);
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
    // Slices with a pause between them, so that an early answer is read
    // (and the upload stopped) before a reset can discard it.
    (async () => {
      sock.write(head + '\r\n');
      await new Promise((r) => setTimeout(r, 20));
      for (let off = 0; off < buf.length && !done && chunks.length === 0 && !sock.destroyed; off += 65536) {
        const ok = sock.write(buf.subarray(off, off + 65536));
        await new Promise((r) => (ok ? setTimeout(r, 1) : sock.once('drain', r)));
      }
      if (!sock.destroyed && chunks.length === 0) sock.end();
    })().catch(() => {});
  });
}
