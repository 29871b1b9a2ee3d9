// The ticket tracking page (/t/{track_token}): the number, its status in words, people ahead and
// the estimated wait, live. The stream `?track=` carries only `{"seq":N}` pings; on each the page
// re-reads its ticket (at most once a second). Once the ticket is final the stream is closed.

import { Api, ApiError } from '/ui/common/api.js';
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
};

const i18n = new I18n(dict, storedLang(LANG_KEY));
const t = (k, v) => i18n.t(k, v);
const $ = (id) => document.getElementById(id);

const token = decodeURIComponent(location.pathname.replace(/^\/t\//, '').replace(/\/$/, ''));
const ticketId = token.split('.')[0];
const api = new Api({ token: null });

const state = { hall: null, ticket: null, problem: null, lastOk: null, online: true, wasCalled: false };
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
