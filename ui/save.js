// save.js -- the "Save a link" view: POST /articles with the link and the
// person's own tags, then the job's progress (queued -> fetching ->
// ready / failed with the reason) and the record it made.
//
// A link dropped anywhere on the page arrives here as ctx.dropped and is
// saved at once.

import { api } from './api.js';
import { h, replace, safeHref, uid } from './dom.js';
import { lang, t } from './i18n.js';
import {
  browseHref, errorBox, jobPending, progressList, recordCard, recordHref, waitForJob,
} from './parts.js';

/** "a, b，c" -> ['a', 'b', 'c'] (commas of both widths, blanks dropped). */
export function splitTags(s) {
  return String(s || '').split(/[,，、]/).map((x) => x.trim()).filter(Boolean);
}

function field(id, label, hint, input) {
  const hintId = `${id}-hint`;
  input.id = id;
  input.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' },
    h('label', { for: id }, label), input, h('p', { class: 'hint', id: hintId }, hint));
}

export function renderSave(main, ctx) {
  const urlInput = h('input', {
    type: 'url', name: 'url', required: true, autocomplete: 'url', inputmode: 'url',
    placeholder: 'https://', spellcheck: 'false',
  });
  const tagsInput = h('input', { type: 'text', name: 'tags', autocomplete: 'off' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('save_submit'));
  const out = h('div', { class: 'save-out' });
  const form = h('form', { class: 'save-form', novalidate: true },
    field(uid('save-url'), t('save_url'), t('save_url_hint'), urlInput),
    field(uid('save-tags'), t('save_tags'), t('save_tags_hint'), tagsInput),
    h('div', { class: 'buttons' }, button));

  const submit = async () => {
    const url = urlInput.value.trim();
    if (!safeHref(url)) {
      replace(out, h('p', { class: 'error', role: 'alert' }, t('save_bad_url')));
      urlInput.setAttribute('aria-invalid', 'true');
      urlInput.focus();
      return;
    }
    urlInput.removeAttribute('aria-invalid');
    const tags = splitTags(tagsInput.value);
    button.disabled = true;
    const progress = progressList();
    replace(out, progress.el);
    try {
      const body = tags.length ? { url, tags } : { url };
      const { status, data } = await api('POST', '/articles', { body, signal: ctx.signal });
      progress.update(data);
      let rec = data;
      if (status === 200) out.append(h('p', { class: 'note' }, t('save_exists')));
      if (jobPending(rec)) rec = await waitForJob(rec.id, progress, ctx.signal);
      out.append(
        recordCard(rec, { uiLang: lang(), headingLevel: 2, tagHref: (f, tg) => browseHref({ tag: `${f}:${tg}` }) }),
        h('p', {}, h('a', { href: recordHref(rec.id), class: 'open-record' }, t('open_record'))));
      urlInput.value = '';
    } catch (e) {
      const box = errorBox(e);
      if (box) out.append(box);
    } finally {
      button.disabled = false;
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });

  replace(main,
    h('h1', { tabindex: '-1' }, t('save_title')),
    form, out);
  if (ctx.dropped) {
    urlInput.value = ctx.dropped;
    submit();
  }
  return { title: t('save_title') };
}
