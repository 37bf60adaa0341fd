// api.js -- the page's only way to skimd: its public HTTP API.
//
// Every call goes through api(): JSON in and out, problem documents
// (RFC 9457) turned into ApiError, the API key (kept in sessionStorage,
// so it lives as long as the tab) sent as "Authorization: Bearer". A 401
// asks for the key through the prompt the app installs (setKeyPrompt) and
// retries once with what was entered; a second 401, or a cancelled
// prompt, is an ApiError with status 401. The API sits one level above
// /ui/, so skimd behind a path prefix works too.

const KEY_NAME = 'skimd.apiKey';
const BASE = new URL('../', window.location.href);

export class ApiError extends Error {
  /** status: HTTP status (0 = no answer); problem: the problem document or null. */
  constructor(status, problem, message) {
    super(message || problem?.detail || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || null;
    this.retryAfter = null;
  }
}

let keyPrompt = async () => null;

/** fn(reason) -> Promise<string|null>; reason is 'needed' or 'refused'. */
export function setKeyPrompt(fn) {
  keyPrompt = fn;
}

export function apiKey() {
  try {
    return sessionStorage.getItem(KEY_NAME) || '';
  } catch {
    return '';
  }
}

export function setApiKey(k) {
  try {
    if (k) sessionStorage.setItem(KEY_NAME, k);
    else sessionStorage.removeItem(KEY_NAME);
  } catch { /* storage off: the key is asked for again */ }
}

/** The URL of an API path with query parameters (empty values left out). */
export function apiUrl(path, query = {}) {
  const u = new URL(path.replace(/^\//, ''), BASE);
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  }
  return u;
}

async function once(method, path, { body, query, signal }) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(apiUrl(path, query), {
      method, headers, signal, cache: 'no-store', credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null, e.message);
  }
  return res;
}

async function readBody(res) {
  if (res.status === 204 || res.status === 304) return null;
  const type = res.headers.get('Content-Type') || '';
  if (!/json/.test(type)) return null;
  try {
    return await res.json();
  } catch {
    return null;
  }
}

/**
 * api('GET', '/articles', {query, body, signal}) -> {status, data, headers}.
 * Throws ApiError for any non-2xx answer or no answer, AbortError when
 * signal aborts.
 */
export async function api(method, path, opts = {}) {
  let res = await once(method, path, opts);
  if (res.status === 401) {
    const had = !!apiKey();
    const k = await keyPrompt(had ? 'refused' : 'needed');
    if (k) {
      setApiKey(k);
      res = await once(method, path, opts);
    }
  }
  const data = await readBody(res);
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 429) err.retryAfter = res.headers.get('Retry-After');
    throw err;
  }
  return { status: res.status, data, headers: res.headers };
}

/** The methods the API allows on a path (from OPTIONS' Allow header). */
export async function allowedMethods(path) {
  try {
    const res = await once('OPTIONS', path, {});
    return (res.headers.get('Allow') || '').split(',').map((m) => m.trim().toUpperCase()).filter(Boolean);
  } catch {
    return [];
  }
}
