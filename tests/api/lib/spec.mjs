// spec.mjs -- openapi.yaml as the oracle: every response the suite receives
// is checked against the operation it answers (status documented, content
// type, required headers, body schema), with ajv over the 3.1 schemas.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SPEC_PATH = path.join(REPO_ROOT, 'openapi.yaml');
export const specText = readFileSync(SPEC_PATH, 'utf8');
export const spec = YAML.parse(specText);

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
addFormats(ajv);
ajv.addFormat('int64', { type: 'number', validate: (n) => Number.isInteger(n) });

// Components as one schema document: '#/components/schemas/X' -> '#/$defs/X'.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/'))
        out[k] = 'skimd-components#/$defs/' + v.slice('#/components/schemas/'.length);
      else if (k === 'example' || k === 'examples') continue;
      else out[k] = rewriteRefs(v);
    }
    return out;
  }
  return node;
}
ajv.addSchema({ $id: 'skimd-components', $defs: rewriteRefs(spec.components.schemas) });

const compiled = new Map();
function validatorFor(schema) {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    v = ajv.compile(rewriteRefs(schema));
    compiled.set(key, v);
  }
  return v;
}

/** Validate `value` against components.schemas[name]; returns error text or null. */
export function schemaErrors(name, value) {
  const v = validatorFor({ $ref: '#/components/schemas/' + name });
  if (v(value)) return null;
  return ajv.errorsText(v.errors, { dataVar: name });
}

/** Validate `value` against an inline schema (refs into components); error text or null. */
export function validateAgainst(schema, value) {
  const v = validatorFor(schema);
  return v(value) ? null : ajv.errorsText(v.errors);
}

export function assertSchema(name, value) {
  const e = schemaErrors(name, value);
  if (e) throw new Error(`response does not match schema ${name}: ${e}\n${JSON.stringify(value).slice(0, 600)}`);
}

function deref(obj) {
  let o = obj;
  for (let i = 0; o && o.$ref && i < 10; i++) {
    const parts = o.$ref.replace(/^#\//, '').split('/');
    o = parts.reduce((acc, p) => acc?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return o;
}

// Path templates of the spec as regular expressions.
const routes = Object.entries(spec.paths).map(([tpl, item]) => ({
  tpl,
  item,
  re: new RegExp('^' + tpl.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
}));

export function findRoute(pathname) {
  // a literal path (/articles/batch) wins over a template (/articles/{id})
  return routes.find((r) => !r.tpl.includes('{') && r.re.test(pathname)) ||
    routes.find((r) => r.re.test(pathname)) || null;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
export function allowedMethods(tpl) {
  const item = spec.paths[tpl];
  return METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
}

function mediaBase(ct) {
  return (ct || '').split(';')[0].trim().toLowerCase();
}

function checkProblem(res, errs, pathname) {
  if (mediaBase(res.headers['content-type']) !== 'application/problem+json') {
    errs.push(`status ${res.status}: content type ${res.headers['content-type']}, want application/problem+json`);
    return;
  }
  let doc;
  try {
    doc = JSON.parse(res.text);
  } catch (e) {
    errs.push(`problem body is not JSON: ${e.message}`);
    return;
  }
  const e = schemaErrors('Problem', doc);
  if (e) errs.push(e);
  else if (doc.status !== res.status) errs.push(`problem status ${doc.status} != HTTP ${res.status}`);
  checkInstance(doc, pathname, errs);
}

// "instance" is optional; when present it is the request path.
function checkInstance(doc, pathname, errs) {
  if (pathname && pathname.includes('%00')) return; // C strings end at the NUL
  if (doc && typeof doc.instance === 'string' && pathname !== undefined && doc.instance !== pathname &&
      doc.instance !== decodeURIComponentSafe(pathname))
    errs.push(`problem instance ${JSON.stringify(doc.instance)} is not the request path ${pathname}`);
}

function decodeURIComponentSafe(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Check one response against the spec. `method`, `pathname` are the request's.
 * Returns a list of error strings (empty = conforms).
 */
export function checkResponse(method, pathname, res) {
  const errs = [];
  const m = method.toLowerCase();
  const route = findRoute(pathname);
  if (!route) {
    if (res.status !== 404) errs.push(`unknown path ${pathname} answered ${res.status}, want 404`);
    if (m !== 'head') checkProblem(res, errs, pathname);
    return errs;
  }
  const op = route.item[m];
  if (!op) {
    if (m === 'head') return errs; // HEAD is not part of the contract either way
    // A method the path does not serve: 405 + Allow, problem document.
    if (res.status !== 405) errs.push(`${method} ${route.tpl} is not in the spec; answered ${res.status}, want 405`);
    if (!res.headers.allow) errs.push('405 without an Allow header');
    checkProblem(res, errs, pathname);
    return errs;
  }
  const resp = deref(op.responses[String(res.status)]);
  if (!resp) {
    errs.push(`status ${res.status} is not documented for ${method} ${route.tpl}`);
    if (res.status >= 400) checkProblem(res, errs, pathname);
    return errs;
  }
  for (const [name, h] of Object.entries(resp.headers || {})) {
    const hv = res.headers[name.toLowerCase()];
    const hdr = deref(h);
    if (hv === undefined) {
      if (hdr.required) errs.push(`${res.status} lacks required header ${name}`);
      continue;
    }
    if (hdr.schema?.pattern && !new RegExp(hdr.schema.pattern).test(hv))
      errs.push(`header ${name}: ${JSON.stringify(hv)} does not match ${hdr.schema.pattern}`);
    if (hdr.schema?.type === 'integer' && (!/^[0-9]+$/.test(hv) || Number(hv) < (hdr.schema.minimum ?? 0)))
      errs.push(`header ${name}: ${JSON.stringify(hv)} is not an integer >= ${hdr.schema.minimum ?? 0}`);
  }
  if (!resp.content) {
    if (res.body.length !== 0) errs.push(`${res.status} should have no body, got ${res.body.length} bytes`);
    return errs;
  }
  if (m === 'head') return errs;
  const got = mediaBase(res.headers['content-type']);
  const entry = Object.entries(resp.content).find(([ct]) => mediaBase(ct) === got);
  if (!entry) {
    errs.push(`${res.status} content type ${res.headers['content-type']}, want one of ${Object.keys(resp.content).join(', ')}`);
    return errs;
  }
  const [ct, media] = entry;
  if (ct.includes('version=') && !(res.headers['content-type'] || '').replace(/\s/g, '').includes(ct.split(';')[1].trim()))
    errs.push(`content type ${res.headers['content-type']}, want ${ct}`);
  if (got === 'application/x-ndjson') {
    // NDJSON: the schema is one line's; every non-empty line must match it
    const v = validatorFor(media.schema);
    res.text.split('\n').forEach((line, i) => {
      if (line === '') return;
      let doc;
      try {
        doc = JSON.parse(line);
      } catch (e) {
        errs.push(`line ${i + 1} is not JSON: ${e.message}`);
        return;
      }
      if (!v(doc)) errs.push(`line ${i + 1} does not match the ${method} ${route.tpl} ${res.status} schema: ` +
        ajv.errorsText(v.errors));
    });
    return errs;
  }
  if (/json/.test(got)) {
    let doc;
    try {
      doc = JSON.parse(res.text);
    } catch (e) {
      errs.push(`body is not JSON: ${e.message}`);
      return errs;
    }
    const v = validatorFor(media.schema);
    if (!v(doc)) errs.push(`body does not match the ${method} ${route.tpl} ${res.status} schema: ` +
      ajv.errorsText(v.errors) + '\n' + res.text.slice(0, 600));
    if (res.status >= 400 && doc.status !== res.status) errs.push(`problem status ${doc.status} != HTTP ${res.status}`);
    if (res.status >= 400) checkInstance(doc, pathname, errs);
  }
  return errs;
}
