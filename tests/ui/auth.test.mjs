// auth.test.mjs -- a daemon with an API key: the first write asks for the
// key in the page's own dialog; a wrong key ends in a plain 401 message;
// the right one is kept in sessionStorage (this tab only, never in
// localStorage) and later writes do not ask again.
import { eq, ok } from '../api/lib/assert.mjs';
import { test } from '../api/lib/runner.mjs';
import { API_KEY, DESKTOP, axe, daemon, open, pages, until, view } from './lib/env.mjs';

const dialogOpen = (page) => until(page, () => document.getElementById('key-dialog').open);

async function saveUrl(page, url) {
  await page.$eval('input[name=url]', (e) => { e.value = ''; });
  await page.type('input[name=url]', url);
  await page.click('.save-form button[type=submit]');
}

test('API key: asked for once on a 401, a wrong key says 401 plainly, the right one is kept for the tab', async () => {
  const [d, srv] = [await daemon('keyed'), await pages()];
  const { page, log, close } = await open(d, '#/save', DESKTOP);
  try {
    await view(page, 'save');
    await saveUrl(page, srv.url('/gen/keyed-one'));
    await dialogOpen(page);
    const reason = await page.$eval('#key-reason', (e) => e.textContent);
    ok(/API 密钥/.test(reason) && /sessionStorage/.test(reason), `the dialog says why: ${reason}`);
    eq(await axe(page), [], 'axe: the API-key dialog');
    await page.type('#key-input', 'not-the-key');
    await page.click('#key-dialog button[value=ok]');
    await until(page, () => document.querySelector('.save-out .error'));
    const msg = await page.$eval('.save-out .error', (e) => e.textContent);
    ok(msg.includes('401') && msg.includes('API 密钥'), `a plain 401: ${msg}`);
    eq(await page.$eval('.save-out .error', (e) => e.getAttribute('role')), 'alert', 'announced');

    await saveUrl(page, srv.url('/gen/keyed-one'));
    await dialogOpen(page);
    ok((await page.$eval('#key-reason', (e) => e.textContent)).includes('被拒绝'), 'the second time it says the key was refused');
    await page.type('#key-input', API_KEY);
    await page.keyboard.press('Enter');
    await until(page, () => document.querySelector('.progress')?.dataset.state === 'ready');
    eq(await page.evaluate(() => sessionStorage.getItem('skimd.apiKey')), API_KEY, 'the key is in sessionStorage');
    eq(await page.evaluate(() => Object.keys(localStorage).filter((k) => localStorage.getItem(k).includes('ui-test-key'))), [],
      'and not in localStorage');
    eq(await page.$eval('#key-button', (e) => e.textContent), '清除 API 密钥', 'the header offers to forget it');

    await saveUrl(page, srv.url('/gen/keyed-two'));
    await until(page, () => document.querySelector('.progress')?.dataset.state === 'ready');
    ok(!(await page.$eval('#key-dialog', (e) => e.open)), 'not asked again');
    await page.click('#key-button');
    eq(await page.evaluate(() => sessionStorage.getItem('skimd.apiKey')), null, 'forgotten');
    eq(log.dialogs, [], 'no JavaScript dialog');
  } finally {
    await close();
  }
}, { timeout: 60000 });

test('API key: cancelling the prompt leaves nothing saved and says 401', async () => {
  const [d, srv] = [await daemon('keyed'), await pages()];
  const before = srv.hitCount('/gen/keyed-cancel');
  const { page, close } = await open(d, '#/save', DESKTOP);
  try {
    await view(page, 'save');
    await saveUrl(page, srv.url('/gen/keyed-cancel'));
    await dialogOpen(page);
    await page.keyboard.press('Escape');
    await until(page, () => document.querySelector('.save-out .error'));
    ok((await page.$eval('.save-out .error', (e) => e.textContent)).includes('401'), 'says 401');
    eq(srv.hitCount('/gen/keyed-cancel'), before, 'nothing was fetched');
  } finally {
    await close();
  }
});
