// The self-service kiosk (自助取号机): themes and units → item → optional ID number → confirm
// (materials to bring, 一次性告知) → ticket (number, people ahead, windows, QR code, printing).
// Live waiting counts and closed reasons from /api/v1/live, refreshed on stream events.
// Back home after 60 s without input (`?idle=N` shortens it for tests and demonstrations).

import { Api, ApiError, NetworkError, newKey, param } from '/ui/common/api.js';
import { ControllerClock, EventStream, singleFlight, throttle } from '/ui/common/stream.js';
import { I18n, h, localTime, minutes } from '/ui/common/i18n.js';
import { icons } from '/ui/common/icons.js';

const TOKEN_KEY = 'hallq.kiosk.token';
const DEFAULT_IDLE_S = 60;
const LIVE_POLL_MS = 20000; // opening hours and slots change with time, not with events

const dict = {
  'app.title': { zh: '自助取号', en: 'Self-service tickets' },
  'app.loading': { zh: '正在连接服务，请稍候…', en: 'Connecting, please wait…' },
  'app.reconnecting': {
    zh: '正在重新连接… 排队信息可能不是最新',
    en: 'Reconnecting… queue figures may be out of date',
  },
  'lang.switch': { zh: 'English', en: '中文' },
  'elder.on': { zh: '适老模式', en: 'Large text' },
  'elder.off': { zh: '标准模式', en: 'Standard text' },
  'setup.title': { zh: '本机尚未配置', en: 'This kiosk is not set up' },
  'setup.none': {
    zh: '本机没有设备令牌。请管理员用 /kiosk?token=设备令牌 打开本页。如需取号，请到咨询导办台。',
    en: 'This kiosk has no device token. An administrator opens /kiosk?token=<device token>. For a ticket, please ask at the help desk.',
  },
  'setup.bad': {
    zh: '本机的设备令牌无效或已停用。请联系管理员。如需取号，请到咨询导办台。',
    en: 'This kiosk\'s device token is not valid. Please call an administrator. For a ticket, please ask at the help desk.',
  },
  'search.placeholder': {
    zh: '搜索事项：输入汉字、拼音首字母（如 yyzz）或英文',
    en: 'Search: Chinese, pinyin initials (e.g. yyzz) or English',
  },
  'search.label': { zh: '搜索办理事项', en: 'Search service items' },
  'search.clear': { zh: '清除', en: 'Clear' },
  'search.none': { zh: '没有找到相关事项，请换个词试试，或到咨询导办台咨询', en: 'Nothing found. Try another word, or ask at the help desk.' },
  'search.done': { zh: '收起键盘', en: 'Hide keys' },
  'search.space': { zh: '空格', en: 'Space' },
  'home.themes': { zh: '综合窗口 · 按主题办理', en: 'Comprehensive windows, by theme' },
  'home.units': { zh: '部门窗口', en: 'Department windows' },
  'tile.waiting': { zh: '等候 {n} 人', en: '{n} waiting' },
  'tile.wait': { zh: '约 {m} 分钟', en: 'about {m} min' },
  'tile.nowait': { zh: '无需等候', en: 'No wait' },
  'tile.busy': { zh: '人多', en: 'Busy' },
  'tile.comprehensive': { zh: '综合窗口', en: 'Comprehensive' },
  'tile.closed': { zh: '暂停取号', en: 'Not issuing' },
  'closed.hours': { zh: '取号时间 {hours}', en: 'Tickets {hours}' },
  'closed.cap': { zh: '今日 {cap} 个号已取完，请明日再来', en: 'All {cap} tickets of today are taken; please come back tomorrow' },
  'closed.slot': { zh: '本时段号源已满，请稍后再来', en: 'This time slot is full; please come back later' },
  'closed.ask': { zh: '如有急事请到咨询导办台', en: 'Urgent? Please ask at the help desk' },
  'tips.title': { zh: '温馨提示', en: 'Good to know' },
  'tips.green': {
    zh: '年满60周岁的老年人取号时输入身份证号码，自动进入绿色通道优先办理；孕妇、残疾人、军人等请到咨询导办台由工作人员代取号。',
    en: 'Aged 60 or over? Enter your ID number for the green channel. Pregnant, disabled or military: the help desk takes a green-channel ticket for you.',
  },
  'tips.wait': {
    zh: '取号后请在休息区等候，留意叫号广播和大屏显示；过号无效，需重新取号。',
    en: 'After taking a ticket, wait in the seating area and watch the screens; a missed call is void.',
  },
  'tips.qr': { zh: '扫描号票上的二维码，可用手机随时查看排队进度。', en: 'Scan the QR code on your ticket to follow the queue on your phone.' },
  'items.hint': { zh: '请选择要办理的事项', en: 'Choose what you need' },
  'items.limit': { zh: '承诺时限 {n} 个工作日', en: 'Done within {n} working days' },
  'items.days': { zh: '{n} 个工作日', en: '{n} working days' },
  'items.instant': { zh: '即办件', en: 'Done on the spot' },
  'items.other': { zh: '其他业务 / 不确定办哪项', en: 'Something else / not sure' },
  'items.other.sub': { zh: '直接取号，到窗口说明', en: 'Take a ticket and explain at the window' },
  'back': { zh: '返回', en: 'Back' },
  'id.title': { zh: '输入身份证号码（可跳过）', en: 'ID card number (optional)' },
  'id.why': {
    zh: '年满60周岁的群众输入身份证号码后自动进入绿色通道，优先办理。号码仅用于本次取号，系统不保存明文。',
    en: 'People aged 60 or over who enter their ID number get the green channel (served first). The number is used for this ticket only and never stored in clear.',
  },
  'id.skip': { zh: '跳过', en: 'Skip' },
  'id.ok': { zh: '确定', en: 'OK' },
  'id.clear': { zh: '清空', en: 'Clear' },
  'id.del': { zh: '删除', en: 'Delete' },
  'id.empty': { zh: '请用下方数字键输入 18 位号码', en: 'Type the 18 characters on the keys below' },
  'id.short': { zh: '还差 {n} 位', en: '{n} more to go' },
  'id.bad': { zh: '号码校验未通过，请检查后重新输入', en: 'This number does not check out; please check it' },
  'confirm.title': { zh: '请确认取号信息', en: 'Please confirm' },
  'confirm.item': { zh: '办理事项', en: 'Service' },
  'confirm.queue': { zh: '排队队列', en: 'Queue' },
  'confirm.windows': { zh: '办理窗口', en: 'Windows' },
  'confirm.limit': { zh: '承诺时限', en: 'Time limit' },
  'confirm.now': { zh: '当前等候', en: 'Waiting now' },
  'confirm.id': { zh: '身份证号', en: 'ID number' },
  'confirm.noid': { zh: '未输入', en: 'Not given' },
  'confirm.materials': { zh: '请备齐以下材料（一次性告知）', en: 'Please bring these documents (full list)' },
  'confirm.nomaterials': { zh: '无需携带材料，请到窗口咨询', en: 'No documents listed; ask at the window' },
  'confirm.ok': { zh: '确认取号', en: 'Take a ticket' },
  'confirm.cancel': { zh: '取消', en: 'Cancel' },
  'confirm.issuing': { zh: '正在取号…', en: 'Issuing…' },
  'confirm.retry': { zh: '重试取号', en: 'Try again' },
  'confirm.green': { zh: '绿色通道（工作人员标记）', en: 'Green channel (staff)' },
  'confirm.green.none': { zh: '不标记', en: 'None' },
  'err.network': {
    zh: '网络连接中断，号码可能尚未取到。请点“重试取号”，不会重复取号；或到咨询导办台取号。',
    en: 'The connection dropped; the ticket may not be issued yet. Tap "Try again" (it will not issue twice), or ask at the help desk.',
  },
  'err.badid': { zh: '身份证号码有误：{detail}', en: 'The ID number was refused: {detail}' },
  'err.reenter': { zh: '重新输入身份证号', en: 'Re-enter the ID number' },
  'err.staff': { zh: '工作人员登录已失效，已退出工作人员模式，请重新登录后再试。', en: 'The staff session ended; staff mode is off. Sign in again and retry.' },
  'err.generic': { zh: '取号未成功：{title}', en: 'No ticket: {title}' },
  'green.elderly': { zh: '老年人', en: 'Elderly' },
  'green.pregnant': { zh: '孕妇', en: 'Pregnant' },
  'green.disabled': { zh: '残疾人', en: 'Disabled' },
  'green.military': { zh: '军人及优抚对象', en: 'Military' },
  'green.urgent': { zh: '急事急办', en: 'Urgent' },
  'green.staff': { zh: '其他', en: 'Other' },
  'ticket.title': { zh: '排队号票', en: 'Your ticket' },
  'ticket.green': { zh: '绿色通道 · 优先办理', en: 'Green channel · served first' },
  'ticket.ahead': { zh: '前面还有 {n} 人', en: '{n} ahead of you' },
  'ticket.ahead0': { zh: '前面没有人', en: 'Nobody ahead' },
  'ticket.wait': { zh: '预计等候约 {m} 分钟', en: 'About {m} min wait' },
  'ticket.wait0': { zh: '即将叫号', en: 'You will be called soon' },
  'ticket.windows': { zh: '请留意 {w} 的呼叫', en: 'Watch for your call at {w}' },
  'ticket.called': { zh: '请到 {w} 号窗口办理', en: 'Please go to window {w}' },
  'ticket.qr': { zh: '手机扫码，随时查看排队进度', en: 'Scan to follow your place in line' },
  'ticket.notice': {
    zh: '请在休息区等候，注意呼叫及大屏显示信息。过号无效，请您重新取号。',
    en: 'Please wait in the seating area and watch the screens. A missed call is void; take a new ticket.',
  },
  'ticket.issued': { zh: '取号时间 {t}', en: 'Issued {t}' },
  'ticket.done': { zh: '完成，返回首页（{s} 秒）', en: 'Done, back to start ({s} s)' },
  'print.printing': { zh: '正在打印号票…', en: 'Printing your ticket…' },
  'print.ok': { zh: '号票已打印，请取走', en: 'Printed: please take your ticket' },
  'print.low': { zh: '号票已打印，请取走（打印纸将用完，已通知工作人员）', en: 'Printed: please take your ticket (paper is running low)' },
  'print.failed': { zh: '打印失败，请拍照保存二维码', en: 'Print failed — please photograph the QR code' },
  'print.none': { zh: '本机未配置打印机，请拍照保存二维码', en: 'No printer here — please photograph the QR code' },
  'print.reprint': { zh: '补打', en: 'Reprint' },
  'printer.notice': {
    zh: '本机打印机暂不可用（{why}），取号后请拍照保存屏幕上的二维码',
    en: 'The printer is not available ({why}): after taking a ticket, photograph the QR code on screen',
  },
  'printer.paper_out': { zh: '打印机缺纸', en: 'out of paper' },
  'printer.cover_open': { zh: '打印机仓盖未关', en: 'cover open' },
  'printer.unreachable': { zh: '打印机无法连接', en: 'printer unreachable' },
  'printer.error': { zh: '打印机故障', en: 'printer error' },
  'printer.paper_low': { zh: '打印纸将用完', en: 'paper low' },
  'help': { zh: '如需帮助，请到 {w} 咨询导办台，工作人员可为您代取号', en: 'Need help? The help desk {w} can take a ticket for you' },
  'help.nowin': { zh: '如需帮助，请到咨询导办台，工作人员可为您代取号', en: 'Need help? The help desk can take a ticket for you' },
  'idle.hint': { zh: '{s} 秒后无操作将返回首页', en: 'Back to start in {s} s without input' },
  'staff.button': { zh: '工作人员', en: 'Staff' },
  'staff.title': { zh: '工作人员登录', en: 'Staff sign-in' },
  'staff.text': { zh: '导办人员登录后可为群众代取号、标记绿色通道。', en: 'Help-desk staff can take tickets for citizens and mark the green channel.' },
  'staff.clerk': { zh: '工号', en: 'Staff id' },
  'staff.password': { zh: '密码', en: 'Password' },
  'staff.submit': { zh: '登录', en: 'Sign in' },
  'staff.cancel': { zh: '取消', en: 'Cancel' },
  'staff.bad': { zh: '工号或密码错误', en: 'Wrong staff id or password' },
  'staff.net': { zh: '无法连接服务，请稍后再试', en: 'Cannot reach the controller; try again' },
  'staff.mode': { zh: '工作人员模式：{name}（{clerk}）· 代取号', en: 'Staff mode: {name} ({clerk}) · desk tickets' },
  'staff.end': { zh: '退出工作人员模式', en: 'End staff mode' },
  'staff.ended': { zh: '已退出工作人员模式', en: 'Staff mode ended' },
  'windows.zh': { zh: '{list}号窗口', en: 'window {list}' },
  'windows.many': { zh: '{list}号窗口', en: 'windows {list}' },
  'weekday': { zh: '日一二三四五六', en: 'SunMonTueWedThuFriSat' },
};

const i18n = new I18n(dict, 'zh');
const t = (k, v) => i18n.t(k, v);
const $ = (id) => document.getElementById(id);
const clock = new ControllerClock();

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

const state = {
  token: null,
  hall: null, // GET /api/v1/hall
  queues: new Map(), // id → queue config
  items: new Map(), // code → item config
  live: new Map(), // queue id → live entry
  liveOk: false,
  streamOk: false,
  screen: 'loading',
  // The citizen's choices on the way to a ticket.
  queue: null, // queue id (items screen, or a ticket by queue)
  item: null, // item code, or null for a ticket by queue
  idNumber: '',
  greenReason: null, // staff mode only
  issueKey: null, // one Idempotency-Key per confirmation, reused on a retry after a network error
  issueBody: null,
  issuing: false,
  ticket: null, // the issued ticket
  print: { state: 'idle', printer: null },
  staff: null, // {clerk, name, token}
  elder: false,
  lastInput: Date.now(),
  searchSeq: 0,
};

const idleMs = (() => {
  const v = Number.parseInt(param('idle') || '', 10);
  return (Number.isFinite(v) && v >= 1 && v <= 3600 ? v : DEFAULT_IDLE_S) * 1000;
})();

const api = new Api();
let stream = null;

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function readToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      localStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      /* private mode: keep it in memory */
    }
    // Keep the token out of the address bar (and out of screenshots and bookmarks).
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

async function boot() {
  wireStatic();
  i18n.apply();
  renderChrome();
  setInterval(tick, 1000);
  tick();
  state.token = readToken();
  api.token = state.token;
  if (!state.token) {
    showSetup('setup.none');
    return;
  }
  // The hall configuration: retry until the controller answers (it may be starting).
  for (let attempt = 0; ; attempt++) {
    try {
      state.hall = await api.get('/api/v1/hall', { token: null });
      break;
    } catch (e) {
      setBanner(attempt > 0);
      await sleep(Math.min(1000 * (attempt + 1), 5000));
    }
  }
  for (const q of state.hall.queues) state.queues.set(q.id, q);
  for (const it of state.hall.items) state.items.set(it.code, it);
  renderChrome();
  try {
    // Which device this is: its printer's health is in /live.
    const who = await api.get('/api/v1/session');
    state.deviceId = who.device || null;
  } catch {
    /* the printer notice is a nicety */
  }
  const ok = await refreshLive(true);
  if (ok === 'unauthorized') return;
  buildHome();
  show('home');
  startStream();
  setInterval(() => refreshLive(), LIVE_POLL_MS);
  window.addEventListener('online', () => stream && stream.reconnectNow());
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function showSetup(key) {
  $('setup-text').textContent = t(key);
  $('setup-text').dataset.key = key;
  show('setup');
}

// ---------------------------------------------------------------------------------------------
// Live counts and the event stream
// ---------------------------------------------------------------------------------------------

/** Reads /api/v1/live, one read at a time. Returns true, false (unreachable) or 'unauthorized'. */
const refreshLive = singleFlight(async (first = false) => {
  try {
    const live = await api.get('/api/v1/live');
    // The kiosk's clock is the controller's, not this PC's.
    clock.sync(live.now);
    state.live = new Map(live.queues.map((q) => [q.queue, q]));
    const me = (live.devices || []).find((d) => d.device === state.deviceId);
    state.printer = me ? me.printer : null;
    state.liveOk = true;
    if (first) state.firstSeq = live.seq;
    updateBanner();
    renderLive();
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      if (stream) stream.stop();
      showSetup('setup.bad');
      return 'unauthorized';
    }
    state.liveOk = false;
    updateBanner();
    return false;
  }
});

const refreshLiveSoon = throttle(() => refreshLive(), 400);
const refreshTicketSoon = throttle(() => refreshTicket(), 1000);

function startStream() {
  stream = new EventStream({
    after: state.firstSeq || 0,
    path: (after) => `/api/v1/stream?after=${after}&token=${state.token}`,
    onEvent: (ev) => {
      refreshLiveSoon();
      if (state.screen === 'ticket' && state.ticket && ev.type && ev.type.startsWith('ticket_')) {
        refreshTicketSoon();
      }
      if (ev.type === 'session_closed' && state.staff && ev.clerk === state.staff.clerk) {
        // Our staff session may have been ended elsewhere; who-am-i tells.
        checkStaff();
      }
    },
    onState: (s) => {
      state.streamOk = s === 'open';
      updateBanner();
      // Back after a disconnect: the counts may have moved meanwhile.
      if (s === 'open') {
        refreshLive();
        if (state.screen === 'ticket') refreshTicket();
      }
    },
    logEnd: async () => (await api.get('/healthz', { token: null, timeoutMs: 3000 })).seq,
    onResync: () => refreshLive(),
  });
  stream.start();
}

function updateBanner() {
  // Before the stream first connects, only a failed read counts.
  const streamDown = stream && stream.state === 'reconnecting';
  setBanner(!state.liveOk || streamDown);
}

function setBanner(on) {
  const el = $('conn-banner');
  if (on) {
    el.innerHTML = icons.wifi;
    el.append(h('span', null, t('app.reconnecting')));
  }
  el.hidden = !on;
  document.body.classList.toggle('offline', on);
}

async function refreshTicket() {
  const tk = state.ticket;
  if (!tk || state.screen !== 'ticket') return;
  try {
    const fresh = await api.get(`/api/v1/tickets/${encodeURIComponent(tk.id)}`);
    if (state.ticket && state.ticket.id === fresh.id) {
      state.ticket = { ...state.ticket, ...fresh };
      renderTicketStats();
    }
  } catch {
    /* keep what is shown */
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers over the hall configuration
// ---------------------------------------------------------------------------------------------

/** Windows that call from a queue, in number order. */
function windowsFor(queueId) {
  return state.hall.windows
    .filter((w) => (w.tiers || []).some((tier) => tier.includes(queueId)))
    .map((w) => w.number)
    .sort((a, b) => a - b);
}

function windowsText(list) {
  if (!list.length) return '';
  if (i18n.lang === 'zh') return t('windows.zh', { list: list.join('、') });
  return t(list.length === 1 ? 'windows.zh' : 'windows.many', { list: list.join(', ') });
}

function themeOf(queue) {
  return queue && queue.theme ? state.hall.themes.find((th) => th.id === queue.theme) : null;
}

function unitOf(id) {
  return state.hall.units.find((u) => u.id === id) || null;
}

/** The tile title of a queue: its theme's name for comprehensive queues, else its own. */
function queueTitle(queue) {
  const th = themeOf(queue);
  return th ? i18n.pick(th, 'name') : i18n.pick(queue, 'name');
}

function otherLang(obj, field) {
  return i18n.lang === 'zh' ? obj[`${field}_en`] || '' : obj[`${field}_zh`] || '';
}

function itemsOf(queueId) {
  return state.hall.items.filter((it) => it.queue === queueId);
}

function hoursOf(queue) {
  const hrs = queue.hours && queue.hours.length ? queue.hours : state.hall.calendar.hours;
  return (hrs || []).join(i18n.lang === 'zh' ? '，' : ', ');
}

/** Why a queue issues no ticket now, in words, or null when it does. */
function closedReason(queueId) {
  const live = state.live.get(queueId);
  if (!live || !live.closed) return null;
  const q = state.queues.get(queueId);
  const c = live.closed;
  const head = i18n.title(c.title);
  let detail;
  switch (c.code) {
    case 'queue_closed':
      detail = q ? t('closed.hours', { hours: hoursOf(q) }) : c.detail;
      break;
    case 'daily_cap_reached':
      detail = t('closed.cap', { cap: q && q.daily_cap ? q.daily_cap : '' });
      break;
    case 'slot_full':
      detail = t('closed.slot');
      break;
    default:
      detail = i18n.lang === 'en' ? c.detail : '';
  }
  return { code: c.code, head, detail };
}

function waitText(live) {
  if (!live) return '';
  if (!live.waiting) return t('tile.nowait');
  return `${t('tile.waiting', { n: live.waiting })} · ${t('tile.wait', { m: minutes(live.estimated_wait_s) })}`;
}

function helpDesk() {
  const w = state.hall && state.hall.windows.find((x) => /咨询|导办/.test(x.name_zh || ''));
  return w ? w.number : null;
}

// ---------------------------------------------------------------------------------------------
// Screens
// ---------------------------------------------------------------------------------------------

const SCREENS = ['loading', 'setup', 'home', 'items', 'id', 'confirm', 'ticket'];

function show(name) {
  state.screen = name;
  for (const s of SCREENS) $(`screen-${s}`).hidden = s !== name;
  document.body.dataset.screen = name;
  if (name !== 'home') hideSearch();
  window.scrollTo(0, 0);
  const main = $('screens');
  if (main) main.scrollTop = 0;
}

function renderChrome() {
  const hall = state.hall && state.hall.hall;
  $('hall-name').textContent = hall ? i18n.pick(hall, 'name') : t('app.title');
  $('hall-name-2').textContent = hall ? otherLang(hall, 'name') : '';
  document.title = `${t('app.title')} · ${hall ? i18n.pick(hall, 'name') : 'hallq'}`;
  const lang = $('btn-lang');
  lang.innerHTML = icons.globe;
  lang.append(h('span', null, t('lang.switch')));
  lang.setAttribute('lang', i18n.lang === 'zh' ? 'en' : 'zh-CN');
  const elder = $('btn-elder');
  elder.innerHTML = icons.elder;
  elder.append(h('span', null, t(state.elder ? 'elder.off' : 'elder.on')));
  elder.setAttribute('aria-pressed', String(state.elder));
  $('btn-staff').textContent = i18n.lang === 'zh' ? '工作人员 Staff' : 'Staff 工作人员';
  for (const b of document.querySelectorAll('.btn-back')) {
    b.innerHTML = icons.back;
    b.append(h('span', null, t('back')));
  }
  $('search-icon').innerHTML = icons.search;
  const idSkip = $('id-skip');
  idSkip.textContent = i18n.lang === 'zh' ? '跳过 Skip' : 'Skip';
  const desk = helpDesk();
  $('footer-help').textContent = desk ? t('help', { w: i18n.lang === 'zh' ? `${desk}号` : `(window ${desk})` }) : t('help.nowin');
  renderStaffBar();
  renderClock();
  if (!$('conn-banner').hidden) setBanner(true);
  if (state.screen === 'setup') $('setup-text').textContent = t($('setup-text').dataset.key || 'setup.none');
}

/** Re-renders whatever shows live figures. */
function renderLive() {
  if (!state.hall) return;
  renderTiles();
  renderPrinterNotice();
  if (state.screen === 'items') renderItemsHead();
  if (state.screen === 'confirm') renderConfirm();
  if (state.search && state.search.items) renderResults(state.search.items);
}

function rerenderAll() {
  renderChrome();
  i18n.apply();
  if (!state.hall) return;
  buildHome();
  renderPrinterNotice();
  if (state.screen === 'items') renderItems();
  if (state.screen === 'id') renderId();
  if (state.screen === 'confirm') renderConfirm();
  if (state.screen === 'ticket') renderTicket();
}

// --- home ---------------------------------------------------------------------------------

function buildHome() {
  renderTiles();
  $('tips-list').replaceChildren(
    h('li', null, h('span', { class: 'tip-icon', html: icons.green }), h('span', null, t('tips.green'))),
    h('li', null, h('span', { class: 'tip-icon', html: icons.bell }), h('span', null, t('tips.wait'))),
    h('li', null, h('span', { class: 'tip-icon', html: icons.qr }), h('span', null, t('tips.qr'))),
  );
  renderKeyboard($('search-keyboard'), () => $('search-input'), { search: true });
}

function renderTiles() {
  const themeBox = $('tiles-theme');
  const unitBox = $('tiles-unit');
  themeBox.replaceChildren();
  unitBox.replaceChildren();
  for (const q of state.hall.queues) {
    const tile = renderTile(q);
    (q.theme ? themeBox : unitBox).append(tile);
  }
  themeBox.hidden = !themeBox.children.length;
  themeBox.previousElementSibling.hidden = themeBox.hidden;
  unitBox.hidden = !unitBox.children.length;
  unitBox.previousElementSibling.hidden = unitBox.hidden;
}

function renderTile(q) {
  const live = state.live.get(q.id);
  const closed = closedReason(q.id);
  const wins = windowsFor(q.id);
  // Comprehensive queues name their windows; a phrase never breaks inside ("6号窗 / 口").
  const sub = q.theme
    ? [h('span', { class: 'nobreak' }, `${t('tile.comprehensive')} ·`), ' ', h('span', { class: 'nobreak' }, windowsText(wins))]
    : i18n.lang === 'zh'
      ? otherLang(q, 'name')
      : unitName(q) || otherLang(q, 'name');
  const tile = h(
    'button',
    {
      type: 'button',
      class: `tile${q.theme ? ' tile-theme' : ''}${closed ? ' tile-closed' : ''}${live && live.warning ? ' tile-warn' : ''}`,
      dataset: { queue: q.id },
      'aria-disabled': closed ? 'true' : null,
      onclick: () => (closed ? toast(`${closed.head}${closed.detail ? `：${closed.detail}` : ''}`) : openQueue(q.id)),
    },
    h('span', { class: 'tile-top' }, h('span', { class: 'tile-prefix', 'aria-hidden': 'true' }, q.prefix), h('span', { class: 'tile-name' }, queueTitle(q))),
    h('span', { class: 'tile-sub' }, sub),
  );
  if (closed) {
    tile.append(
      h(
        'span',
        { class: 'tile-status tile-status-closed' },
        h('span', { class: 'closed-head', html: icons.closed }),
        h(
          'span',
          { class: 'closed-text' },
          h('b', { class: 'closed-title' }, t('tile.closed')),
          h('span', { class: 'closed-reason' }, closed.head),
          closed.detail ? h('span', { class: 'closed-detail' }, closed.detail) : null,
        ),
      ),
    );
    tile.querySelector('.closed-head').append(h('span', { class: 'sr-only' }, t('tile.closed')));
  } else {
    const status = h('span', { class: 'tile-status' }, h('span', { html: icons.people }), h('span', { class: 'tile-wait' }, waitText(live)));
    if (live && live.warning) status.append(h('span', { class: 'busy-tag' }, t('tile.busy')));
    tile.append(status);
  }
  return tile;
}

/** Before anyone taps: this kiosk's printer cannot print, so the QR code is the ticket. */
function renderPrinterNotice() {
  const el = $('printer-notice');
  const bad = ['paper_out', 'cover_open', 'error', 'unreachable'].includes(state.printer);
  el.hidden = !bad;
  if (bad) {
    el.innerHTML = icons.print;
    el.append(h('span', null, t('printer.notice', { why: t(`printer.${state.printer}`) })));
  }
}

function unitName(q) {
  const u = q.unit ? unitOf(q.unit) : null;
  return u ? i18n.pick(u, 'name') : '';
}

// --- search -------------------------------------------------------------------------------

const runSearch = throttle(() => doSearch(), 150);

async function doSearch() {
  const q = $('search-input').value.trim();
  $('search-clear').hidden = !$('search-input').value;
  const seq = ++state.searchSeq;
  if (!q) {
    state.search = null;
    $('search-results').hidden = true;
    return;
  }
  try {
    const res = await api.get(`/api/v1/items/search?q=${encodeURIComponent(q)}&limit=12`, { token: null });
    if (seq !== state.searchSeq) return; // a newer query is on its way
    state.search = { q, items: res.items || [] };
    renderResults(state.search.items);
  } catch {
    if (seq !== state.searchSeq) return;
    state.search = { q, items: [] };
    renderResults([]);
  }
}

function renderResults(items) {
  const box = $('search-results');
  box.replaceChildren();
  if (!$('search-input').value.trim()) {
    box.hidden = true;
    return;
  }
  if (!items.length) {
    box.append(h('p', { class: 'results-empty' }, t('search.none')));
  }
  for (const hit of items) {
    const item = state.items.get(hit.code);
    const q = item ? state.queues.get(item.queue) : null;
    const closed = q ? closedReason(q.id) : null;
    box.append(
      h(
        'button',
        {
          type: 'button',
          class: `result${closed ? ' result-closed' : ''}`,
          role: 'option',
          dataset: { code: hit.code },
          onclick: () => {
            if (closed) {
              toast(`${closed.head}${closed.detail ? `：${closed.detail}` : ''}`);
              return;
            }
            hideSearch(true);
            chooseItem(hit.code, true);
          },
        },
        h('span', { class: 'result-name' }, i18n.lang === 'zh' ? hit.name_zh : hit.name_en),
        h(
          'span',
          { class: 'result-sub' },
          [i18n.lang === 'zh' ? hit.name_en : hit.name_zh, q ? queueTitle(q) : '', closed ? `${t('tile.closed')}：${closed.head}` : ''].filter(Boolean).join(' · '),
        ),
      ),
    );
  }
  box.hidden = false;
}

function hideSearch(clear = false) {
  $('search-keyboard').hidden = true;
  if (clear) {
    $('search-input').value = '';
    $('search-clear').hidden = true;
    state.search = null;
    $('search-results').hidden = true;
  }
}

// --- on-screen keyboard ---------------------------------------------------------------------

/** Letter and digit keys typing into `target()` (the input they serve may change). */
function renderKeyboard(box, target, { search = false } = {}) {
  box.replaceChildren();
  const rows = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
  const type = (s) => {
    const input = target();
    input.value = (input.value + s).slice(0, input.maxLength > 0 ? input.maxLength : 100);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  for (const [i, row] of rows.entries()) {
    const r = h('div', { class: 'kb-row' });
    for (const ch of row) {
      r.append(h('button', { type: 'button', class: 'key', onclick: () => type(ch) }, ch.toUpperCase()));
    }
    if (i === rows.length - 1) {
      r.append(
        h(
          'button',
          {
            type: 'button',
            class: 'key key-wide',
            'aria-label': t('id.del'),
            html: icons.backspace,
            onclick: () => {
              const input = target();
              input.value = input.value.slice(0, -1);
              input.dispatchEvent(new Event('input', { bubbles: true }));
            },
          },
        ),
      );
    }
    box.append(r);
  }
  if (search) {
    box.append(
      h(
        'div',
        { class: 'kb-row' },
        h('button', { type: 'button', class: 'key key-space', onclick: () => type(' ') }, t('search.space')),
        h('button', { type: 'button', class: 'key key-wide', onclick: () => hideSearch() }, t('search.done')),
      ),
    );
  }
}

// --- items --------------------------------------------------------------------------------

function openQueue(queueId) {
  state.queue = queueId;
  state.item = null;
  hideSearch(true);
  renderItems();
  show('items');
}

function renderItemsHead() {
  const q = state.queues.get(state.queue);
  if (!q) return;
  const th = themeOf(q);
  $('items-title').textContent = th ? `${i18n.pick(th, 'name')} · ${t('tile.comprehensive')}` : i18n.pick(q, 'name');
  const live = state.live.get(q.id);
  const closed = closedReason(q.id);
  $('items-stat').textContent = closed
    ? `${t('tile.closed')} · ${closed.head}${closed.detail ? ` · ${closed.detail}` : ''}`
    : [waitText(live), windowsText(windowsFor(q.id))].filter(Boolean).join(' · ');
}

function renderItems() {
  renderItemsHead();
  const list = $('items-list');
  list.replaceChildren();
  for (const it of itemsOf(state.queue)) {
    list.append(
      h(
        'button',
        { type: 'button', class: 'item', dataset: { code: it.code }, onclick: () => chooseItem(it.code) },
        h('span', { class: 'item-name' }, i18n.pick(it, 'name')),
        h('span', { class: 'item-sub' }, otherLang(it, 'name')),
        h('span', { class: 'item-meta' }, it.limit_days ? t('items.limit', { n: it.limit_days }) : t('items.instant')),
      ),
    );
  }
  list.append(
    h(
      'button',
      { type: 'button', class: 'item item-other', dataset: { queue: state.queue }, onclick: () => chooseQueueOnly() },
      h('span', { class: 'item-name' }, t('items.other')),
      h('span', { class: 'item-sub' }, t('items.other.sub')),
    ),
  );
}

function chooseItem(code, fromSearch = false) {
  const it = state.items.get(code);
  if (!it) return;
  state.item = code;
  state.queue = it.queue;
  state.fromSearch = fromSearch;
  startId();
}

function chooseQueueOnly() {
  state.item = null;
  state.fromSearch = false;
  startId();
}

// --- ID number ----------------------------------------------------------------------------

function startId() {
  state.idNumber = '';
  state.issueKey = null;
  renderId();
  show('id');
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check: 17 digits and an ISO 7064 MOD 11-2 check character. */
function idValid(s) {
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11] === s[17];
}

function renderId() {
  const it = state.item ? state.items.get(state.item) : null;
  const q = state.queues.get(state.queue);
  $('id-item').textContent = it ? i18n.pick(it, 'name') : q ? i18n.pick(q, 'name') : '';
  const pad = $('id-keypad');
  if (!pad.children.length || pad.dataset.lang !== i18n.lang) {
    pad.replaceChildren();
    pad.dataset.lang = i18n.lang;
    for (const k of ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'X', '0', 'del']) {
      if (k === 'del') {
        pad.append(h('button', { type: 'button', class: 'pad-key pad-del', dataset: { key: 'del' }, 'aria-label': t('id.del'), html: icons.backspace, onclick: () => idKey('del') }));
      } else {
        pad.append(h('button', { type: 'button', class: 'pad-key', dataset: { key: k }, onclick: () => idKey(k) }, k));
      }
    }
    pad.append(h('button', { type: 'button', class: 'pad-key pad-clear', dataset: { key: 'clear' }, onclick: () => idKey('clear') }, t('id.clear')));
  }
  renderIdDisplay();
}

function idKey(k) {
  let s = state.idNumber;
  if (k === 'del') s = s.slice(0, -1);
  else if (k === 'clear') s = '';
  else if (s.length < 18) {
    // X is only ever the check character, the 18th.
    if (k === 'X' && s.length !== 17) return;
    s += k;
  }
  state.idNumber = s;
  renderIdDisplay();
}

function renderIdDisplay() {
  const s = state.idNumber;
  const disp = $('id-display');
  disp.replaceChildren();
  // 6 (region) + 8 (birth date) + 4, as printed on the card.
  const groups = [s.slice(0, 6), s.slice(6, 14), s.slice(14, 18)];
  const slots = [6, 8, 4];
  for (const [i, g] of groups.entries()) {
    const span = h('span', { class: 'id-group' });
    for (let j = 0; j < slots[i]; j++) span.append(h('span', { class: j < g.length ? 'id-ch' : 'id-ch id-empty' }, j < g.length ? g[j] : '·'));
    disp.append(span);
  }
  disp.setAttribute('aria-label', s || t('id.empty'));
  const err = $('id-error');
  const ok = s.length === 18 && idValid(s);
  err.classList.toggle('is-error', s.length === 18 && !ok);
  if (!s.length) err.textContent = t('id.empty');
  else if (s.length < 18) err.textContent = t('id.short', { n: 18 - s.length });
  else err.textContent = ok ? '' : t('id.bad');
  $('id-ok').disabled = !ok;
}

// --- confirm ------------------------------------------------------------------------------

function toConfirm() {
  state.issueKey = null;
  state.greenReason = null;
  $('confirm-error').hidden = true;
  renderConfirm();
  show('confirm');
}

function maskId(s) {
  return s ? `${s.slice(0, 3)}${'*'.repeat(11)}${s.slice(14)}` : '';
}

function renderConfirm() {
  const card = $('confirm-card');
  const it = state.item ? state.items.get(state.item) : null;
  const q = state.queues.get(state.queue);
  if (!q) return;
  const live = state.live.get(q.id);
  const closed = closedReason(q.id);
  const rows = [];
  const row = (k, v, cls) => rows.push(h('div', { class: `kv${cls ? ` ${cls}` : ''}` }, h('dt', null, t(k)), h('dd', null, v)));
  row('confirm.item', it ? i18n.pick(it, 'name') : t('items.other'), 'kv-main');
  row('confirm.queue', `${q.prefix} · ${i18n.pick(q, 'name')}`);
  row('confirm.windows', windowsText(windowsFor(q.id)));
  if (it) row('confirm.limit', it.limit_days ? t('items.days', { n: it.limit_days }) : t('items.instant'));
  row('confirm.now', closed ? `${t('tile.closed')} · ${closed.head}` : waitText(live));
  row('confirm.id', state.idNumber ? maskId(state.idNumber) : t('confirm.noid'));
  const mats = it && it.materials && it.materials.length ? it.materials : null;
  const materials = h(
    'div',
    { class: 'materials' },
    h('h3', null, h('span', { html: icons.doc }), h('span', null, t('confirm.materials'))),
    mats ? h('ol', null, mats.map((m) => h('li', null, m))) : h('p', null, t('confirm.nomaterials')),
  );
  const parts = [h('dl', { class: 'kvs' }, rows), materials];
  if (state.staff) {
    const reasons = [null, 'elderly', 'pregnant', 'disabled', 'military', 'urgent', 'staff'];
    parts.push(
      h(
        'fieldset',
        { class: 'green-pick' },
        h('legend', null, h('span', { html: icons.green }), h('span', null, t('confirm.green'))),
        h(
          'div',
          { class: 'green-options' },
          reasons.map((r) =>
            h(
              'button',
              {
                type: 'button',
                class: `chip${state.greenReason === r ? ' chip-on' : ''}`,
                'aria-pressed': String(state.greenReason === r),
                dataset: { reason: r || 'none' },
                onclick: () => {
                  state.greenReason = r;
                  state.issueKey = null;
                  renderConfirm();
                },
              },
              state.greenReason === r ? h('span', { html: icons.check }) : null,
              r ? t(`green.${r}`) : t('confirm.green.none'),
            ),
          ),
        ),
      ),
    );
  }
  card.replaceChildren(...parts);
  const ok = $('confirm-ok');
  ok.disabled = state.issuing;
  ok.textContent = state.issuing ? t('confirm.issuing') : state.issueKey && state.lastIssueFailedNet ? t('confirm.retry') : t('confirm.ok');
}

function confirmError(message, extra) {
  const box = $('confirm-error');
  box.replaceChildren(h('span', { html: icons.warn }), h('span', null, message));
  if (extra) box.append(extra);
  box.hidden = false;
}

async function issue() {
  if (state.issuing) return; // a double tap issues one ticket
  const body = state.item ? { item: state.item } : { queue: state.queue };
  if (state.idNumber) body.id_number = state.idNumber;
  if (state.staff) {
    body.channel = 'desk';
    if (state.greenReason) {
      body.priority = 'green';
      body.green_reason = state.greenReason;
    }
  }
  const text = JSON.stringify(body);
  // A retry after a network error resends the same bytes under the same key: the controller
  // answers with the ticket it already issued, never a second one.
  if (!state.issueKey || state.issueBody !== text) {
    state.issueKey = newKey('kiosk-tap');
    state.issueBody = text;
  }
  state.issuing = true;
  state.lastIssueFailedNet = false;
  $('confirm-error').hidden = true;
  renderConfirm();
  const token = state.staff ? state.staff.token : state.token;
  try {
    const ticket = await api.post('/api/v1/tickets', text, { key: state.issueKey, token });
    state.issuing = false;
    state.idNumber = ''; // forget it as soon as it is used
    renderIdDisplay();
    state.issueKey = null;
    state.issueBody = null;
    state.ticket = ticket;
    state.print = { state: 'printing', printer: null };
    renderTicket();
    show('ticket');
    printTicket(false);
    refreshLive();
  } catch (e) {
    state.issuing = false;
    if (e instanceof NetworkError || (e instanceof ApiError && e.status === 503)) {
      state.lastIssueFailedNet = true;
      renderConfirm();
      confirmError(t('err.network'));
      return;
    }
    state.issueKey = null;
    renderConfirm();
    if (e instanceof ApiError && e.status === 400 && state.idNumber) {
      confirmError(
        t('err.badid', { detail: e.detail }),
        h('button', { type: 'button', class: 'btn btn-light', onclick: () => startId() }, t('err.reenter')),
      );
    } else if (e instanceof ApiError && e.status === 401 && state.staff) {
      state.staff = null;
      renderStaffBar();
      renderConfirm();
      confirmError(t('err.staff'));
    } else if (e instanceof ApiError && ['queue_closed', 'daily_cap_reached', 'slot_full'].includes(e.code)) {
      await refreshLive();
      const c = closedReason(state.queue);
      confirmError(c ? `${c.head}${c.detail ? `：${c.detail}` : ''}。${t('closed.ask')}` : `${i18n.title(e.title)}。${t('closed.ask')}`);
    } else if (e instanceof ApiError) {
      confirmError(t('err.generic', { title: i18n.title(e.title) || e.code }) + (e.detail ? ` (${e.detail})` : ''));
    } else {
      confirmError(t('err.generic', { title: String(e && e.message) }));
    }
  }
}

// --- ticket -------------------------------------------------------------------------------

function renderTicket() {
  const tk = state.ticket;
  if (!tk) return;
  const box = $('ticket');
  const q = state.queues.get(tk.queue);
  const it = tk.item ? state.items.get(tk.item) : null;
  const hall = state.hall.hall;
  const qrSrc = `/api/v1/tickets/${encodeURIComponent(tk.id)}/qr.svg?track=${encodeURIComponent(tk.track_token)}`;
  const green = tk.priority === 'green';
  // 绿色通道 in words and with an icon, not by colour alone.
  const badge = green
    ? h(
        'div',
        { class: 'green-badge', id: 'ticket-green' },
        h('span', { html: icons.green }),
        h(
          'span',
          null,
          t('ticket.green'),
          tk.green_reason ? (i18n.lang === 'zh' ? `（${t(`green.${tk.green_reason}`)}）` : ` (${t(`green.${tk.green_reason}`)})`) : null,
        ),
      )
    : null;
  box.replaceChildren(
    h('div', { class: 'ticket-head' }, h('span', null, i18n.pick(hall, 'name')), h('span', null, t('ticket.title'))),
    h(
      'div',
      { class: 'ticket-body' },
      badge,
      h('div', { class: 'ticket-number', id: 'ticket-number', 'aria-label': tk.number }, tk.number),
      h('div', { class: 'ticket-queue' }, [q ? i18n.pick(q, 'name') : tk.queue, it ? i18n.pick(it, 'name') : null].filter(Boolean).join(' · ')),
      h('div', { class: 'ticket-stats', id: 'ticket-stats' }),
      h('div', { class: 'ticket-windows', id: 'ticket-windows' }),
    ),
    h(
      'div',
      { class: 'ticket-lower' },
      h('figure', { class: 'ticket-qr' }, h('img', { src: qrSrc, alt: t('ticket.qr'), width: '240', height: '240' }), h('figcaption', null, h('span', { html: icons.qr }), t('ticket.qr'))),
      h(
        'div',
        { class: 'ticket-side' },
        h('div', { class: 'print-status', id: 'print-status', role: 'status' }),
        h('p', { class: 'ticket-notice' }, t('ticket.notice')),
        h('p', { class: 'ticket-time' }, t('ticket.issued', { t: localTime(tk.issued_at, state.hall.calendar.time_zone, true) })),
      ),
    ),
  );
  renderTicketStats();
  renderPrint();
  renderCountdown();
}

function renderTicketStats() {
  const tk = state.ticket;
  const stats = $('ticket-stats');
  if (!tk || !stats) return;
  const wins = windowsFor(tk.queue);
  if (tk.status === 'called' || tk.status === 'serving') {
    stats.replaceChildren(h('div', { class: 'stat stat-called' }, h('span', { html: icons.bell }), h('b', null, t('ticket.called', { w: tk.window }))));
  } else {
    stats.replaceChildren(
      h('div', { class: 'stat', id: 'ticket-ahead' }, h('span', { html: icons.people }), h('b', null, tk.ahead ? t('ticket.ahead', { n: tk.ahead }) : t('ticket.ahead0'))),
      h('div', { class: 'stat' }, h('span', { html: icons.clock }), h('b', null, tk.estimated_wait_s > 0 ? t('ticket.wait', { m: minutes(tk.estimated_wait_s) }) : t('ticket.wait0'))),
    );
  }
  $('ticket-windows').replaceChildren(h('span', { html: icons.window }), h('span', null, t('ticket.windows', { w: windowsText(wins) })));
}

async function printTicket(reprint) {
  const tk = state.ticket;
  if (!tk) return;
  state.print = { state: 'printing', printer: null };
  renderPrint();
  let next;
  try {
    const res = await api.post(`/api/v1/tickets/${encodeURIComponent(tk.id)}/print`, reprint ? { reprint: true } : {}, {
      key: newKey('kiosk-print'),
      token: state.token,
      timeoutMs: 20000,
    });
    if (res && res.replayed && !res.printed) {
      // A replay under the same key carries only the ticket: its print flag tells the outcome.
      next = res.ticket && res.ticket.print_failed ? { state: 'failed', printer: null } : { state: 'ok' };
    } else {
      next = { state: res && res.printer === 'paper_low' ? 'low' : 'ok', printer: res && res.printer };
    }
  } catch (e) {
    if (e instanceof ApiError && e.code === 'no_printer') next = { state: 'none' };
    else if (e instanceof ApiError && e.code === 'already_printed') next = { state: 'ok' };
    else if (e instanceof ApiError && e.code === 'print_in_progress') next = { state: 'printing' };
    else next = { state: 'failed', printer: e instanceof ApiError ? e.problem.printer || null : 'unreachable' };
  }
  // The citizen may have gone home meanwhile.
  if (state.ticket && state.ticket.id === tk.id) {
    state.print = next;
    renderPrint();
  }
}

function renderPrint() {
  const box = $('print-status');
  if (!box) return;
  const p = state.print;
  box.className = `print-status print-${p.state}`;
  const line = (icon, text) => [h('span', { html: icon }), h('span', { class: 'print-text' }, text)];
  switch (p.state) {
    case 'printing':
      box.replaceChildren(...line(icons.print, t('print.printing')));
      break;
    case 'ok':
      box.replaceChildren(...line(icons.check, t('print.ok')));
      break;
    case 'low':
      box.replaceChildren(...line(icons.check, t('print.low')));
      break;
    case 'none':
      box.replaceChildren(...line(icons.warn, t('print.none')));
      break;
    case 'failed': {
      const why = p.printer && dict[`printer.${p.printer}`] ? `（${t(`printer.${p.printer}`)}）` : '';
      box.replaceChildren(
        ...line(icons.warn, t('print.failed') + why),
        h('button', { type: 'button', class: 'btn btn-primary btn-reprint', id: 'btn-reprint', onclick: () => printTicket(true) }, h('span', { html: icons.print }), t('print.reprint')),
      );
      break;
    }
    default:
      box.replaceChildren();
  }
}

// ---------------------------------------------------------------------------------------------
// Staff mode (help desk): a clerk signs in without a window and issues tickets for citizens,
// with the green channel when needed.
// ---------------------------------------------------------------------------------------------

function openStaff() {
  $('staff-error').textContent = '';
  $('staff-clerk').value = '';
  $('staff-password').value = '';
  $('staff-modal').hidden = false;
  state.kbTarget = $('staff-clerk');
  renderKeyboard($('staff-keyboard'), () => state.kbTarget);
  $('staff-clerk').focus();
}

function closeStaffModal() {
  $('staff-password').value = '';
  $('staff-modal').hidden = true;
}

async function submitStaff(ev) {
  ev.preventDefault();
  const clerk = $('staff-clerk').value.trim();
  const password = $('staff-password').value;
  if (!clerk || !password) {
    $('staff-error').textContent = t('staff.bad');
    return;
  }
  $('staff-submit').disabled = true;
  try {
    const s = await api.post('/api/v1/session', { clerk, password }, { key: newKey('kiosk-staff'), token: null });
    let name = clerk;
    try {
      const who = await api.get('/api/v1/session', { token: s.token });
      name = who.name || clerk;
    } catch {
      /* the name is cosmetic */
    }
    state.staff = { clerk: s.clerk || clerk, name, token: s.token };
    closeStaffModal();
    renderStaffBar();
    if (state.screen === 'confirm') renderConfirm();
  } catch (e) {
    $('staff-error').textContent = e instanceof ApiError && e.status === 401 ? t('staff.bad') : e instanceof ApiError ? i18n.title(e.title) : t('staff.net');
  } finally {
    $('staff-password').value = '';
    $('staff-submit').disabled = false;
  }
}

async function endStaff(announce = true) {
  const s = state.staff;
  if (!s) return;
  state.staff = null;
  state.greenReason = null;
  renderStaffBar();
  if (state.screen === 'confirm') renderConfirm();
  try {
    await api.del('/api/v1/session', { token: s.token });
  } catch {
    /* already ended, or the controller is away: the session is dropped here either way */
  }
  if (announce) toast(t('staff.ended'));
}

async function checkStaff() {
  const s = state.staff;
  if (!s) return;
  try {
    await api.get('/api/v1/session', { token: s.token });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && state.staff === s) {
      state.staff = null;
      renderStaffBar();
    }
  }
}

function renderStaffBar() {
  const bar = $('staff-bar');
  bar.hidden = !state.staff;
  document.body.classList.toggle('staff-mode', !!state.staff);
  if (state.staff) {
    const who = $('staff-who');
    who.innerHTML = icons.staff;
    who.append(h('span', null, t('staff.mode', { name: state.staff.name, clerk: state.staff.clerk })));
  }
}

// ---------------------------------------------------------------------------------------------
// Idle, toasts, clock, wiring
// ---------------------------------------------------------------------------------------------

function idleLeft() {
  return Math.max(0, Math.ceil((state.lastInput + idleMs - Date.now()) / 1000));
}

/** Whether anything would be reset by going idle. */
function dirty() {
  return (
    state.screen !== 'home' ||
    !!state.staff ||
    !!$('search-input').value ||
    !$('staff-modal').hidden ||
    state.elder ||
    i18n.lang !== 'zh'
  );
}

function tick() {
  renderClock();
  if (!state.hall || state.screen === 'setup' || state.screen === 'loading') return;
  if (!dirty()) {
    state.lastInput = Date.now();
    $('idle-hint').hidden = true;
    return;
  }
  const left = idleLeft();
  if (left <= 0) {
    goIdle();
    return;
  }
  renderCountdown();
  const hint = $('idle-hint');
  const showHint = state.screen !== 'ticket' && left <= Math.min(10, idleMs / 2000);
  hint.hidden = !showHint;
  if (showHint) hint.textContent = t('idle.hint', { s: left });
}

function renderCountdown() {
  if (!state.ticket) return;
  $('ticket-done').textContent = t('ticket.done', { s: idleLeft() });
}

/** Back to the start for the next citizen: nothing of this one stays on screen. */
function goIdle() {
  state.idNumber = '';
  renderIdDisplay();
  state.item = null;
  state.queue = null;
  state.ticket = null;
  state.issueKey = null;
  state.issueBody = null;
  state.greenReason = null;
  state.print = { state: 'idle' };
  closeStaffModal();
  hideSearch(true);
  if (state.staff) endStaff(false);
  const relang = i18n.lang !== 'zh';
  state.elder = false;
  document.documentElement.classList.remove('elder');
  if (relang) i18n.setLang('zh');
  else rerenderAll();
  $('ticket').replaceChildren();
  $('idle-hint').hidden = true;
  show('home');
  state.lastInput = Date.now();
  refreshLive();
}

let toastTimer = null;
function toast(text) {
  const el = $('toast');
  el.replaceChildren(h('span', { html: icons.warn }), h('span', null, text));
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 5000);
}

function renderClock() {
  const tz = state.hall ? state.hall.calendar.time_zone : undefined;
  const now = new Date(clock.now());
  let text;
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hour12: false,
    }).formatToParts(now);
    const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const wd = days.indexOf(p.weekday);
    const date = i18n.lang === 'zh' ? `${p.year}年${p.month}月${p.day}日 星期${'日一二三四五六'[wd]}` : `${p.year}-${p.month}-${p.day} ${p.weekday}`;
    text = [h('span', { class: 'clock-time' }, `${p.hour}:${p.minute}`), h('span', { class: 'clock-date' }, date)];
  } catch {
    text = [h('span', { class: 'clock-time' }, now.toTimeString().slice(0, 5))];
  }
  $('clock').replaceChildren(...text);
}

function wireStatic() {
  const touch = () => {
    state.lastInput = Date.now();
  };
  for (const ev of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart']) {
    document.addEventListener(ev, touch, { capture: true, passive: true });
  }
  $('btn-lang').addEventListener('click', () => i18n.toggle());
  i18n.onChange(() => rerenderAll());
  $('btn-elder').addEventListener('click', () => {
    state.elder = !state.elder;
    document.documentElement.classList.toggle('elder', state.elder);
    renderChrome();
  });
  document.addEventListener('click', (e) => {
    const b = e.target.closest('[data-action]');
    if (!b) return;
    const a = b.dataset.action;
    if (a === 'home') goHome();
    else if (a === 'back-items') {
      if (state.fromSearch || !state.queue) goHome();
      else {
        renderItems();
        show('items');
      }
    } else if (a === 'back-id') {
      renderId();
      show('id');
    }
  });
  const input = $('search-input');
  input.addEventListener('input', () => runSearch());
  input.addEventListener('focus', () => {
    $('search-keyboard').hidden = false;
  });
  $('search-clear').addEventListener('click', () => {
    hideSearch(true);
    input.focus();
  });
  $('id-skip').addEventListener('click', () => {
    state.idNumber = '';
    toConfirm();
  });
  $('id-ok').addEventListener('click', () => {
    if (idValid(state.idNumber)) toConfirm();
  });
  // A physical keyboard (or an ID card reader acting as one) also types the ID number.
  document.addEventListener('keydown', (e) => {
    if (state.screen !== 'id' || e.ctrlKey || e.altKey || e.metaKey) return;
    if (/^[0-9]$/.test(e.key)) idKey(e.key);
    else if (e.key === 'x' || e.key === 'X') idKey('X');
    else if (e.key === 'Backspace') idKey('del');
    else if (e.key === 'Enter' && idValid(state.idNumber)) toConfirm();
    else return;
    e.preventDefault();
  });
  $('confirm-ok').addEventListener('click', () => issue());
  $('ticket-done').addEventListener('click', () => goIdle());
  $('btn-staff').addEventListener('click', () => (state.staff ? endStaff() : openStaff()));
  $('staff-end').addEventListener('click', () => endStaff());
  $('staff-cancel').addEventListener('click', () => closeStaffModal());
  $('staff-form').addEventListener('submit', submitStaff);
  for (const id of ['staff-clerk', 'staff-password']) {
    $(id).addEventListener('focus', () => {
      state.kbTarget = $(id);
    });
  }
  // Taps outside the search area fold the search keyboard away.
  document.addEventListener('pointerdown', (e) => {
    if (!e.target.closest('#search')) $('search-keyboard').hidden = true;
  });
}

function goHome() {
  state.item = null;
  state.queue = null;
  state.idNumber = '';
  renderIdDisplay();
  state.issueKey = null;
  state.ticket = null;
  show('home');
}

boot().catch((e) => {
  // Never a blank page or a stack trace: say what to do.
  console.error(e);
  setBanner(true);
  setTimeout(() => location.reload(), 5000);
});
