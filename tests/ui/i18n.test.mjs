// i18n.test.mjs -- an English browser gets the English interface (taxonomy
// tags by their English labels, dates in English); the switch overrides the
// browser and is remembered; the keyboard alone reaches everything.
import { eq, ok } from '../api/lib/assert.mjs';
import { test } from '../api/lib/runner.mjs';
import { DESKTOP, PHONE, axe, daemon, open, pages, shot, texts, until, view } from './lib/env.mjs';
import { shared } from './save.test.mjs';

test('English interface: chosen by the browser language, tags and dates in English', async () => {
  const d = await daemon();
  const { page, close } = await open(d, `#/articles/${shared.seedId}`, { ...DESKTOP, lang: 'en-US' });
  try {
    await until(page, () => document.querySelector('article.record'));
    eq(await page.evaluate(() => document.documentElement.lang), 'en', 'html lang');
    eq(await texts(page, '.nav a'), ['Browse', 'Save a link'], 'navigation');
    eq(await page.$eval('h1', (e) => e.lang), 'zh', 'the Chinese title is marked as Chinese');
    eq(await page.$eval('.article-text', (e) => e.lang), 'zh', 'and so is the text');
    const heads = await texts(page, '.record h2');
    for (const h of ['Summary', 'Keywords', 'Tags', 'Timeline', 'Article text']) ok(heads.includes(h), `section ${h} in ${heads}`);
    const tech = await texts(page, '.record-facet[data-facet=technology] button.chip');
    ok(tech.includes('Large language model'), `大模型 by its English label: ${tech}`);
    const when = await page.$eval('.event[data-date="2022-11"] .event-date', (e) => e.textContent);
    eq(when, 'Nov 2022', 'the event date in English');
    eq(await axe(page), [], 'axe: the English record page');
    await shot(page, 'record-en-desktop');
    await page.goto(`${d.origin}/ui/#/`);
    await view(page, 'browse');
    await until(page, () => document.querySelector('.facet'));
    eq(await page.$eval('.facet[data-facet=technology] h3', (e) => e.textContent), 'Technology', 'facet name');
    await shot(page, 'browse-en-desktop');
  } finally {
    await close();
  }
});

test('the language switch overrides the browser and is remembered', async () => {
  const d = await daemon();
  const { page, close } = await open(d, '#/', { ...PHONE, lang: 'en-US' });
  try {
    await view(page, 'browse');
    eq(await page.$eval('h1', (e) => e.textContent), 'Articles', 'English at first');
    await page.select('#lang-switch', 'zh');
    await until(page, () => document.querySelector('h1')?.textContent === '文章');
    eq(await page.evaluate(() => document.documentElement.lang), 'zh-CN', 'html lang follows');
    await page.reload();
    await view(page, 'browse');
    eq(await page.$eval('h1', (e) => e.textContent), '文章', 'still Chinese after a reload');
    eq(await page.$eval('#lang-switch', (e) => e.value), 'zh', 'the switch shows it');
  } finally {
    await close();
  }
});

test('keyboard only: skip link, save a link with Enter, reach a tag and its evidence with Tab', async () => {
  const [d, srv] = [await daemon(), await pages()];
  const { page, close } = await open(d, '#/save', DESKTOP);
  try {
    await view(page, 'save');
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement.className), 'skip', 'Tab reaches the skip link first');
    await page.keyboard.press('Enter');
    eq(await page.evaluate(() => document.activeElement.id), 'main', 'the skip link moves to the content');
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement.name), 'url', 'then the link field');
    await page.keyboard.type(srv.url('/gen/keyboard?title=Typed%20with%20the%20keyboard'));
    await page.keyboard.press('Enter');
    await until(page, () => document.querySelector('.progress')?.dataset.state === 'ready');
    // Tab to the "open the record" link and follow it
    for (let i = 0; i < 40; i++) {
      if (await page.evaluate(() => document.activeElement.classList.contains('open-record'))) break;
      await page.keyboard.press('Tab');
    }
    ok(await page.evaluate(() => document.activeElement.classList.contains('open-record')), 'Tab reaches the record link');
    await page.keyboard.press('Enter');
    await until(page, () => document.querySelector('article.record'));
    eq(await page.evaluate(() => document.activeElement.tagName), 'H1', 'reading starts at the heading');
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement.matches('.record-facet button.chip'));
    }
    ok(found, 'Tab reaches a tag');
    ok(await page.evaluate(() => getComputedStyle(document.activeElement.nextElementSibling).display !== 'none'),
      'its evidence shows on focus');
    await page.keyboard.press('Enter');
    eq(await page.evaluate(() => document.activeElement.getAttribute('aria-expanded')), 'true', 'Enter keeps it open');
    await page.keyboard.press('Escape');
    eq(await page.evaluate(() => document.activeElement.getAttribute('aria-expanded')), 'false', 'Escape closes it');
  } finally {
    await close();
  }
}, { timeout: 60000 });
