// seed.test.mjs -- the reference article end to end through the API: the
// record the analyst's expected.json describes (shared/examples/seed),
// from the UTF-8 page and from the GBK page, and tag queries that resolve
// aliases across languages.
import { test } from './lib/runner.mjs';
import { eq, ok } from './lib/assert.mjs';
import { daemon, newFixture } from './lib/shared.mjs';
import { expectRecord } from './lib/check.mjs';

let seedD = null;
let seedRec = null;

async function seed() {
  if (seedRec) return { d: seedD, rec: seedRec };
  const f = await newFixture();
  seedD = await daemon({ name: 'seed', workers: 2, fetchTimeout: 5 });
  seedRec = expectRecord(await seedD.post('/articles?wait=20', { url: f.url('/seed.html') }), 201, 'seed');
  eq(seedRec.status, 'ready', `status (${JSON.stringify(seedRec.error)})`);
  return { d: seedD, rec: seedRec };
}

test('seed: title, language, text is the interview and nothing else', async () => {
  const { d, rec } = await seed();
  eq(rec.title, '差距一两年?接近国际水平?我们和专业人士聊了聊中国大模型的真实...', 'title as the page gives it');
  eq(rec.language, 'zh', 'language');
  const full = expectRecord(await d.get(`/articles/${rec.id}?include=content`), 200, 'content');
  ok(full.content.includes('“都快成红海了。”'), 'opening of the interview');
  ok(full.content.includes('毕竟技术发展不是线性的。'), 'end of the interview');
  for (const junk of ['举报', '热搜', '相关推荐', '下载百家号APP', '登录'])
    ok(!full.content.includes(junk), `no "${junk}" in the text`);
});

test('seed: keywords led by 大模型, no byline words; a summary about the article', async () => {
  const { rec } = await seed();
  eq(rec.keywords[0], '大模型', `first keyword (${rec.keywords})`);
  for (const bad of ['白马', '商评', '白马商评', '文'])
    ok(!rec.keywords.includes(bad), `no ${bad} among the keywords`);
  ok(rec.summary.length > 20 && rec.summary.length <= 260, `summary length ${rec.summary.length}`);
  ok(rec.summary.includes('大模型'), 'the summary is about large models');
});

test('seed: technology and industry tags, events with the ChatGPT release dated 2022-11', async () => {
  const { rec } = await seed();
  for (const t of ['大模型', 'ChatGPT', 'Transformer'])
    ok((rec.tags.technology || []).includes(t), `technology ${t} (${JSON.stringify(rec.tags)})`);
  for (const t of ['互联网', '人工智能'])
    ok((rec.tags.industry || []).includes(t), `industry ${t} (${JSON.stringify(rec.tags)})`);
  ok(rec.events.length >= 3 && rec.events.length <= 9, `3..9 events (${rec.events.length})`);
  const chatgpt = rec.events.find((e) => e.text.includes('ChatGPT') && e.text.includes('发布'));
  ok(chatgpt, 'the ChatGPT release is an event');
  eq(chatgpt.date, '2022-11', 'dated from 去年11月 against 2023-07-03');
  ok(chatgpt.actors.includes('OpenAI'), 'actor OpenAI');
  ok(rec.events.some((e) => e.text.includes('百模大战')), 'the 百模大战 is an event');
  ok(rec.events.some((e) => e.text.includes('周鸿祎') && e.text.includes('收回')), '周鸿祎 takes his words back');
});

test('seed: tag queries resolve aliases and languages, facet prefixes restrict', async () => {
  const { d, rec } = await seed();
  const finds = async (tag) => (await d.get(`/articles?tag=${encodeURIComponent(tag)}`)).json().items.some((x) => x.id === rec.id);
  for (const tag of ['LLM', '大语言模型', 'large language model', '大模型', 'technology:大模型', 'industry:互联网'])
    ok(await finds(tag), `tag=${tag} finds the seed`);
  ok(!(await finds('technology:互联网')), 'tag=technology:互联网 does not');
  ok(!(await finds('区块链')), 'a tag the article does not have finds nothing');
});

test('seed: the GBK page gives the same record', async () => {
  const { d, rec } = await seed();
  const f = await newFixture();
  const gbk = expectRecord(await d.post('/articles?wait=20', { url: f.url('/seed-gbk.html') }), 201, 'gbk');
  eq(gbk.status, 'ready', 'status');
  for (const k of ['title', 'language', 'summary', 'keywords', 'tags', 'events', 'word_count'])
    eq(JSON.stringify(gbk[k]), JSON.stringify(rec[k]), k);
});
