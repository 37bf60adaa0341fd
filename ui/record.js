// record.js -- one record at #/articles/{id}: title, site, author, date
// and the link to the original; the summary; keywords; tags per facet,
// each with its evidence (GET ?include=evidence: matched terms and score)
// shown on hover, focus or tap; the events as a dated timeline with their
// actors; the article text (its cleaned HTML, ?include=html, when the
// record has it, rebuilt by html.js; else the plain text);
// refresh, delete and edit-your-tags actions.
//
// Editing tags needs PATCH /articles/{id}; the action is offered only when
// the daemon's Allow header for the record lists PATCH.

import { allowedMethods, api } from './api.js';
import { h, outLink, replace, uid } from './dom.js';
import { formatDate, formatNumber, lang, languageName, t } from './i18n.js';
import { safeArticleHtml } from './html.js';
import {
  browseHref, confirmDialog, errorBox, facetName, failureText, jobPending, loadTagIndex,
  progressList, recLang, recordFacets, tagLabel, waitForJob,
} from './parts.js';
import { splitTags } from './save.js';

function metaList(rec) {
  const rows = [];
  const row = (key, value) => {
    if (value) rows.push(h('div', { class: 'meta-row' }, h('dt', {}, t(key)), h('dd', {}, value)));
  };
  row('record_site', rec.site_name ? String(rec.site_name) : null);
  const authors = Array.isArray(rec.authors) ? rec.authors.filter((a) => typeof a === 'string' && a) : [];
  row('record_author', authors.length ? authors.join(lang() === 'zh' ? '、' : ', ')
    : rec.author ? String(rec.author) : null);
  row('record_published', rec.published_at
    ? h('time', { datetime: String(rec.published_at) }, formatDate(rec.published_at)) : null);
  row('record_language', rec.language ? languageName(rec.language) : null);
  row('record_words', Number.isFinite(rec.word_count) && rec.word_count > 0
    ? t('words', { n: formatNumber(rec.word_count) }) : null);
  row('record_saved', rec.created_at
    ? h('time', { datetime: String(rec.created_at) }, formatDate(rec.created_at)) : null);
  row('record_original', rec.url ? outLink(rec.url) : null);
  return h('dl', { class: 'meta-list' }, rows);
}

function section(kind, title, ...body) {
  const id = uid('sec');
  return h('section', { class: `block block-${kind}`, 'aria-labelledby': id }, h('h2', { id }, title), body);
}

/** The evidence of one tag from tag_evidence, or null. */
function evidenceOf(rec, facet, tag) {
  const list = rec.tag_evidence?.[facet];
  if (!Array.isArray(list)) return null;
  return list.find((e) => e && e.label === tag) || null;
}

/** A tag with its evidence: shown on hover and focus, kept open by a tap. */
function tagWithEvidence(rec, facet, tag) {
  const evId = uid('ev');
  const ev = evidenceOf(rec, facet, tag);
  const label = tagLabel(facet, tag, lang());
  const terms = Array.isArray(ev?.terms) ? ev.terms.filter((x) => typeof x === 'string') : [];
  const box = h('div', { class: 'evidence', id: evId, role: 'note' },
    h('p', { class: 'evidence-title' }, t('evidence_for', { tag: label })),
    facet === 'user' ? h('p', {}, t('evidence_user'))
      : h('p', {}, terms.length ? t('evidence_terms', { terms: terms.join('、') }) : t('evidence_none')),
    Number.isFinite(ev?.score) ? h('p', {}, t('evidence_score', { score: formatNumber(ev.score) })) : null,
    h('p', {}, h('a', { href: browseHref({ tag: `${facet}:${tag}` }) }, t('tag_articles'))));
  const button = h('button', {
    type: 'button', class: ['chip', facet === 'user' ? 'chip-user' : 'chip-facet'],
    'aria-expanded': 'false', 'aria-controls': evId, 'aria-describedby': evId,
    data: { facet, tag },
  }, label);
  const li = h('li', { class: 'tag' }, button, box);
  button.addEventListener('click', () => {
    const open = !li.classList.contains('open');
    for (const other of document.querySelectorAll('.tag.open')) {
      other.classList.remove('open');
      other.querySelector('button').setAttribute('aria-expanded', 'false');
    }
    li.classList.toggle('open', open);
    button.setAttribute('aria-expanded', String(open));
  });
  li.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && li.classList.contains('open')) {
      li.classList.remove('open');
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    }
  });
  return li;
}

function tagsBlock(rec) {
  const facets = recordFacets(rec);
  if (!facets.length) return null;
  return section('tags', t('tags'), facets.map(([facet, list]) => {
    const id = uid('facet');
    return h('div', { class: 'record-facet', data: { facet } },
      h('h3', { id }, facetName(facet)),
      h('ul', { class: 'chips', 'aria-labelledby': id }, list.map((tag) => tagWithEvidence(rec, facet, tag))));
  }));
}

/** Events by date (undated ones last, in the article's order). */
export function sortEvents(events) {
  const list = (Array.isArray(events) ? events : []).filter((e) => e && typeof e.text === 'string');
  const dated = list.filter((e) => typeof e.date === 'string' && e.date);
  const undated = list.filter((e) => !(typeof e.date === 'string' && e.date));
  dated.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return [...dated, ...undated];
}

function timeline(rec) {
  const events = sortEvents(rec.events);
  if (!events.length) return section('events', t('events'), h('p', { class: 'hint' }, t('events_none')));
  return section('events', t('events'), h('ol', { class: 'timeline' }, events.map((e) => {
    const actors = Array.isArray(e.actors) ? e.actors.filter((a) => typeof a === 'string') : [];
    return h('li', { class: 'event', data: { date: e.date || '' } },
      e.date ? h('time', { datetime: e.date, class: 'event-date' }, formatDate(e.date))
        : h('span', { class: 'event-date undated' }, t('undated')),
      h('p', { class: 'event-text', lang: recLang(rec) }, e.text),
      actors.length ? h('p', { class: 'actors' }, h('span', { class: 'visually-hidden' }, `${t('actors')}: `),
        h('span', { class: 'actors-list' }, actors.map((a) => h('span', { class: 'actor' }, a)))) : null);
  })));
}

function textBlock(rec) {
  if (typeof rec.content_html === 'string' && rec.content_html) {
    const safe = safeArticleHtml(rec.content_html);
    if (safe) return section('text', t('text'), h('div', { class: 'article-text', lang: recLang(rec) }, safe));
  }
  const text = typeof rec.content === 'string' ? rec.content : '';
  if (!text.trim()) return section('text', t('text'), h('p', { class: 'hint' }, t('text_none')));
  const paras = text.split(/\n\s*\n|\n/).map((p) => p.trim()).filter(Boolean);
  return section('text', t('text'),
    h('div', { class: 'article-text', lang: recLang(rec) }, paras.map((p) => h('p', {}, p))));
}

/** The edit-your-tags form (PATCH), replacing the button while open. */
function editTagsForm(rec, ctx, done) {
  const id = uid('edit-tags');
  const inputEl = h('input', {
    id, type: 'text', value: (rec.tags?.user || []).join(', '), autocomplete: 'off',
    'aria-describedby': `${id}-hint`,
  });
  const out = h('div');
  const form = h('form', { class: 'edit-tags' },
    h('label', { for: id }, t('edit_tags_label')), inputEl,
    h('p', { class: 'hint', id: `${id}-hint` }, t('save_tags_hint')),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, t('save_tags_button')),
      h('button', { type: 'button', class: 'cancel' }, t('cancel'))), out);
  form.querySelector('.cancel').addEventListener('click', () => done(null));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('PATCH', `/articles/${encodeURIComponent(rec.id)}`, {
        body: { tags: splitTags(inputEl.value) }, signal: ctx.signal,
      });
      done(t('tags_saved'));
    } catch (e) {
      replace(out, errorBox(e));
    }
  });
  setTimeout(() => inputEl.focus(), 0);
  return form;
}

function actionsBar(rec, ctx, rerender) {
  const out = h('div', { class: 'action-out' });
  const refresh = h('button', { type: 'button', class: 'action-refresh' }, t('refresh'));
  const del = h('button', { type: 'button', class: 'danger action-delete' }, t('delete'));
  const edit = h('button', { type: 'button', class: 'action-edit-tags', hidden: true }, t('edit_tags'));
  const path = `/articles/${encodeURIComponent(rec.id)}`;

  refresh.addEventListener('click', async () => {
    refresh.disabled = true;
    const progress = progressList(true);
    replace(out, h('p', {}, t('refreshing')), progress.el);
    try {
      const { data } = await api('POST', `${path}/refresh`, { signal: ctx.signal });
      progress.update(data);
      const end = jobPending(data) ? await waitForJob(rec.id, progress, ctx.signal) : data;
      const lr = end.last_refresh;
      rerender(lr && lr.status === 'failed' ? t('refresh_failed', { reason: failureText(lr.error) }) : t('refreshed'));
    } catch (e) {
      out.append(errorBox(e) || '');
      refresh.disabled = false;
    }
  });
  del.addEventListener('click', async () => {
    if (!(await confirmDialog(t('delete_confirm'), t('delete')))) return;
    try {
      await api('DELETE', path, { signal: ctx.signal });
      ctx.flash(t('deleted', { title: rec.title || rec.url || rec.id }));
      window.location.hash = '/';
    } catch (e) {
      replace(out, errorBox(e));
    }
  });
  edit.addEventListener('click', () => {
    replace(out, editTagsForm(rec, ctx, (msg) => (msg ? rerender(msg) : replace(out))));
  });
  // offered only when the daemon takes PATCH on records
  allowedMethods(path).then((allow) => {
    if (allow.includes('PATCH') && !ctx.signal.aborted) edit.hidden = false;
    edit.dataset.checked = 'true';
  });
  return section('actions', t('actions'), h('div', { class: 'buttons' }, refresh, edit, del), out);
}

function renderRecord(main, rec, ctx, rerender, note) {
  const keywords = Array.isArray(rec.keywords) ? rec.keywords.filter((k) => typeof k === 'string') : [];
  const failed = rec.status === 'failed' && rec.error
    ? h('p', { class: 'error', role: 'alert' }, failureText(rec.error)) : null;
  // a ready record whose last refresh failed is the last good version
  const lr = rec.status === 'ready' && rec.last_refresh?.status === 'failed' ? rec.last_refresh : null;
  const stale = lr ? h('p', { class: 'note' }, t('last_refresh_failed', {
    at: formatDate(lr.at), reason: failureText(lr.error),
  })) : null;
  // read again elsewhere (another tab, a script): this is the version before
  const busy = rec.status === 'ready' && jobPending(rec) && !note ? h('p', { class: 'note' }, t('being_refreshed')) : null;
  replace(main,
    h('p', { class: 'back' }, h('a', { href: '#/' }, t('back_to_list'))),
    // on a wide screen the side column holds what is scanned (facts,
    // actions, keywords, tags) beside what is read; narrower, one column
    h('article', { class: 'record', data: { id: rec.id, status: rec.status } },
      h('div', { class: 'record-head' },
        h('h1', { tabindex: '-1', lang: rec.title ? recLang(rec) : null }, String(rec.title || rec.url || t('untitled'))),
        note ? h('p', { class: 'note', role: 'status' }, note) : null,
        failed, stale, busy),
      h('div', { class: 'record-side' },
        metaList(rec),
        actionsBar(rec, ctx, rerender),
        keywords.length ? section('keywords', t('keywords'),
          h('ul', { class: 'keywords', lang: recLang(rec) }, keywords.map((k) => h('li', {}, k)))) : null,
        tagsBlock(rec)),
      h('div', { class: 'record-main' },
        rec.summary ? section('summary', t('summary'),
          h('p', { class: 'summary', lang: recLang(rec) }, String(rec.summary))) : null,
        timeline(rec),
        textBlock(rec))));
}

export function renderRecordView(main, ctx, id) {
  const path = `/articles/${encodeURIComponent(id)}`;
  const load = async (note) => {
    try {
      const [{ data }] = await Promise.all([
        api('GET', path, { query: { include: 'content,evidence,html' }, signal: ctx.signal }),
        loadTagIndex(ctx.signal).catch(() => null),
      ]);
      // a first read still running: its progress, then the record (a
      // refresh in progress shows the ready record as it stands)
      if (jobPending(data) && data.status !== 'ready') {
        const progress = progressList();
        replace(main, h('h1', { tabindex: '-1' }, String(data.title || data.url || t('untitled'))), progress.el);
        progress.update(data);
        await waitForJob(id, progress, ctx.signal);
        return load(note);
      }
      renderRecord(main, data, ctx, load, note);
      ctx.setTitle(String(data.title || data.url || id));
      if (note) main.querySelector('h1')?.focus();
      else ctx.focusHeading();
    } catch (e) {
      if (e?.name === 'AbortError') return;
      replace(main, h('h1', { tabindex: '-1' }, e?.status === 404 ? t('not_found') : t('error_title')),
        errorBox(e), h('p', {}, h('a', { href: '#/' }, t('back_to_list'))));
    }
  };
  replace(main, h('p', { class: 'hint', role: 'status' }, t('loading')));
  load(null);
  return { title: t('loading') };
}
