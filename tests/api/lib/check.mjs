// check.mjs -- assertions shared by the test files.
import { ok, eq } from './assert.mjs';
import { assertSchema } from './spec.mjs';

/**
 * `res` is a problem document with HTTP `status`, type
 * urn:skimd:problem:<slug> (slug one of `slugs` when given) and a non-empty
 * detail. Returns the parsed document.
 */
export function expectProblem(res, status, slugs, what = '') {
  const ctx = `${what} -> ${res.status} ${res.text.slice(0, 300)}`;
  eq(res.status, status, `HTTP status (${ctx})`);
  const ct = (res.headers['content-type'] || '').split(';')[0].trim();
  eq(ct, 'application/problem+json', `content type (${ctx})`);
  const doc = JSON.parse(res.text);
  assertSchema('Problem', doc);
  eq(doc.status, status, `problem status (${ctx})`);
  ok(typeof doc.detail === 'string' && doc.detail.trim().length > 0, `non-empty detail (${ctx})`);
  if (slugs) {
    const list = Array.isArray(slugs) ? slugs : [slugs];
    ok(list.map((s) => `urn:skimd:problem:${s}`).includes(doc.type),
      `problem type ${doc.type}, want ${list.join(' or ')} (${ctx})`);
  }
  return doc;
}

/** `res` is a record answer with `status` and, for 201/202 submits, Location. */
export function expectRecord(res, status, what = '') {
  eq(res.status, status, `HTTP status (${what} -> ${res.text.slice(0, 300)})`);
  const rec = res.json();
  assertSchema('Record', rec);
  return rec;
}

export function expectLocation(res, rec) {
  eq(res.headers.location, `/articles/${rec.id}`, 'Location header');
}

/** The body of POST /articles for url (+ html/tags when given). */
export function submitBody(url, extra = {}) {
  return { url, ...extra };
}
