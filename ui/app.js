// app.js -- the page's start: language, the API-key prompt, links dropped
// on the page, and the router.
//
// Addresses are in the fragment, so /ui/ is the only page skimd serves:
//   #/                 browse (filters in the query: #/?tag=technology:大模型&q=…)
//   #/save             save a link
//   #/articles/{id}    one record
// Each view renders into <main> and gets an AbortSignal that ends its
// requests and polls when the address changes.

import { apiKey, setApiKey, setKeyPrompt } from './api.js';
import { h, replace, safeHref } from './dom.js';
import { initLang, lang, setLang, t, translateStatic } from './i18n.js';
import { renderBrowse } from './browse.js';
import { filtersFrom } from './parts.js';
import { renderRecordView } from './record.js';
import { renderSave } from './save.js';

const main = document.getElementById('main');
const flashBox = document.getElementById('flash');
let current = null;            // {controller} of the view on screen
let dropped = null;            // a link dropped on the page, for the save view
let pendingFlash = null;
let firstRender = true;

function flash(msg) {
  pendingFlash = msg;
}

function showFlash() {
  replace(flashBox, pendingFlash ? h('p', {}, pendingFlash) : null);
  pendingFlash = null;
}

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  return { path: path || '/', params: new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '') };
}

function notFound(m) {
  replace(m, h('h1', { tabindex: '-1' }, t('page_not_found')),
    h('p', {}, h('a', { href: '#/' }, t('back_to_list'))));
  return { title: t('page_not_found') };
}

function route() {
  const { path, params } = parseHash();
  if (!path.startsWith('/')) return;            // an in-page anchor
  // a filter changed in place: focus comes back to that field
  const was = document.activeElement;
  const keep = main.contains(was) && was.name ? `[name="${was.name}"]` : null;
  const sameView = main.dataset.view;
  current?.controller.abort();
  const controller = new AbortController();
  current = { controller };
  const navigated = !firstRender;
  const ctx = {
    signal: controller.signal,
    // a view that fills in later moves focus to its heading when it does,
    // unless the person has moved on meanwhile
    focusHeading: () => {
      const a = document.activeElement;
      if (navigated && (a === main || a === document.body || !a)) main.querySelector('h1')?.focus();
    },
    filters: filtersFrom(params),
    flash,
    setTitle: (s) => { document.title = `${s} — skimd`; },
  };
  let view;
  let name = 'browse';
  const rec = /^\/articles\/([^/]+)$/.exec(path);
  if (path === '/') view = renderBrowse(main, ctx);
  else if (path === '/save') {
    name = 'save';
    ctx.dropped = dropped;
    dropped = null;
    view = renderSave(main, ctx);
  } else if (rec) {
    name = 'record';
    view = renderRecordView(main, ctx, decodeURIComponent(rec[1]));
  } else {
    name = 'none';
    view = notFound(main);
  }
  main.dataset.view = name;
  ctx.setTitle(view.title);
  for (const a of document.querySelectorAll('.nav a')) {
    if (a.dataset.route === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  showFlash();
  // after a navigation, reading starts at the new view's heading
  const again = keep && sameView === name ? main.querySelector(keep) : null;
  if (again) again.focus();
  else if (!firstRender) (main.querySelector('h1') || main).focus();
  firstRender = false;
}

/* --- API key ---------------------------------------------------------- */

const keyDialog = document.getElementById('key-dialog');
const keyInput = document.getElementById('key-input');

function askKey(reason) {
  document.getElementById('key-reason').textContent =
    t(reason === 'refused' ? 'key_refused' : reason === 'manual' ? 'key_manual' : 'key_needed');
  keyInput.value = '';
  keyDialog.returnValue = '';
  return new Promise((resolve) => {
    keyDialog.addEventListener('close', () => {
      const k = keyDialog.returnValue === 'ok' ? keyInput.value.trim() : '';
      keyInput.value = '';
      updateKeyButton();
      resolve(k || null);
    }, { once: true });
    keyDialog.showModal();
    keyInput.focus();
  });
}

function updateKeyButton() {
  const b = document.getElementById('key-button');
  b.textContent = apiKey() ? t('key_forget') : t('key_button');
}

document.getElementById('key-button').addEventListener('click', async () => {
  if (apiKey()) {
    setApiKey('');
    replace(flashBox, h('p', {}, t('key_forgotten')));
  } else {
    const k = await askKey('manual');
    if (k) {
      setApiKey(k);
      replace(flashBox, h('p', {}, t('key_saved')));
    }
  }
  updateKeyButton();
});

/* --- links dropped on the page ---------------------------------------- */

function droppedUrl(dt) {
  const list = (dt.getData('text/uri-list') || '').split(/\r?\n/).filter((l) => l && !l.startsWith('#'));
  for (const c of [...list, (dt.getData('text/plain') || '').trim()]) {
    const href = safeHref(c.trim());
    if (href) return href;
  }
  return null;
}

const overlay = document.getElementById('drop-overlay');
const carriesLink = (e) => [...(e.dataTransfer?.types || [])].some((x) => x === 'text/uri-list' || x === 'text/plain');
document.addEventListener('dragover', (e) => {
  if (!carriesLink(e)) return;
  e.preventDefault();
  overlay.classList.add('on');
});
document.addEventListener('dragleave', (e) => {
  if (!e.relatedTarget) overlay.classList.remove('on');
});
document.addEventListener('drop', (e) => {
  overlay.classList.remove('on');
  if (!e.dataTransfer) return;
  const url = droppedUrl(e.dataTransfer);
  if (!url) return;
  e.preventDefault();
  dropped = url;
  if (window.location.hash === '#/save') route();
  else window.location.hash = '/save';
});

/* --- start -------------------------------------------------------------- */

function applyLang() {
  translateStatic();
  document.getElementById('lang-switch').value = lang();
  updateKeyButton();
}

initLang();
applyLang();
document.getElementById('lang-switch').addEventListener('change', (e) => {
  setLang(e.target.value);
  applyLang();
  route();
});
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
setKeyPrompt(askKey);
window.addEventListener('hashchange', route);
route();
