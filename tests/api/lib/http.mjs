// http.mjs -- raw HTTP requests (node:http, no keep-alive) with every answer
// checked against openapi.yaml unless the caller opts out.
import http from 'node:http';
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
  return new Promise((resolve, reject) => {
    let answered = false;   // a response started: a later reset is not an error
    let settled = false;
    const fail = (e) => {
      if (!settled && !answered) {
        settled = true;
        reject(e);
      }
    };
    const req = http.request({ host, port, method, path, headers: hdrs, agent: false, timeout }, (res) => {
      answered = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => { if (!settled) { settled = true; reject(e); } });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const buf = Buffer.concat(chunks);
        const out = {
          status: res.statusCode,
          headers: res.headers,
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
          const pathname = new URL(path, 'http://x').pathname;
          const errs = checkResponse(method, pathname, out);
          if (errs.length) {
            reject(new Error(`${method} ${path.slice(0, 200)} -> ${res.statusCode} violates openapi.yaml:\n  ` +
              errs.join('\n  ')));
            return;
          }
        }
        resolve(out);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path.slice(0, 100)}: no answer within ${timeout} ms`)));
    req.on('error', fail);
    if (payload === undefined) return req.end();
    // Large bodies go in slices and stop once the server has answered
    // (a 413 may come, and the connection close, before the upload ends).
    const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    let off = 0;
    const pump = () => {
      while (off < buf.length) {
        if (answered || req.destroyed) return;
        const slice = buf.subarray(off, off + 65536);
        off += slice.length;
        if (!req.write(slice)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
