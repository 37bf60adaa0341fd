// receiver.mjs -- a webhook receiver on 127.0.0.1 for the webhook tests.
// It verifies every delivery's Standard Webhooks signature with its own
// implementation (node's crypto.createHmac over "id.timestamp.body", keyed
// with the base64 part of the secret after "whsec_"), can refuse the first
// N attempts of each webhook-id (HTTP 500), or hold requests unanswered
// until released, and counts the 2xx answers it gave per webhook-id.
// Waiting is on events (a promise per condition), never on sleeps.
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

export function expectedSignature(secret, id, timestamp, body) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

export class Receiver {
  constructor({ failFirst = 0, hold = false } = {}) {
    this.failFirst = failFirst;   // 500 for the first N attempts of each id
    this.hold = hold;             // leave requests unanswered until release()
    this.secret = null;           // set once the subscription is created
    this.requests = [];           // {id, timestamp, signature, body, verified, status}
    this.acked = new Map();       // webhook-id -> 2xx answers given
    this.held = [];
    this.waiters = [];
  }

  start() {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => this.#handle(req, res, Buffer.concat(chunks)));
    });
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => {
      this.port = this.server.address().port;
      resolve(this);
    }));
  }

  get url() {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  #verify(req, body) {
    const id = req.headers['webhook-id'], ts = req.headers['webhook-timestamp'];
    const sig = req.headers['webhook-signature'];
    if (!this.secret || !id || !ts || !sig) return false;
    const want = Buffer.from(expectedSignature(this.secret, id, ts, body));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  #handle(req, res, body) {
    const rec = {
      id: req.headers['webhook-id'],
      timestamp: req.headers['webhook-timestamp'],
      signature: req.headers['webhook-signature'],
      contentType: req.headers['content-type'],
      method: req.method,
      body: body.toString('utf8'),
      verified: this.#verify(req, body),
      status: null,
    };
    this.requests.push(rec);
    const answer = () => {
      const tries = this.requests.filter((r) => r.id === rec.id).length;
      rec.status = !rec.verified ? 401 : tries <= this.failFirst ? 500 : 204;
      if (rec.status === 204) this.acked.set(rec.id, (this.acked.get(rec.id) || 0) + 1);
      res.writeHead(rec.status);
      res.end();
      this.#wake();
    };
    if (this.hold) {
      this.held.push({ rec, res, answer });
      this.#wake();
      return;
    }
    answer();
  }

  /** Stop holding; held requests whose connection is gone are dropped. */
  release() {
    this.hold = false;
    for (const h of this.held.splice(0)) {
      if (!h.res.destroyed && !h.res.socket?.destroyed) h.answer();
    }
  }

  /** Stop holding; the held requests are dropped unanswered (their sender
   * is gone: an answer written now could still be counted as delivered). */
  drop() {
    this.hold = false;
    for (const h of this.held.splice(0)) {
      h.rec.status = 'dropped';
      h.res.destroy();
    }
  }

  payloads() {
    return this.requests.filter((r) => r.status === 204).map((r) => JSON.parse(r.body));
  }

  #wake() {
    this.waiters = this.waiters.filter((w) => {
      if (!w.cond()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves when cond() holds; rejects after `ms` (a failure guard, not a sync). */
  until(cond, what, ms = 30000) {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = { cond, resolve };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`receiver: ${what} did not happen within ${ms} ms ` +
          `(${this.requests.length} requests: ${JSON.stringify(this.requests.map((r) => [r.id, r.status]))})`));
      }, ms);
      w.resolve = () => {
        clearTimeout(t);
        resolve();
      };
      this.waiters.push(w);
    });
  }

  close() {
    for (const h of this.held.splice(0)) h.res.destroy();
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
