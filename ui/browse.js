// browse.js -- the list view: newest first, page after page through the
// API's cursors (a "More articles" button, pressed by itself when it
// scrolls into view), with filters that live in the address
// (#/?q=...&tag=facet:tag&lang=..&since=..&until=..&status=..) so a view
// can be bookmarked and shared. Facet filters come from GET /tags with
// their counts; choosing a tag replaces the tag filter (the API takes one),
// choosing it again removes it.

import { api } from './api.js';
import { h, replace, uid } from './dom.js';
import { lang, languageName, t } from './i18n.js';
import {
  browseHref, errorBox, facetName, facetOrder, loadTagIndex, recordCard, tagLabel,
} from './parts.js';

const PAGE = 20;
const TOP_TAGS = 12;
const LANGS = ['zh', 'en', 'ja', 'ko', 'fr', 'de', 'es', 'ru'];
const STATUSES = ['ready', 'failed', 'queued', 'fetching'];

function select(id, name, label, value, options) {
  const sel = h('select', { id, name },
    h('option', { value: '' }, t('any')),
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  return h('div', { class: 'field' }, h('label', { for: id }, label), sel);
}

function input(id, name, label, type, value, hint) {
  const hintId = hint ? `${id}-hint` : null;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, name, type, value: value || '', 'aria-describedby': hintId }),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
}

/** The filter form; applying it moves to the address of its values. */
function filterForm(filters) {
  const k = uid('f');
  const form = h('form', { class: 'filter-form', role: 'search', 'aria-label': t('filters') },
    input(`${k}-q`, 'q', t('search_label'), 'search', filters.q, t('search_hint')),
    select(`${k}-lang`, 'lang', t('lang_filter'), filters.lang,
      LANGS.map((c) => [c, `${languageName(c)} (${c})`])),
    input(`${k}-since`, 'since', t('since'), 'date', filters.since),
    input(`${k}-until`, 'until', t('until'), 'date', filters.until),
    select(`${k}-status`, 'status', t('status_filter'), filters.status,
      STATUSES.map((s) => [s, t(`status_${s}`)])),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, t('apply')),
      h('a', { href: '#/', class: 'button-link' }, t('clear_filters'))));
  const go = () => {
    const f = { tag: filters.tag };
    for (const el of form.elements) if (el.name && el.value.trim()) f[el.name] = el.value.trim();
    window.location.hash = browseHref(f).slice(1);
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go();
  });
  for (const el of form.querySelectorAll('select, input[type=date]')) el.addEventListener('change', go);
  return form;
}

/** One facet's tags as links with counts, the top ones first. */
function facetBlock(facet, items, filters) {
  const headId = uid('facet');
  const sorted = [...items].sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : 1));
  const list = h('ul', { class: 'facet-tags', 'aria-labelledby': headId });
  const uiLang = lang();
  sorted.forEach((it, i) => {
    const value = `${it.facet}:${it.tag}`;
    const on = filters.tag === value;
    const label = tagLabel(it.facet, it.tag, uiLang);
    list.append(h('li', { class: i >= TOP_TAGS ? 'extra' : null },
      h('a', {
        href: browseHref({ ...filters, tag: on ? '' : value }),
        class: ['chip', it.facet === 'user' ? 'chip-user' : 'chip-facet', on && 'chip-on'],
        'aria-current': on ? 'true' : null,
        'aria-label': t('tag_count', { tag: label, count: it.count }),
        data: { facet: it.facet, tag: it.tag },
      }, label, ' ', h('span', { class: 'count', 'aria-hidden': 'true' }, String(it.count)))));
  });
  let toggle = null;
  if (sorted.length > TOP_TAGS) {
    list.classList.add('collapsed');
    toggle = h('button', { type: 'button', class: 'link-button', 'aria-expanded': 'false' },
      t('more_tags', { n: sorted.length }));
    toggle.addEventListener('click', () => {
      const open = list.classList.toggle('collapsed') === false;
      toggle.setAttribute('aria-expanded', String(open));
      toggle.textContent = open ? t('fewer_tags') : t('more_tags', { n: sorted.length });
    });
  }
  return h('section', { class: 'facet', data: { facet } },
    h('h3', { id: headId }, facetName(facet)), list, toggle);
}

/** The filters in force, each with a link that removes it. */
function activeFilters(filters) {
  const items = [];
  for (const [k, v] of Object.entries(filters)) {
    let text = v;
    if (k === 'tag') {
      const i = v.indexOf(':');
      text = i > 0 ? t('facet_tag', { facet: facetName(v.slice(0, i)), tag: tagLabel(v.slice(0, i), v.slice(i + 1), lang()) }) : v;
    } else if (k === 'lang') text = languageName(v);
    else if (k === 'status') text = t(`status_${v}`);
    const label = t(`filter_${k}`, { v: text });
    items.push(h('li', { class: 'active-filter', data: { key: k } },
      h('span', {}, label),
      h('a', { href: browseHref({ ...filters, [k]: '' }), class: 'remove', 'aria-label': t('remove_filter', { f: label }) }, '×')));
  }
  return items.length ? h('ul', { class: 'active-filters', 'aria-label': t('active_filters') }, items) : null;
}

async function fillFacets(box, filters, signal) {
  try {
    const items = await loadTagIndex(signal);
    const by = new Map();
    for (const it of items) {
      if (!by.has(it.facet)) by.set(it.facet, []);
      by.get(it.facet).push(it);
    }
    const blocks = facetOrder([...by.keys()]).map((f) => facetBlock(f, by.get(f), filters));
    replace(box, blocks.length ? blocks : h('p', { class: 'hint' }, t('no_tags')));
  } catch (e) {
    replace(box, errorBox(e));
  }
}

/** The list, its "more" button and the observer that presses it. */
function resultList(filters, ctx) {
  const list = h('ol', { class: 'cards' });
  const info = h('p', { class: 'list-info', role: 'status' });
  const more = h('button', { type: 'button', class: 'more' }, t('load_more'));
  more.hidden = true;
  const errors = h('div');
  let cursor = null, loading = false, shown = 0;
  const query = { ...filters, limit: PAGE };
  const tagHref = (f, tg) => browseHref({ ...filters, tag: `${f}:${tg}` });

  const load = async () => {
    if (loading) return;
    loading = true;
    more.disabled = true;
    info.textContent = t('loading');
    try {
      const { data } = await api('GET', '/articles', { query: { ...query, cursor }, signal: ctx.signal });
      const items = Array.isArray(data?.items) ? data.items : [];
      for (const rec of items)
        list.append(h('li', {}, recordCard(rec, { uiLang: lang(), headingLevel: 3, tagHref })));
      shown += items.length;
      cursor = data?.next_cursor || null;
      more.hidden = !cursor;
      info.textContent = shown === 0 ? t('no_results')
        : `${t('n_shown', { n: shown })}${cursor ? '' : ` · ${t('end_of_list')}`}`;
      replace(errors);
      // a tall screen may show the button after a page: no scroll will
      // bring it into view, so the next page comes now
      if (cursor && more.getBoundingClientRect().top < window.innerHeight + 200)
        setTimeout(() => { if (!ctx.signal.aborted) load(); }, 0);
    } catch (e) {
      info.textContent = '';
      replace(errors, errorBox(e));
    } finally {
      loading = false;
      more.disabled = false;
    }
  };
  more.addEventListener('click', load);
  if ('IntersectionObserver' in window) {
    const io = new IntersectionObserver((entries) => {
      if (entries.some((en) => en.isIntersecting) && cursor && !loading) load();
    }, { rootMargin: '200px' });
    io.observe(more);
    ctx.signal.addEventListener('abort', () => io.disconnect(), { once: true });
  }
  return { el: h('div', { class: 'results' }, info, list, errors, more), load };
}

export function renderBrowse(main, ctx) {
  const filters = ctx.filters;
  const facetsBox = h('div', { class: 'facets' }, h('p', { class: 'hint' }, t('loading')));
  const details = h('details', { class: 'filters', open: window.matchMedia('(min-width: 50em)').matches },
    h('summary', {}, h('h2', {}, t('filters'),
      Object.keys(filters).length ? ` (${Object.keys(filters).length})` : '')),
    filterForm(filters), facetsBox);
  const results = resultList(filters, ctx);
  const headId = uid('results');
  const active = h('div', { class: 'active' }, activeFilters(filters));
  replace(main,
    h('h1', { tabindex: '-1', id: headId }, t('browse_title')),
    active,
    h('div', { class: 'browse' }, details,
      h('section', { class: 'results-section', 'aria-labelledby': headId }, results.el)));
  // the tags first: their labels in the interface language name the
  // chips on the cards
  fillFacets(facetsBox, filters, ctx.signal).then(() => {
    if (ctx.signal.aborted) return;
    replace(active, activeFilters(filters));
    results.load();
  });
  return { title: t('browse_title') };
}
