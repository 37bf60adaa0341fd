// html.js -- a record's cleaned article HTML (content_html), rebuilt safe.
//
// skimd sanitizes content_html when it stores it, and the page does not
// rely on that: the markup is parsed into an inert document (DOMParser
// runs no script and loads nothing) and copied element by element into
// new nodes, keeping only text-structure elements, no attributes at all
// but a link's href when it is http(s), and never an image or any other
// element that would load something. What is not kept keeps its text.

import { safeHref } from './dom.js';

// (no h1: the record page has its own; an article's h1 keeps its text)
const KEEP = new Set([
  'p', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code',
  'em', 'strong', 'b', 'i', 'u', 's', 'sub', 'sup', 'br', 'hr', 'a', 'figure',
  'figcaption', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'caption', 'dl', 'dt', 'dd',
]);
// dropped with everything inside them
const DROP = new Set([
  'script', 'style', 'template', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math',
  'img', 'picture', 'video', 'audio', 'source', 'track', 'canvas', 'form', 'input',
  'button', 'select', 'textarea', 'link', 'meta', 'base', 'head', 'title', 'frame', 'frameset',
]);
const MAX_NODES = 20000;
const MAX_DEPTH = 64;

function copy(src, dst, state, depth) {
  for (const node of src.childNodes) {
    if (state.nodes++ > MAX_NODES) return;
    if (node.nodeType === Node.TEXT_NODE) {
      dst.append(document.createTextNode(node.nodeValue));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const name = node.localName;
    if (DROP.has(name) || node.namespaceURI !== 'http://www.w3.org/1999/xhtml') continue;
    if (!KEEP.has(name) || depth >= MAX_DEPTH) {
      copy(node, dst, state, depth + 1);       // unwrap: keep the text
      continue;
    }
    const el = document.createElement(name);
    if (name === 'a') {
      const href = safeHref(node.getAttribute('href') || '');
      if (href) {
        el.setAttribute('href', href);
        el.setAttribute('rel', 'noopener noreferrer nofollow');
        el.setAttribute('target', '_blank');
      }
    }
    copy(node, el, state, depth + 1);
    dst.append(el);
  }
}

/**
 * A DocumentFragment holding html's safe structure and text, or null when
 * html is not a string or has no text.
 */
export function safeArticleHtml(html) {
  if (typeof html !== 'string' || !html.trim()) return null;
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const frag = document.createDocumentFragment();
  copy(doc.body, frag, { nodes: 0 }, 0);
  return frag.textContent.trim() ? frag : null;
}
