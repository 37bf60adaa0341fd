// dom.js -- building the page without ever parsing text as HTML.
//
// Everything a record holds (title, text, tags, evidence, event text) is
// hostile: it reaches the page only as text nodes and attribute values set
// through the DOM, never through innerHTML, insertAdjacentHTML or
// document.write. Links to the outside are made by safeHref(), which keeps
// http(s) URLs only, so a "javascript:" URL in a record never becomes a link.

/**
 * h('a', {class: 'x', href: '#/', on: {click: fn}, data: {id: 1}}, 'text', child)
 * Builds an element. Props: class, text (textContent), on (event
 * listeners), data (dataset), any other key is set as an attribute
 * (false/null/undefined leave it out, true sets it empty). Children:
 * strings and numbers become text nodes, null/false are skipped, arrays
 * are flattened.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'data') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** Append children (see h) to el; returns el. */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

/** Remove every child of el, then append children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** The URL when it is an absolute http or https URL, else null. */
export function safeHref(url) {
  if (typeof url !== 'string' || url.length > 4096) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** A link that leaves skimd: opens in a new tab, sends no referrer. */
export function outLink(url, text) {
  const href = safeHref(url);
  if (!href) return h('span', { class: 'url' }, text ?? String(url ?? ''));
  return h('a', { href, rel: 'noopener noreferrer nofollow', target: '_blank' }, text ?? href);
}

let ids = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix = 'id') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** Resolve after ms, or reject with an AbortError when signal aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new DOMException('aborted', 'AbortError'));
    }, { once: true });
  });
}
