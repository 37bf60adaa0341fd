// parts.js -- pieces the views share: error text, tag labels and links,
// record cards, the job progress list and the wait for a job to end,
// and the confirmation dialog.
//
// Nothing here parses markup: see dom.js.

import { api, ApiError } from './api.js';
import { h, sleep, uid } from './dom.js';
import { formatDate, languageName, t } from './i18n.js';

const FILTER_KEYS = ['q', 'tag', 'lang', 'since', 'until', 'status'];

/** The browse address for a set of filters ({q, tag, ...}; empty left out). */
export function browseHref(filters = {}) {
  const qs = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filters[k]) qs.set(k, filters[k]);
  const s = qs.toString();
  return s ? `#/?${s}` : '#/';
}

/** The filters of a browse address's query (unknown keys dropped). */
export function filtersFrom(params) {
  const f = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  return f;
}

export const recordHref = (id) => `#/articles/${encodeURIComponent(id)}`;

/** What to tell a person about a failed call. */
export function errorText(e) {
  if (e instanceof ApiError) {
    if (e.status === 401) return t('err_401');
    if (e.status === 0) return t('err_network', { detail: e.message });
    if (e.status === 429) return t('err_429', { seconds: e.retryAfter || '1' });
    const p = e.problem || {};
    return t('err_http', { status: e.status, title: p.title || '', detail: p.detail || e.message });
  }
  return String(e?.message || e);
}

/** A role=alert paragraph for an error (or nothing for an abort). */
export function errorBox(e) {
  if (e?.name === 'AbortError') return null;
  return h('p', { class: 'error', role: 'alert' }, errorText(e));
}

/* --- tags ---------------------------------------------------------- */

// facet:tag -> the GET /tags item (labels per language, count), filled by
// loadTagIndex() and read by tagLabel().
const tagIndex = new Map();

/** GET /tags; remembers the labels; returns the items. */
export async function loadTagIndex(signal) {
  const { data } = await api('GET', '/tags', { signal });
  const items = Array.isArray(data?.items) ? data.items : [];
  tagIndex.clear();
  for (const it of items) tagIndex.set(`${it.facet}:${it.tag}`, it);
  return items;
}

/** A tag's label in the interface language (the stored label otherwise;
 * the person's own tags always as they typed them). */
export function tagLabel(facet, tag, uiLang) {
  if (facet === 'user') return String(tag);
  const it = tagIndex.get(`${facet}:${tag}`);
  const l = it?.labels?.[uiLang];
  return typeof l === 'string' && l ? l : String(tag);
}

/** A facet's name for people ("technology" -> "Technology"). */
export function facetName(facet) {
  const key = `facet_${facet}`;
  const s = t(key);
  return s === key ? String(facet) : s;
}

/** Facets in the order people look for them, then the rest by name. */
export function facetOrder(facets) {
  const first = ['technology', 'industry', 'user'];
  return [...new Set(facets)].sort((a, b) => {
    const ia = first.indexOf(a), ib = first.indexOf(b);
    if (ia !== ib) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The record's tags as [[facet, [tag...]]] in facet order. */
export function recordFacets(rec) {
  const tags = rec?.tags && typeof rec.tags === 'object' ? rec.tags : {};
  return facetOrder(Object.keys(tags))
    .map((f) => [f, Array.isArray(tags[f]) ? tags[f].filter((x) => typeof x === 'string') : []])
    .filter(([, list]) => list.length);
}

/* --- records ------------------------------------------------------- */

export { failureText };

/** The record's language as a lang attribute value, or null when it is
 * not a plain language code (the attribute is then left out). */
export function recLang(rec) {
  return typeof rec?.language === 'string' && /^[a-z]{2,3}$/.test(rec.language) ? rec.language : null;
}

export function statusBadge(status) {
  const s = ['queued', 'fetching', 'ready', 'failed'].includes(status) ? status : 'queued';
  return h('span', { class: `badge badge-${s}` }, t(`status_${s}`));
}

/** "site · date · language" for a record, as text pieces. */
function metaLine(rec) {
  const bits = [];
  if (rec.site_name) bits.push(String(rec.site_name));
  if (rec.published_at) bits.push(formatDate(rec.published_at));
  if (rec.language) bits.push(languageName(rec.language));
  return bits.join(' · ');
}

/**
 * A record as a card in a list: title linking to its page, site, date,
 * language, status when not ready, the failure reason, the summary and
 * its tags (each a link to the articles with that tag).
 * opts: uiLang, headingLevel (2 or 3), tagHref(facet, tag).
 */
export function recordCard(rec, opts) {
  const heading = `h${opts.headingLevel || 2}`;
  const title = rec.title || rec.url || t('untitled');
  const tagLinks = [];
  for (const [facet, list] of recordFacets(rec)) {
    for (const tag of list.slice(0, 6)) {
      tagLinks.push(h('li', {}, h('a', {
        class: `chip chip-${facet === 'user' ? 'user' : 'facet'}`,
        href: opts.tagHref(facet, tag),
        'aria-label': t('facet_tag', { facet: facetName(facet), tag: tagLabel(facet, tag, opts.uiLang) }),
      }, tagLabel(facet, tag, opts.uiLang))));
    }
  }
  const failed = rec.status === 'failed' && rec.error ? h('p', { class: 'error-inline' }, failureText(rec.error)) : null;
  return h('article', { class: 'card', data: { id: rec.id } },
    h(heading, { class: 'card-title', lang: rec.title ? recLang(rec) : null },
      h('a', { href: recordHref(rec.id) }, String(title))),
    h('p', { class: 'meta' }, metaLine(rec), ' ', rec.status !== 'ready' ? statusBadge(rec.status) : null),
    failed,
    rec.summary ? h('p', { class: 'card-summary', lang: recLang(rec) }, String(rec.summary)) : null,
    tagLinks.length ? h('ul', { class: 'chips', 'aria-label': t('tags') }, tagLinks) : null);
}

/* --- job progress --------------------------------------------------- */

/**
 * Where a record's newest request stands: 'queued', 'fetching', 'ready'
 * or 'failed', with the failure. The record's `job` says while one is
 * pending (queued, or running under a worker's lease); a ready record
 * stays ready while it is read again, and how a refresh ended is in
 * `last_refresh`; a first read also shows in `status`.
 */
export function jobPhase(rec, refresh = false) {
  const job = rec?.job?.state;
  if (job === 'running') return { phase: 'fetching', error: null };
  if (job) return { phase: 'queued', error: null };
  if (rec?.status === 'queued' || rec?.status === 'fetching') return { phase: rec.status, error: null };
  if (refresh && rec?.last_refresh)
    return { phase: rec.last_refresh.status === 'failed' ? 'failed' : 'ready', error: rec.last_refresh.error || null };
  return { phase: rec?.status === 'failed' ? 'failed' : 'ready', error: rec?.error || null };
}

/** True while the record's newest request is still to end. */
export function jobPending(rec) {
  const { phase } = jobPhase(rec);
  return phase === 'queued' || phase === 'fetching';
}

function failureText(error) {
  return t('failed_reason', { code: String(error?.code || ''), message: String(error?.message || '') });
}

/**
 * The steps a job goes through, queued -> fetching -> ready | failed,
 * each marked when reached (with the time it was seen). update(rec)
 * moves it on (a refresh's end is read from last_refresh); the element
 * carries data-state = the current phase.
 */
export function progressList(refresh = false) {
  const steps = ['queued', 'fetching', 'done'];
  const items = {};
  const seen = {};
  const label = uid('progress');
  const now = h('p', { class: 'progress-now' });
  const list = h('ol', { class: 'steps', 'aria-labelledby': label });
  for (const s of steps) {
    items[s] = h('li', { class: 'step todo', data: { step: s } },
      h('span', { class: 'step-name' }, t(s === 'done' ? 'step_ready' : `step_${s}`)),
      h('span', { class: 'step-time' }));
    list.append(items[s]);
  }
  const el = h('div', { class: 'progress', role: 'status', 'aria-live': 'polite' },
    h('h2', { id: label, class: 'progress-title' }, t('progress_label')), list, now);
  const update = (rec) => {
    const { phase: st, error } = jobPhase(rec, refresh);
    const at = steps.indexOf(st === 'ready' || st === 'failed' ? 'done' : st);
    el.dataset.state = st;
    steps.forEach((s, i) => {
      const li = items[s];
      if (i <= at && !seen[s]) {
        seen[s] = new Date();
        li.querySelector('.step-time').textContent =
          seen[s].toLocaleTimeString(document.documentElement.lang, { hour12: false });
      }
      li.className = `step ${i < at || (i === at && s === 'done') ? 'done' : i === at ? 'current' : 'todo'}`;
      if (s === 'done') {
        li.classList.toggle('failed', st === 'failed');
        li.querySelector('.step-name').textContent = t(st === 'failed' ? 'step_failed' : 'step_ready');
      }
      if (i === at) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    });
    now.textContent = st === 'failed' && error ? failureText(error) : t('progress_now', { status: t(`status_${st}`) });
    now.classList.toggle('error', st === 'failed');
  };
  return { el, update };
}

/**
 * Poll GET /articles/{id} until it is ready or failed, telling progress
 * at each answer; resolves with the final record. The first poll comes
 * at once, later ones at growing intervals (0.3 s up to 2 s).
 */
export async function waitForJob(id, progress, signal) {
  let delay = 300;
  for (;;) {
    const { data } = await api('GET', `/articles/${encodeURIComponent(id)}`, { signal });
    progress.update(data);
    if (!jobPending(data)) return data;
    await sleep(delay, signal);
    delay = Math.min(2000, Math.round(delay * 1.25));
  }
}

/* --- confirmation --------------------------------------------------- */

/**
 * Ask yes/no in the page's own <dialog> (never window.confirm): resolves
 * true when the person chose `okLabel`.
 */
export function confirmDialog(message, okLabel) {
  const dlg = document.getElementById('confirm-dialog');
  dlg.querySelector('.confirm-message').textContent = message;
  dlg.querySelector('.confirm-ok').textContent = okLabel;
  dlg.querySelector('.confirm-cancel').textContent = t('cancel');
  dlg.returnValue = '';
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
    dlg.showModal();
    dlg.querySelector('.confirm-cancel').focus();
  });
}
