// i18n.js -- the page's words in Chinese and English, and dates.
//
// The language is the user's choice from the switch (kept in
// localStorage), else the first of the browser's languages that is zh or
// en, else English. t(key, vars) looks a string up and fills {name}
// placeholders; a key missing in one language falls back to English.
// Dates are formatted by Intl in the chosen language; partial dates
// ("2022-11", "2017") keep their precision.

const STRINGS = {
  en: {
    app_name: 'skimd',
    skip: 'Skip to content',
    nav_label: 'Main',
    nav_browse: 'Browse',
    nav_save: 'Save a link',
    lang_label: 'Language',
    key_button: 'API key',
    key_forget: 'Forget API key',
    key_title: 'API key',
    key_needed: 'This skimd needs an API key for changes. Enter it once; it is kept for this tab only (sessionStorage).',
    key_refused: 'The API key was refused (401 Unauthorized). Check it and try again.',
    key_manual: 'Enter the API key for changes; it is kept for this tab only (sessionStorage).',
    key_label: 'API key',
    key_save: 'Use this key',
    cancel: 'Cancel',
    key_forgotten: 'The API key was forgotten.',
    key_saved: 'API key saved for this tab.',
    err_401: 'Not allowed (401 Unauthorized): this skimd needs a valid API key for changes.',
    err_network: 'skimd did not answer: {detail}',
    err_http: '{status} {title}: {detail}',
    err_429: 'Too many requests (429). Try again in {seconds} s.',
    save_title: 'Save a link',
    save_url: 'Link (URL)',
    save_url_hint: 'Paste a link, or drop one anywhere on this page.',
    save_tags: 'Your tags (optional)',
    save_tags_hint: 'Separate tags with commas.',
    save_submit: 'Save',
    save_bad_url: 'Enter an http or https link.',
    save_exists: 'Already saved: here is the stored record.',
    save_dropped: 'Dropped link: {url}',
    drop_here: 'Drop the link to save it',
    step_queued: 'Queued',
    step_fetching: 'Fetching',
    step_ready: 'Ready',
    step_failed: 'Failed',
    progress_label: 'Progress',
    progress_now: 'Status: {status}',
    failed_reason: 'Failed: {code} — {message}',
    open_record: 'Open the record',
    browse_title: 'Articles',
    filters: 'Filters',
    search_label: 'Search text',
    search_hint: 'Chinese of two or more characters, or whole words.',
    lang_filter: 'Article language',
    any: 'Any',
    since: 'Published from',
    until: 'Published until',
    status_filter: 'Status',
    apply: 'Apply',
    clear_filters: 'Clear all filters',
    active_filters: 'Filters in force',
    filter_tag: '{v}',
    facet_tag: '{facet}: {tag}',
    filter_q: 'Text: {v}',
    filter_lang: 'Language: {v}',
    filter_since: 'From {v}',
    filter_until: 'Until {v}',
    filter_status: 'Status: {v}',
    remove_filter: 'Remove the filter “{f}”',
    facet_technology: 'Technology',
    facet_industry: 'Industry',
    facet_user: 'Your tags',
    tag_count: '{tag}, {count} articles',
    more_tags: 'All {n} tags',
    fewer_tags: 'Fewer tags',
    no_tags: 'No tags yet.',
    load_more: 'More articles',
    loading: 'Loading…',
    end_of_list: 'That is all.',
    no_results: 'No articles match.',
    n_shown: '{n} shown',
    untitled: '(no title)',
    status_queued: 'queued',
    status_fetching: 'fetching',
    status_ready: 'ready',
    status_failed: 'failed',
    words: '{n} words',
    record_site: 'Site',
    record_author: 'Author',
    record_published: 'Published',
    record_language: 'Language',
    record_original: 'Original',
    record_saved: 'Saved',
    record_words: 'Length',
    summary: 'Summary',
    keywords: 'Keywords',
    tags: 'Tags',
    evidence: 'Evidence',
    evidence_for: 'Why “{tag}”',
    evidence_terms: 'Matched terms: {terms}',
    evidence_score: 'Score {score}',
    evidence_none: 'No evidence recorded.',
    evidence_user: 'One of your own tags.',
    tag_articles: 'Articles with this tag',
    events: 'Timeline',
    events_none: 'No events found.',
    undated: 'Date unknown',
    actors: 'Who',
    text: 'Article text',
    text_none: 'No text stored.',
    actions: 'Actions',
    refresh: 'Refresh',
    refreshing: 'Reading the page again…',
    refreshed: 'Refreshed.',
    being_refreshed: 'This record is being read again; reload to see the new version.',
    refresh_failed: 'The refresh failed; this is the last good version. {reason}',
    last_refresh_failed: 'The last refresh ({at}) failed; this is the last good version. {reason}',
    delete: 'Delete',
    delete_confirm: 'Delete this record? This cannot be undone.',
    deleted: 'Deleted “{title}”.',
    edit_tags: 'Edit your tags',
    edit_tags_label: 'Your tags',
    save_tags_button: 'Save tags',
    tags_saved: 'Tags saved.',
    not_found: 'No such record.',
    page_not_found: 'There is no page here.',
    back_to_list: 'Back to the articles',
    error_title: 'Something went wrong',
  },
  zh: {
    skip: '跳到正文',
    nav_label: '主导航',
    nav_browse: '浏览',
    nav_save: '保存链接',
    lang_label: '语言',
    key_button: 'API 密钥',
    key_forget: '清除 API 密钥',
    key_title: 'API 密钥',
    key_needed: '此 skimd 需要 API 密钥才能修改数据。输入一次即可，仅保存在本标签页（sessionStorage）。',
    key_refused: 'API 密钥被拒绝（401 未授权）。请检查后重试。',
    key_manual: '输入用于修改数据的 API 密钥，仅保存在本标签页（sessionStorage）。',
    key_label: 'API 密钥',
    key_save: '使用此密钥',
    cancel: '取消',
    key_forgotten: '已清除 API 密钥。',
    key_saved: 'API 密钥已为本标签页保存。',
    err_401: '未被允许（401 未授权）：此 skimd 需要有效的 API 密钥才能修改数据。',
    err_network: 'skimd 没有响应：{detail}',
    err_http: '{status} {title}：{detail}',
    err_429: '请求过多（429），请 {seconds} 秒后重试。',
    save_title: '保存链接',
    save_url: '链接（URL）',
    save_url_hint: '粘贴链接，或把链接拖放到本页任意位置。',
    save_tags: '自定义标签（可选）',
    save_tags_hint: '多个标签用逗号分隔。',
    save_submit: '保存',
    save_bad_url: '请输入 http 或 https 链接。',
    save_exists: '已保存过：这是已有的记录。',
    save_dropped: '拖放的链接：{url}',
    drop_here: '松开即可保存此链接',
    step_queued: '排队中',
    step_fetching: '抓取中',
    step_ready: '完成',
    step_failed: '失败',
    progress_label: '进度',
    progress_now: '状态：{status}',
    failed_reason: '失败：{code} — {message}',
    open_record: '打开记录',
    browse_title: '文章',
    filters: '筛选',
    search_label: '搜索全文',
    search_hint: '两个字以上的中文，或完整的英文单词。',
    lang_filter: '文章语言',
    any: '全部',
    since: '发布日期起',
    until: '发布日期止',
    status_filter: '状态',
    apply: '应用',
    clear_filters: '清除全部筛选',
    active_filters: '当前筛选',
    filter_tag: '{v}',
    facet_tag: '{facet}：{tag}',
    filter_q: '全文：{v}',
    filter_lang: '语言：{v}',
    filter_since: '自 {v}',
    filter_until: '至 {v}',
    filter_status: '状态：{v}',
    remove_filter: '移除筛选“{f}”',
    facet_technology: '技术',
    facet_industry: '行业',
    facet_user: '自定义标签',
    tag_count: '{tag}，{count} 篇',
    more_tags: '全部 {n} 个标签',
    fewer_tags: '收起',
    no_tags: '还没有标签。',
    load_more: '更多文章',
    loading: '加载中…',
    end_of_list: '已经到底了。',
    no_results: '没有符合条件的文章。',
    n_shown: '已显示 {n} 篇',
    untitled: '（无标题）',
    status_queued: '排队中',
    status_fetching: '抓取中',
    status_ready: '完成',
    status_failed: '失败',
    words: '{n} 字',
    record_site: '网站',
    record_author: '作者',
    record_published: '发布时间',
    record_language: '语言',
    record_original: '原文',
    record_saved: '保存时间',
    record_words: '长度',
    summary: '摘要',
    keywords: '关键词',
    tags: '标签',
    evidence: '依据',
    evidence_for: '为何标为“{tag}”',
    evidence_terms: '匹配词：{terms}',
    evidence_score: '得分 {score}',
    evidence_none: '没有记录依据。',
    evidence_user: '这是你自己添加的标签。',
    tag_articles: '带此标签的文章',
    events: '时间线',
    events_none: '没有找到事件。',
    undated: '日期不详',
    actors: '相关方',
    text: '正文',
    text_none: '没有保存正文。',
    actions: '操作',
    refresh: '重新抓取',
    refreshing: '正在重新读取页面…',
    refreshed: '已重新抓取。',
    being_refreshed: '这条记录正在重新抓取；刷新页面可看到新版本。',
    refresh_failed: '重新抓取失败，这是上一次成功的版本。{reason}',
    last_refresh_failed: '上次重新抓取（{at}）失败，这是上一次成功的版本。{reason}',
    delete: '删除',
    delete_confirm: '删除这条记录？删除后无法恢复。',
    deleted: '已删除“{title}”。',
    edit_tags: '编辑自定义标签',
    edit_tags_label: '自定义标签',
    save_tags_button: '保存标签',
    tags_saved: '标签已保存。',
    not_found: '没有这条记录。',
    page_not_found: '这里没有页面。',
    back_to_list: '返回文章列表',
    error_title: '出错了',
  },
};

export const LANGS = ['zh', 'en'];
const STORE_KEY = 'skimd.uiLang';
let current = 'en';

/** The language the browser prefers among zh and en (en when neither). */
export function browserLang(list = navigator.languages || [navigator.language]) {
  for (const l of list) {
    const base = String(l || '').toLowerCase().split('-')[0];
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

/** Choose the language at start: the saved switch, else the browser's. */
export function initLang() {
  let saved = null;
  try {
    saved = localStorage.getItem(STORE_KEY);
  } catch { /* storage off: the browser decides */ }
  current = LANGS.includes(saved) ? saved : browserLang();
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  return current;
}

/** The switch: remember the choice and apply it. */
export function setLang(l) {
  if (!LANGS.includes(l)) return current;
  try {
    localStorage.setItem(STORE_KEY, l);
  } catch { /* kept for this page only */ }
  current = l;
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  return current;
}

export function lang() {
  return current;
}

/** The string `key` in the current language with {name} filled from vars. */
export function t(key, vars = {}) {
  const s = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** Fill every [data-i18n] element of root with its string. */
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

const locale = () => (current === 'zh' ? 'zh-CN' : 'en-GB');

/**
 * A date or date-time as stored ("2023-07-03T10:12", "2022-11", "2017",
 * "2026-12-04T19:32:08Z") in words. The calendar date is shown as
 * written (no shift to the viewer's zone); a time is added when given.
 * Text that is not such a date is returned as it is.
 */
export function formatDate(s) {
  if (typeof s !== 'string') return '';
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2}))?)?)?/.exec(s);
  if (!m) return s;
  const [, y, mo, d, hh, mm] = m;
  const date = new Date(Date.UTC(Number(y), mo ? Number(mo) - 1 : 0, d ? Number(d) : 1));
  if (Number.isNaN(date.getTime())) return s;
  const opts = { timeZone: 'UTC', year: 'numeric' };
  if (mo) opts.month = current === 'zh' ? 'long' : 'short';
  if (d) opts.day = 'numeric';
  const text = new Intl.DateTimeFormat(locale(), opts).format(date);
  return hh ? `${text} ${hh}:${mm}` : text;
}

/** A language code's name in the interface language ("zh" -> "Chinese"). */
export function languageName(code) {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([locale()], { type: 'language' }).of(code) || code;
  } catch {
    return code;
  }
}

/** A number in the interface language (digit grouping). */
export function formatNumber(n) {
  return new Intl.NumberFormat(locale()).format(n);
}
