// pages.js -- synthetic article pages for loopback fixture servers.
'use strict';
const WORDS = ('market council river energy school budget vote storm harbour museum railway '
  + 'hospital festival drought bridge factory election satellite vaccine orchestra').split(' ');

// A plausible news page, different for every n.
function articlePage(n) {
  const w = (i) => WORDS[(n * 7 + i * 3) % WORDS.length];
  const paras = [];
  for (let p = 0; p < 6; p++) {
    paras.push(`<p>The ${w(p)} committee of district ${n} met on Monday to discuss the ${w(p + 1)} `
      + `plan. Officials said the ${w(p + 2)} project would cost ${(n % 90) + 10} million and `
      + `take ${(p % 4) + 2} years. Residents asked about the ${w(p + 3)} and the ${w(p + 4)}, `
      + `and the mayor promised a public hearing before the end of the month.</p>`);
  }
  return '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    + `<title>District ${n} approves the ${w(0)} plan</title>`
    + '<meta name="author" content="Staff reporter">'
    + `<meta property="article:published_time" content="2026-0${(n % 9) + 1}-1${n % 10}T08:00:00Z">`
    + '</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>'
    + `<article><h1>District ${n} approves the ${w(0)} plan</h1>${paras.join('\n')}</article>`
    + '<footer>Copyright Example News</footer></body></html>';
}

module.exports = { articlePage };
