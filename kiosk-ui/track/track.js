// The ticket tracking page (/t/{track_token}): the number, its status in words, people ahead and
// the estimated wait, live. The stream `?track=` carries only `{"seq":N}` pings; on each the page
// re-reads its ticket (at most once a second). Once the ticket is final the stream is closed.
// A finished visit can be rated here (好差评 by phone, `POST /api/v1/ratings?track=`).

import { Api, ApiError, newKey } from '/ui/common/api.js';
import { EventStream, throttle } from '/ui/common/stream.js';
import { I18n, h, localTime, minutes, storedLang } from '/ui/common/i18n.js';
import { icons } from '/ui/common/icons.js';

const LANG_KEY = 'hallq.track.lang';
const FINAL = new Set(['finished', 'no_show', 'cancelled', 'expired']);

const dict = {
  title: { zh: '排队进度查询', en: 'Queue status' },
  your: { zh: '您的号码', en: 'Your number' },
  ahead: { zh: '前面还有', en: 'Ahead of you' },
  wait: { zh: '预计等候', en: 'Estimated wait' },
  windows: { zh: '办理窗口', en: 'Windows' },
  loading: { zh: '正在查询…', en: 'Loading…' },
  tips: {
    zh: '请在休息区等候，注意呼叫及大屏显示信息。过号无效，请您重新取号。',
    en: 'Please wait in the seating area and watch the screens. A missed call is void; take a new ticket.',
  },
  'lang.switch': { zh: 'English', en: '中文' },
  reconnecting: { zh: '正在重新连接… 显示的可能不是最新状态', en: 'Reconnecting… this may be out of date' },
  people: { zh: '{n} 人', en: '{n}' },
  nobody: { zh: '没有人，即将叫号', en: 'Nobody: you are next' },
  minutes: { zh: '约 {m} 分钟', en: 'about {m} min' },
  soon: { zh: '即将叫号', en: 'Soon' },
  'windows.list': { zh: '{list}号窗口', en: '{list}' },
  green: { zh: '绿色通道 · 优先办理', en: 'Green channel · served first' },
  'status.waiting': { zh: '等候中', en: 'Waiting' },
  'status.called': { zh: '已叫号', en: 'Called' },
  'status.serving': { zh: '办理中（{w}号窗口）', en: 'Being served at window {w}' },
  'status.held': { zh: '暂时挂起，请留意 {w} 号窗口的呼叫', en: 'On hold: watch for window {w} to call you again' },
  'status.finished': { zh: '已办结，感谢您的耐心等候', en: 'Finished. Thank you for waiting' },
  'status.no_show': { zh: '过号：叫号时您未到窗口，请重新取号', en: 'Missed: you were called but not at the window. Please take a new ticket' },
  'status.cancelled': { zh: '已取消', en: 'Cancelled' },
  'status.expired': { zh: '已过期（当日未办理）', en: 'Expired (not served that day)' },
  'call.go': { zh: '请到 {w} 号窗口办理', en: 'Please go to window {w}' },
  'call.recall': { zh: '第 {n} 次呼叫', en: 'Call repeated {n}×' },
  issued: { zh: '取号时间 {t}', en: 'Issued {t}' },
  updated: { zh: '更新于 {t}', en: 'Updated {t}' },
  'problem.past.title': { zh: '号码已过期', en: 'Ticket expired' },
  'problem.past.text': { zh: '这是往日的号码，已失效。如需办理，请重新取号。', en: 'This ticket is from an earlier day. Please take a new ticket.' },
  'problem.bad.title': { zh: '二维码无效', en: 'Invalid QR code' },
  'problem.bad.text': { zh: '无法识别此二维码，请扫描号票上的二维码，或到咨询导办台咨询。', en: 'This code is not valid. Scan the code on your ticket, or ask at the help desk.' },
  'problem.none.title': { zh: '没有该号码', en: 'No such ticket' },
  'problem.none.text': { zh: '今日没有该号码，请到咨询导办台咨询。', en: 'There is no such ticket today. Please ask at the help desk.' },
  'problem.net.title': { zh: '暂时无法查询', en: 'Cannot load' },
  'problem.net.text': { zh: '网络连接中断，正在重试…', en: 'The connection dropped; retrying…' },
  'title.called': { zh: '【请到{w}号窗口】{n}', en: '[Window {w}] {n}' },
  'rate.title': { zh: '请对本次服务进行评价', en: 'Rate this visit' },
  'rate.hint': { zh: '评价自愿，不记录您的个人信息', en: 'Rating is voluntary; no personal data is kept' },
  'rate.levels': { zh: '满意程度', en: 'How satisfied are you?' },
  'level.very_satisfied': { zh: '非常满意', en: 'Very satisfied' },
  'level.satisfied': { zh: '满意', en: 'Satisfied' },
  'level.basically_satisfied': { zh: '基本满意', en: 'Basically satisfied' },
  'level.dissatisfied': { zh: '不满意', en: 'Dissatisfied' },
  'level.very_dissatisfied': { zh: '非常不满意', en: 'Very dissatisfied' },
  'stars': { zh: '{n} 星', en: '{n} stars' },
  'rate.reasons.good': { zh: '您满意的方面（可多选，选填）', en: 'What went well (optional, any number)' },
  'rate.reasons.basic': { zh: '可以改进的方面（可多选，选填）', en: 'What could be better (optional, any number)' },
  'rate.reasons.bad': { zh: '不满意的原因（可多选，选填）', en: 'What went wrong (optional, any number)' },
  'rate.comment': { zh: '其他意见或建议（选填）', en: 'Anything else? (optional)' },
  'rate.comment.ph': { zh: '最多 200 字', en: 'Up to 200 characters' },
  'rate.count': { zh: '{n}/200 字', en: '{n}/200' },
  'rate.submit': { zh: '提交评价', en: 'Submit rating' },
  'rate.sending': { zh: '正在提交…', en: 'Sending…' },
  'rate.pick': { zh: '请先选择一个满意程度', en: 'Please choose a level first' },
  'rate.err.net': { zh: '网络连接中断，评价未提交，请重试', en: 'No connection: the rating was not sent. Please try again' },
  'rate.err.reason': { zh: '所选原因已更新，请重新选择后提交', en: 'The reasons have changed; please choose again' },
  'rate.err.other': { zh: '评价未能提交：{e}', en: 'The rating was not sent: {e}' },
  'rate.thanks': { zh: '感谢您的评价！', en: 'Thank you for your rating!' },
  'rate.thanks.good': { zh: '我们将继续努力，为您提供更好的服务。', en: 'We will keep working to serve you well.' },
  'rate.thanks.bad': { zh: '您的意见已转交整改，我们会认真核查并改进。', en: 'Your rating goes to the team to look into and put right.' },
  'rate.thanks.again': { zh: '这是您对整改结果的评价，感谢您的监督。', en: 'This rates how it was put right. Thank you.' },
  'rate.yours': { zh: '您的评价：{l}', en: 'Your rating: {l}' },
  'rate.already': { zh: '您已评价，感谢', en: 'Already rated, thank you' },
  'rate.already.text': { zh: '本次服务已有评价（在窗口评价器或本页），每次办事评价一次。', en: 'This visit has already been rated, at the window or here: one rating per visit.' },
  'rate.closed': { zh: '已无法评价', en: 'Rating closed' },
  'rate.closed.text': { zh: '办结超过 24 小时，本次服务已不能评价。', en: 'A visit can be rated within 24 hours of being served.' },
};

// 好差评: five levels, best first (GB/T 39046 code order 1 = 非常满意). The reason tags come from
// the hall's config (`/api/v1/hall` → `ratings.tags_good`, `tags_basic`, `tags_bad`); these
// defaults (the controller's own) only serve while the hall has not loaded.
const LEVELS = [
  { level: 'very_satisfied', stars: 5, tone: 'good' },
  { level: 'satisfied', stars: 4, tone: 'good' },
  { level: 'basically_satisfied', stars: 3, tone: 'basic' },
  { level: 'dissatisfied', stars: 2, tone: 'bad' },
  { level: 'very_dissatisfied', stars: 1, tone: 'bad' },
];
const DEFAULT_TAGS = {
  good: ['服务热情', '办事高效', '一次性告知清楚', '环境整洁有序'],
  basic: ['等候时间较长', '告知不够清楚', '流程有待简化'],
  bad: ['服务态度', '办事效率', '一次性告知', '环境秩序', '多次跑腿'],
};
const TAG_EN = {
  服务热情: 'Warm service',
  办事高效: 'Quick and efficient',
  一次性告知清楚: 'Told everything at once',
  环境整洁有序: 'Clean and orderly',
  等候时间较长: 'Long wait',
  告知不够清楚: 'Not clearly told',
  流程有待简化: 'Process could be simpler',
  服务态度: 'Attitude',
  办事效率: 'Efficiency',
  一次性告知: 'Not told all at once',
  环境秩序: 'Hall order',
  多次跑腿: 'Had to come back',
};
const COMMENT_MAX = 200;

const starPath = 'M12 2.8l2.8 5.9 6.4.8-4.7 4.4 1.2 6.4L12 17.2l-5.7 3.1 1.2-6.4-4.7-4.4 6.4-.8z';
const starSvg = (filled) =>
  `<svg class="star${filled ? ' on' : ''}" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="${starPath}" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" fill="${filled ? 'currentColor' : 'none'}"/></svg>`;
const starsHtml = (n) => Array.from({ length: 5 }, (_, i) => starSvg(i < n)).join('');

const i18n = new I18n(dict, storedLang(LANG_KEY));
const t = (k, v) => i18n.t(k, v);
const $ = (id) => document.getElementById(id);

const token = decodeURIComponent(location.pathname.replace(/^\/t\//, '').replace(/\/$/, ''));
const ticketId = token.split('.')[0];
const api = new Api({ token: null });

const state = { hall: null, ticket: null, problem: null, lastOk: null, online: true, wasCalled: false };
/** The rating form: `done` is null (the form), 'thanks', 'already' or 'closed'. */
const rate = { level: null, reasons: new Set(), sending: false, done: null, result: null, error: null, sent: null };
let stream = null;

function windowsFor(queueId) {
  if (!state.hall) return [];
  return state.hall.windows
    .filter((w) => (w.tiers || []).some((tier) => tier.includes(queueId)))
    .map((w) => w.number)
    .sort((a, b) => a - b);
}

function windowsText(list) {
  return t('windows.list', { list: list.join(i18n.lang === 'zh' ? '、' : ', ') });
}

async function loadTicket() {
  try {
    const tk = await api.get(`/api/v1/tickets/${encodeURIComponent(ticketId)}?track=${encodeURIComponent(token)}`);
    state.ticket = tk;
    state.problem = null;
    state.lastOk = new Date();
    state.online = true;
    if (FINAL.has(tk.status) && stream) {
      stream.stop();
      stream = null;
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 410) state.problem = 'past';
    else if (e instanceof ApiError && (e.status === 401 || e.status === 400)) state.problem = 'bad';
    else if (e instanceof ApiError && e.status === 404) state.problem = 'none';
    else state.online = false;
    if (state.problem && stream) {
      stream.stop();
      stream = null;
    }
  }
  render();
}

const loadSoon = throttle(loadTicket, 1000);

function render() {
  $('loading').hidden = !!(state.ticket || state.problem || !state.online);
  const hall = state.hall && state.hall.hall;
  $('hall-name').textContent = hall ? i18n.pick(hall, 'name') : t('title');
  const lang = $('btn-lang');
  lang.innerHTML = icons.globe;
  lang.append(h('span', null, t('lang.switch')));
  const streamDown = stream && stream.state === 'reconnecting';
  const banner = $('conn-banner');
  banner.hidden = !(streamDown || (!state.online && state.ticket));
  if (!banner.hidden) {
    banner.innerHTML = icons.wifi;
    banner.append(h('span', null, t('reconnecting')));
  }
  if (state.problem || (!state.ticket && !state.online)) {
    renderProblem(state.problem || 'net');
    return;
  }
  $('problem').hidden = true;
  const tk = state.ticket;
  if (!tk) return;
  $('card').hidden = false;
  const q = state.hall ? state.hall.queues.find((x) => x.id === tk.queue) : null;
  const it = state.hall && tk.item ? state.hall.items.find((x) => x.code === tk.item) : null;
  $('number').textContent = tk.number;
  $('queue').textContent = [q ? i18n.pick(q, 'name') : tk.queue, it ? i18n.pick(it, 'name') : null].filter(Boolean).join(' · ');
  const green = $('green');
  green.hidden = tk.priority !== 'green';
  if (!green.hidden) {
    green.innerHTML = icons.green;
    green.append(h('span', null, t('green')));
  }
  const called = tk.status === 'called';
  const card = $('card');
  card.className = `card state-${tk.status}`;
  const status = $('status');
  const statusKey = `status.${tk.status}`;
  const iconFor = { waiting: icons.clock, called: icons.bell, serving: icons.window, held: icons.clock, finished: icons.check };
  status.innerHTML = iconFor[tk.status] || icons.warn;
  status.append(h('span', { id: 'status-text' }, dict[statusKey] ? t(statusKey, { w: tk.window }) : tk.status));
  const call = $('call');
  call.hidden = !called;
  if (called) {
    call.innerHTML = icons.bell;
    call.append(h('span', { class: 'call-text' }, t('call.go', { w: tk.window })));
    if (tk.recalls > 0) call.append(h('span', { class: 'call-recall' }, t('call.recall', { n: tk.recalls + 1 })));
    if (!state.wasCalled && navigator.vibrate) {
      try {
        navigator.vibrate([200, 100, 200]);
      } catch {
        /* not allowed without a gesture: the visual cue stays */
      }
    }
  }
  state.wasCalled = called;
  document.title = called ? t('title.called', { w: tk.window, n: tk.number }) : `${tk.number} · ${t('title')}`;
  const waiting = tk.status === 'waiting';
  $('fact-ahead').hidden = !waiting;
  $('fact-wait').hidden = !waiting;
  $('ahead').textContent = tk.ahead > 0 ? t('people', { n: tk.ahead }) : t('nobody');
  $('wait').textContent = tk.estimated_wait_s > 0 ? t('minutes', { m: minutes(tk.estimated_wait_s) }) : t('soon');
  // Once a window has it, the status and the call box name the window.
  const wins = windowsFor(tk.queue);
  $('fact-windows').hidden = !wins.length || !waiting;
  $('windows').textContent = windowsText(wins);
  const tz = state.hall ? state.hall.calendar.time_zone : undefined;
  const parts = [t('issued', { t: localTime(tk.issued_at, tz) })];
  if (state.lastOk) {
    parts.push(t('updated', { t: clockTime(state.lastOk, tz) }));
  }
  $('meta').textContent = parts.join(' · ');
  $('tips').hidden = FINAL.has(tk.status);
  renderRating();
}

// ---- 好差评 -------------------------------------------------------------------------------

function toneOf(level) {
  const l = LEVELS.find((x) => x.level === level);
  return l ? l.tone : null;
}

/** The reason tags for a level: the hall's own when it publishes them, else the defaults. */
function tagsFor(level) {
  const tone = toneOf(level);
  const cfg = state.hall && state.hall.ratings && state.hall.ratings[`tags_${tone}`];
  if (Array.isArray(cfg)) return cfg;
  return DEFAULT_TAGS[tone] || [];
}

function tagLabel(tag) {
  return i18n.lang === 'en' && TAG_EN[tag] ? TAG_EN[tag] : tag;
}

function buildLevels() {
  const box = $('levels');
  box.textContent = '';
  for (const l of LEVELS) {
    const input = h('input', { type: 'radio', name: 'level', value: l.level, class: 'sr-only', id: `level-${l.level}` });
    input.addEventListener('change', () => chooseLevel(l.level));
    box.append(
      h(
        'label',
        { class: `level tone-${l.tone}`, for: input.id, dataset: { level: l.level } },
        input,
        h('span', { class: 'level-mark', html: icons.check }),
        h('span', { class: 'level-word' }),
        h('span', { class: 'level-stars', html: starsHtml(l.stars) }),
      ),
    );
  }
}

function chooseLevel(level) {
  if (rate.level === level) return;
  const keep = new Set(tagsFor(level));
  rate.level = level;
  rate.reasons = new Set([...rate.reasons].filter((r) => keep.has(r)));
  rate.error = null;
  renderRating();
}

function toggleReason(tag, on) {
  if (on) rate.reasons.add(tag);
  else rate.reasons.delete(tag);
  renderRating();
}

function renderRating() {
  const section = $('rate');
  const tk = state.ticket;
  const show = !!tk && tk.status === 'finished' && !state.problem;
  section.hidden = !show;
  if (!show) return;
  $('rate-form').hidden = !!rate.done;
  $('rate-done').hidden = !rate.done;
  if (rate.done) {
    renderDone();
    return;
  }
  for (const label of $('levels').querySelectorAll('.level')) {
    const l = LEVELS.find((x) => x.level === label.dataset.level);
    const on = rate.level === l.level;
    label.classList.toggle('on', on);
    label.querySelector('input').checked = on;
    label.querySelector('input').disabled = rate.sending;
    label.querySelector('.level-word').textContent = t(`level.${l.level}`);
    label.querySelector('.level-stars').setAttribute('title', t('stars', { n: l.stars }));
  }
  const tone = toneOf(rate.level);
  const reasonsBox = $('reasons-box');
  reasonsBox.hidden = !rate.level;
  $('comment-box').hidden = !rate.level;
  if (rate.level) {
    $('reasons-legend').textContent = t(`rate.reasons.${tone}`);
    const chips = $('reasons');
    const built = `${rate.level}|${i18n.lang}|${rate.sending}`;
    if (chips.dataset.built === built) {
      // Same chips: only their state changes (keeps keyboard focus where it is).
      for (const chip of chips.querySelectorAll('.chip')) {
        const on = rate.reasons.has(chip.dataset.reason);
        chip.classList.toggle('on', on);
        chip.querySelector('input').checked = on;
        chip.querySelector('.chip-mark').innerHTML = on ? icons.check : '';
      }
    } else chips.textContent = '';
    chips.dataset.built = built;
    for (const tag of chips.childElementCount ? [] : tagsFor(rate.level)) {
      const on = rate.reasons.has(tag);
      const input = h('input', { type: 'checkbox', class: 'sr-only', value: tag, checked: on, disabled: rate.sending });
      input.addEventListener('change', () => toggleReason(tag, input.checked));
      chips.append(
        h(
          'label',
          { class: `chip tone-${tone}${on ? ' on' : ''}`, dataset: { reason: tag } },
          input,
          h('span', { class: 'chip-mark', html: on ? icons.check : '' }),
          h('span', null, tagLabel(tag)),
        ),
      );
    }
  }
  updateCount();
  const err = $('rate-error');
  err.hidden = !rate.error;
  if (rate.error) {
    err.innerHTML = icons.warn;
    const v = rate.error.v && rate.error.v.e ? { e: i18n.title(rate.error.v.e) } : undefined;
    err.append(h('span', null, t(rate.error.k, v)));
  }
  const submit = $('rate-submit');
  submit.disabled = rate.sending;
  submit.textContent = t(rate.sending ? 'rate.sending' : 'rate.submit');
}

function updateCount() {
  const n = [...$('rate-comment').value].length;
  const count = $('comment-count');
  count.textContent = t('rate.count', { n });
  count.classList.toggle('full', n >= COMMENT_MAX);
}

function renderDone() {
  const kind = rate.done;
  const icon = $('rate-done-icon');
  icon.innerHTML = kind === 'closed' ? icons.clock : icons.check;
  icon.className = `rate-done-icon done-${kind}`;
  const level = $('rate-done-level');
  level.hidden = kind !== 'thanks';
  if (kind === 'thanks') {
    $('rate-done-title').textContent = t('rate.thanks');
    const l = LEVELS.find((x) => x.level === rate.result.level) || LEVELS[0];
    level.textContent = '';
    level.append(h('span', null, t('rate.yours', { l: t(`level.${l.level}`) })), h('span', { class: 'level-stars', html: starsHtml(l.stars) }));
    let text = l.tone === 'bad' ? 'rate.thanks.bad' : 'rate.thanks.good';
    if (rate.result.count > 1) text = 'rate.thanks.again';
    $('rate-done-text').textContent = t(text);
  } else if (kind === 'already') {
    $('rate-done-title').textContent = t('rate.already');
    $('rate-done-text').textContent = t('rate.already.text');
  } else {
    $('rate-done-title').textContent = t('rate.closed');
    $('rate-done-text').textContent = t('rate.closed.text');
  }
}

async function submitRating(ev) {
  ev.preventDefault();
  if (rate.sending) return;
  if (!rate.level) {
    rate.error = { k: 'rate.pick' };
    renderRating();
    const first = $('levels').querySelector('input');
    if (first) first.focus();
    return;
  }
  const body = { level: rate.level, reasons: tagsFor(rate.level).filter((r) => rate.reasons.has(r)) };
  const comment = $('rate-comment').value.trim();
  if (comment) body.comment = [...comment].slice(0, COMMENT_MAX).join('');
  const text = JSON.stringify(body);
  // A retry of the very same rating (after a dropped connection) keeps its Idempotency-Key.
  if (!rate.sent || rate.sent.text !== text) rate.sent = { text, key: newKey('rate') };
  rate.sending = true;
  rate.error = null;
  renderRating();
  try {
    const res = await api.post(`/api/v1/ratings?track=${encodeURIComponent(token)}`, text, { key: rate.sent.key, token: null });
    rate.result = { level: (res && res.level) || rate.level, count: (res && res.count) || 1 };
    rate.done = 'thanks';
  } catch (e) {
    if (e instanceof ApiError && e.code === 'already_rated') rate.done = 'already';
    else if (e instanceof ApiError && e.code === 'not_ratable') rate.done = 'closed';
    else if (e instanceof ApiError && e.code === 'unknown_reason') {
      rate.reasons.clear();
      rate.error = { k: 'rate.err.reason' };
    } else if (e instanceof ApiError) rate.error = { k: 'rate.err.other', v: { e: e.title || `HTTP ${e.status}` } };
    else rate.error = { k: 'rate.err.net' };
  } finally {
    rate.sending = false;
  }
  renderRating();
  if (rate.done) $('rate').scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

/** "09:05:12" in the hall's time zone. */
function clockTime(date, timeZone) {
  try {
    return new Intl.DateTimeFormat('zh-CN', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(date);
  } catch {
    return date.toTimeString().slice(0, 8);
  }
}

function renderProblem(kind) {
  $('card').hidden = true;
  $('rate').hidden = true;
  $('tips').hidden = true;
  $('problem').hidden = false;
  $('problem-icon').innerHTML = kind === 'net' ? icons.wifi : icons.warn;
  $('problem-title').textContent = t(`problem.${kind}.title`);
  $('problem-text').textContent = t(`problem.${kind}.text`);
}

async function boot() {
  i18n.apply();
  i18n.onChange((lang) => {
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      /* private mode */
    }
    render();
  });
  $('btn-lang').addEventListener('click', () => i18n.toggle());
  buildLevels();
  $('rate-form').addEventListener('submit', submitRating);
  $('rate-comment').addEventListener('input', updateCount);
  render();
  if (!token || !ticketId) {
    state.problem = 'bad';
    render();
    return;
  }
  api
    .get('/api/v1/hall')
    .then((hall) => {
      state.hall = hall;
      render();
    })
    .catch(() => {
      /* names are a nicety; the ticket is what matters */
    });
  await loadTicket();
  if (state.problem || (state.ticket && FINAL.has(state.ticket.status))) return;
  stream = new EventStream({
    path: () => `/api/v1/stream?track=${encodeURIComponent(token)}`,
    // Pings carry the seq of the event that caused them; the server starts each connection
    // at the log's end, so any ping is news.
    seqGate: false,
    onEvent: () => loadSoon(),
    onState: (s) => {
      if (s === 'open') loadSoon();
      render();
    },
  });
  stream.start();
  // A phone that sleeps drops its socket; waking up reconnects and re-reads at once.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && stream) {
      stream.reconnectNow();
      loadSoon();
    }
  });
  // Without the stream (a proxy that blocks WebSockets) the page still moves, slowly.
  setInterval(() => {
    if (stream && stream.state !== 'open') loadSoon();
  }, 15000);
}

boot();
