// The supervisor's live dashboard (值班长看板), /supervisor, 1920×1080: today's figures as big
// tiles, the queues, the windows (service timer, mean service and satisfaction today, each
// strip's LED preview), the alerts (acknowledge with one click), the time limits (限时办结) and
// two hand-drawn SVG charts (people waiting by theme through the day, today's waits). Sign-in
// without a window (a dashboard session, token kept in sessionStorage). Live over the event
// stream: every event asks for a re-read (at most twice a second, one read at a time), and
// every 15 s anyway; a reconnecting banner while the stream is away.
//
// Reads: /live, /figures/today and /alerts make the board (any failure: the banner); /cases and
// /figures/board only feed their panels (a failure shows "—" there and nothing else changes).
// The service timers and the clock count on the controller's clock: read once at the start,
// then kept by the `at` of each event (a wall PC's clock may be off, and tests run the
// controller on a test clock).
//
// 报表 (supervisors and admins, by the role `GET /api/v1/session` gives): a dialog to pick the
// day's, week's or month's report and a date (today's business day by default); the report is
// opened (HTML, to print) or downloaded (XLSX, CSV) with plain links that the controller has
// signed for a few minutes (`/api/v1/reports/{period}/links`), so the browser
// needs no script to fetch it and no session token lands in its history.

import { Api, ApiError, newKey } from '/ui/common/api.js';
import { ControllerClock, EventStream, singleFlight, throttle } from '/ui/common/stream.js';
import { I18n, h, localTime, minutes, storedLang } from '/ui/common/i18n.js';
import { icons } from '/ui/common/icons.js';

const SESSION_KEY = 'hallq.supervisor.session';
const LANG_KEY = 'hallq.supervisor.lang';
const POLL_MS = 15000;
/** Re-reads on events: at most one per this many ms (≤ 2/s). */
const REFRESH_MS = 500;
/** `/api/v1/figures/board` folds the day: read it at most once per this many ms (trailing). */
const BOARD_MS = 2000;
/** The LED previews: `scale=2` is 320×64, shown at half size on the board. */
const LED_SCALE = 2;
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Roles that may read reports (`GET /api/v1/reports/…` refuses the others with 403). */
const REPORT_ROLES = new Set(['supervisor', 'admin']);
const REPORT_PERIODS = ['daily', 'weekly', 'monthly'];
const DAY_MS = 86400000;
/** Local icons (decorative, `currentColor`): a download arrow and a close cross. */
const localIcon = (body) =>
  `<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;
const ICON_DOWNLOAD = localIcon('<path d="M12 3v12"/><path d="M7 10l5 5 5-5"/><path d="M4 20h16"/>');
const ICON_CLOSE = localIcon('<path d="M6 6l12 12M18 6L6 18"/>');
/** Line colours of the theme series (in the hall's theme order), each with its own dash so
    that colour is never the only cue. */
const SERIES_STYLE = [
  { color: '#0b4ea2', dash: '' },
  { color: '#c25400', dash: '10 6' },
  { color: '#0f7b45', dash: '2 5' },
  { color: '#7b3fa0', dash: '14 4 3 4' },
  { color: '#4b5563', dash: '6 4' },
];
/** The time-limit buckets by working days left (`data-days-left`). */
const BUCKETS = [
  ['overdue', (d) => d < 0],
  ['0', (d) => d === 0],
  ['1', (d) => d === 1],
  ['2', (d) => d === 2],
  ['3-5', (d) => d >= 3 && d <= 5],
  ['6+', (d) => d > 5],
];

const dict = {
  'app.title': { zh: '值班长看板', en: 'Supervisor dashboard' },
  'app.loading': { zh: '正在连接服务…', en: 'Connecting…' },
  'lang.switch': { zh: 'English', en: '中文' },
  signout: { zh: '退出', en: 'Sign out' },
  'signin.title': { zh: '值班长登录', en: 'Supervisor sign-in' },
  'signin.clerk': { zh: '工号', en: 'Staff id' },
  'signin.password': { zh: '密码', en: 'Password' },
  'signin.go': { zh: '登录', en: 'Sign in' },
  'signin.busy': { zh: '正在登录…', en: 'Signing in…' },
  'signin.missing': { zh: '请输入工号和密码', en: 'Enter your staff id and password' },
  'signin.bad': { zh: '工号或密码错误', en: 'Wrong staff id or password' },
  'signin.ended': { zh: '登录已失效，请重新登录', en: 'Your session ended: please sign in again' },
  'signin.net': { zh: '无法连接服务，请稍后再试', en: 'Cannot reach the controller: try again' },
  'who.role': { zh: '{name}（{clerk}）', en: '{name} ({clerk})' },
  updated: { zh: '更新于 {t}', en: 'Updated {t}' },
  'conn.reconnecting': {
    zh: '正在重新连接… 信息可能不是最新',
    en: 'Reconnecting… information may be out of date',
  },
  'fig.title': { zh: '今日数据', en: 'Today' },
  'fig.issued': { zh: '今日取号', en: 'Issued' },
  'fig.served': { zh: '已办结', en: 'Served' },
  'fig.waiting': { zh: '正在等候', en: 'Waiting' },
  'fig.mean': { zh: '平均等候', en: 'Mean wait' },
  'fig.p90': { zh: '90% 等候', en: 'P90 wait' },
  'fig.within': { zh: '{m} 分钟内叫号', en: 'Called within {m} min' },
  'fig.noshow': { zh: '过号率', en: 'No-show rate' },
  'fig.coverage': { zh: '主动评价率', en: 'Rating coverage' },
  'fig.satisfaction': { zh: '满意率', en: 'Satisfaction' },
  'unit.people': { zh: '人', en: '' },
  'unit.tickets': { zh: '张', en: '' },
  'unit.min': { zh: '分钟', en: 'min' },
  'queues.title': { zh: '各业务排队', en: 'Queues' },
  'queues.queue': { zh: '业务', en: 'Service' },
  'queues.waiting': { zh: '等候', en: 'Waiting' },
  'queues.longest': { zh: '最长等候', en: 'Longest' },
  'queues.est': { zh: '预计等候', en: 'Est.' },
  'queues.issued': { zh: '取号', en: 'Issued' },
  'queues.busy': { zh: '排队较多', en: 'Busy' },
  'min.n': { zh: '{m} 分钟', en: '{m} min' },
  'windows.title': { zh: '各窗口状态', en: 'Windows' },
  'windows.window': { zh: '窗口', en: 'Window' },
  'windows.state': { zh: '状态', en: 'State' },
  'windows.clerk': { zh: '工作人员', en: 'Clerk' },
  'windows.ticket': { zh: '当前号', en: 'Ticket' },
  'windows.since': { zh: '起始', en: 'Since' },
  'windows.served': { zh: '办结', en: 'Served' },
  'windows.timer': { zh: '计时', en: 'Timer' },
  'windows.mean': { zh: '平均办理', en: 'Avg service' },
  'windows.satisfaction': { zh: '满意率', en: 'Satisfied' },
  'windows.led': { zh: '窗口屏', en: 'LED strip' },
  'windows.led_alt': { zh: '{w} 号窗口屏', en: 'Window {w} LED strip' },
  'windows.timer_title': { zh: '自叫号或开始办理起的时长', en: 'Since the call or the start of service' },
  'windows.no': { zh: '{w} 号窗口', en: 'Window {w}' },
  'state.closed': { zh: '未开放', en: 'Closed' },
  'state.idle': { zh: '空闲', en: 'Idle' },
  'state.called': { zh: '已呼叫', en: 'Called' },
  'state.serving': { zh: '办理中', en: 'Serving' },
  'state.paused': { zh: '暂停', en: 'Paused' },
  'windows.held': { zh: '挂起 {n}', en: 'Held {n}' },
  'alerts.title': { zh: '告警', en: 'Alerts' },
  'alerts.open': { zh: '{n} 条待确认', en: '{n} open' },
  'alerts.none': { zh: '当前没有告警', en: 'No alerts' },
  'alerts.ack': { zh: '确认', en: 'Acknowledge' },
  'alerts.acking': { zh: '确认中…', en: 'Acknowledging…' },
  'alerts.acked': { zh: '已确认', en: 'Acknowledged' },
  'alerts.ack_failed': { zh: '确认失败：{why}', en: 'Could not acknowledge: {why}' },
  'alerts.forbidden': { zh: '只有值班长或管理员可以确认告警', en: 'Only supervisors and admins can acknowledge alerts' },
  'kind.long_wait': { zh: '等候超时', en: 'Long wait' },
  'kind.open_emergency_window': { zh: '需开应急窗口', en: 'Open an emergency window' },
  'kind.long_service': { zh: '办理超时', en: 'Long service' },
  'kind.long_pause': { zh: '暂停过久', en: 'Long pause' },
  'kind.bad_rating': { zh: '差评待整改', en: 'Bad rating to fix' },
  'kind.print_failed': { zh: '打印失败', en: 'Print failed' },
  'kind.device': { zh: '设备异常', en: 'Device problem' },
  'kind.other': { zh: '其他告警', en: 'Alert' },
  'd.long_wait': { zh: '{number} 号已等候 {m} 分钟', en: '{number} has waited {m} min' },
  'd.emergency': { zh: '{queue} 类业务 {n} 人等候超时', en: '{n} in queue {queue} waited past the alarm' },
  'd.long_service': {
    zh: '{w} 号窗口办理 {number} 已 {m} 分钟（预计 {e} 分钟）',
    en: 'Window {w}: {number} in service {m} min (expected {e} min)',
  },
  'd.long_pause': { zh: '{w} 号窗口暂停 {m} 分钟：{reason}', en: 'Window {w} paused {m} min: {reason}' },
  'd.bad_rating': { zh: '{w} 号窗口差评，整改单 {r}', en: 'Window {w}: bad rating, fix {r}' },
  'd.overdue': { zh: '（已逾期）', en: ' (overdue)' },
  'd.print_failed': { zh: '{number} 号小票未打印', en: 'Ticket {number} was not printed' },
  'd.device_offline': { zh: '{device} 离线', en: '{device} offline' },
  'd.device_printer': { zh: '{device} 打印机：{printer}', en: '{device} printer: {printer}' },
  'tl.title': { zh: '限时办结', en: 'Time limits' },
  'tl.rate': { zh: '按时办结率 {p}', en: 'On time {p}' },
  'tl.summary': { zh: '在办 {open} 件 · 逾期 {overdue} 件 · 已办结 {completed} 件', en: '{open} open · {overdue} overdue · {completed} completed' },
  'tl.b.overdue': { zh: '已逾期', en: 'Overdue' },
  'tl.b.0': { zh: '今日到期', en: 'Today' },
  'tl.b.1': { zh: '剩 1 天', en: '1 day' },
  'tl.b.2': { zh: '剩 2 天', en: '2 days' },
  'tl.b.3-5': { zh: '3–5 天', en: '3–5 d' },
  'tl.b.6+': { zh: '5 天以上', en: '> 5 d' },
  'tl.b.title': { zh: '在办件按剩余工作日分组', en: 'Open cases by working days left' },
  'tl.case': { zh: '办件编号', en: 'Case' },
  'tl.item': { zh: '事项', en: 'Item' },
  'tl.window': { zh: '窗口', en: 'Window' },
  'tl.due': { zh: '承诺期限', en: 'Due' },
  'tl.over': { zh: '逾期', en: 'Over' },
  'tl.days_over': { zh: '{n} 天', en: '{n} d' },
  'tl.days_over_title': { zh: '逾期 {n} 个工作日', en: '{n} working days overdue' },
  'tl.none': { zh: '没有逾期办件', en: 'No overdue cases' },
  'tl.unavailable': { zh: '办件数据暂不可用', en: 'Case figures unavailable' },
  'chart.waiting': { zh: '各主题等候人数', en: 'People waiting by theme' },
  'chart.step': { zh: '每 {m} 分钟', en: 'every {m} min' },
  'chart.peak': { zh: '峰值 {n} 人（{t}）', en: 'peak {n} at {t}' },
  'chart.waits': { zh: '今日等候时长', en: "Today's waits" },
  'chart.waits_aside': { zh: '人数 · 横轴为等候分钟', en: 'people · minutes waited' },
  'chart.target': { zh: '目标 {m} 分钟', en: 'target {m} min' },
  'chart.empty': { zh: '今日暂无数据', en: 'No data yet today' },
  'chart.unavailable': { zh: '图表数据暂不可用', en: 'Chart data unavailable' },
  'reports.open': { zh: '报表', en: 'Reports' },
  'reports.title': { zh: '统计报表', en: 'Reports' },
  'reports.close': { zh: '关闭', en: 'Close' },
  'reports.period': { zh: '报表类型', en: 'Report' },
  'reports.daily': { zh: '日统计', en: 'Daily' },
  'reports.weekly': { zh: '周通报', en: 'Weekly' },
  'reports.monthly': { zh: '月汇总', en: 'Monthly' },
  'reports.daily_note': { zh: '当日', en: 'The day' },
  'reports.weekly_note': { zh: '周一至周日', en: 'Monday to Sunday' },
  'reports.monthly_note': { zh: '整月', en: 'Calendar month' },
  'reports.date': { zh: '日期', en: 'Date' },
  'reports.today': { zh: '今天', en: 'Today' },
  'reports.span': { zh: '统计范围', en: 'Covers' },
  'reports.to': { zh: '{from} 至 {to}', en: '{from} to {to}' },
  'reports.days': { zh: '共 {n} 天', en: '{n} days' },
  'reports.so_far': { zh: '数据截至今天', en: 'figures up to today' },
  'reports.no_date': { zh: '请选择日期', en: 'Choose a date' },
  'reports.future': { zh: '日期不能晚于今天（{today}）', en: 'The date cannot be after today ({today})' },
  'reports.html': { zh: '查看/打印', en: 'View / print' },
  'reports.html_title': { zh: '在新标签页打开报表，可直接打印', en: 'Opens the report in a new tab, ready to print' },
  'reports.xlsx': { zh: '下载 Excel', en: 'Download Excel' },
  'reports.csv': { zh: '下载 CSV', en: 'Download CSV' },
  'reports.hint': {
    zh: '“查看/打印”在新标签页打开 A4 版式的报表，可直接打印。\n下载的文件可用 Excel 或 WPS 打开。',
    en: 'View / print opens the A4 report in a new tab, ready to print.\nThe downloads open in Excel or WPS.',
  },
  'weekday.0': { zh: '星期日', en: 'Sunday' },
  'weekday.1': { zh: '星期一', en: 'Monday' },
  'weekday.2': { zh: '星期二', en: 'Tuesday' },
  'weekday.3': { zh: '星期三', en: 'Wednesday' },
  'weekday.4': { zh: '星期四', en: 'Thursday' },
  'weekday.5': { zh: '星期五', en: 'Friday' },
  'weekday.6': { zh: '星期六', en: 'Saturday' },
};

const i18n = new I18n(dict, storedLang(LANG_KEY));
const $ = (id) => document.getElementById(id);

const state = {
  session: null, // {token, clerk}
  /** The session's role (`GET /api/v1/session`); undefined while not known. */
  role: undefined,
  /** The reports dialog's choice: the period, the date, and the business day it was made on. */
  report: { period: 'daily', date: null, today: null },
  api: null,
  hall: null,
  tz: undefined,
  live: null,
  figures: null,
  alerts: null,
  acking: new Set(),
  cases: null,
  board: null,
  boardAt: 0,
  boardTimer: null,
  /** window number → {img, key}: one <img> per window, reloaded only when its strip changes. */
  leds: new Map(),
  ledVersion: 0,
  ok: true,
  updatedAt: null,
  pollTimer: null,
};
let stream = null;

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------

function loadSession() {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function saveSession(s) {
  try {
    if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    /* private mode: this page only */
  }
}

function show(screen) {
  document.body.dataset.screen = screen;
  for (const s of ['loading', 'signin', 'board']) $(`screen-${s}`).hidden = s !== screen;
  $('btn-signout').hidden = screen !== 'board';
  $('who').hidden = screen !== 'board';
  updateReportsButton();
}

function showSignin(noteKey) {
  stopLive();
  closeReports();
  state.session = null;
  state.role = undefined;
  state.report = { period: 'daily', date: null, today: null };
  state.reportLinks = null;
  saveSession(null);
  const note = $('signin-note');
  note.hidden = !noteKey;
  if (noteKey) note.textContent = i18n.t(noteKey);
  show('signin');
  $('in-clerk').focus();
}

async function signIn(e) {
  e.preventDefault();
  const clerk = $('in-clerk').value.trim();
  const password = $('in-password').value;
  const note = $('signin-note');
  if (!clerk || !password) {
    note.textContent = i18n.t('signin.missing');
    note.hidden = false;
    return;
  }
  const btn = $('btn-signin');
  btn.disabled = true;
  btn.textContent = i18n.t('signin.busy');
  try {
    const res = await state.api.post('/api/v1/session', { clerk, password }, { token: null, key: newKey('signin') });
    $('in-password').value = '';
    note.hidden = true;
    await startBoard({ token: res.token, clerk: res.clerk });
  } catch (err) {
    note.textContent = i18n.t(err instanceof ApiError && err.status === 401 ? 'signin.bad' : 'signin.net');
    note.hidden = false;
  } finally {
    btn.disabled = false;
    btn.textContent = i18n.t('signin.go');
  }
}

async function signOut() {
  const token = state.session && state.session.token;
  showSignin(null);
  if (token) {
    try {
      await state.api.del('/api/v1/session', { token });
    } catch {
      /* gone already */
    }
  }
}

async function startBoard(session) {
  state.session = session;
  state.api.token = session.token;
  let me;
  try {
    me = await state.api.get('/api/v1/session');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return showSignin('signin.ended');
    me = { clerk: session.clerk, name: session.clerk };
  }
  state.role = me.role === undefined ? undefined : me.role || '';
  saveSession(session);
  $('who').replaceChildren(h('span', { html: icons.staff }), i18n.t('who.role', { name: me.name || me.clerk, clerk: me.clerk }));
  show('board');
  await refresh();
  startStream(state.live ? state.live.seq : 0);
  state.pollTimer = setInterval(() => refresh(), POLL_MS);
}

function stopLive() {
  if (stream) stream.stop();
  stream = null;
  clearInterval(state.pollTimer);
  clearTimeout(state.boardTimer);
  state.pollTimer = state.boardTimer = null;
  state.live = state.figures = state.alerts = state.cases = state.board = null;
  state.boardAt = 0;
  // The previews carry the session's token: never reuse them for another session.
  state.leds.clear();
  state.ok = true;
  updateBanner();
}

// ---------------------------------------------------------------------------------------------
// Live data
// ---------------------------------------------------------------------------------------------

const refresh = singleFlight(async () => {
  if (!state.session) return;
  // The panels' own reads go alongside; they never fail the board.
  const extras = readExtras();
  try {
    const [live, figures, alerts] = await Promise.all([
      state.api.get('/api/v1/live'),
      state.api.get('/api/v1/figures/today'),
      state.api.get('/api/v1/alerts'),
    ]);
    await extras;
    if (!state.session) return;
    state.live = live;
    state.figures = figures;
    state.alerts = alerts;
    if (live && live.now) syncClock(live.now);
    state.ok = true;
    state.updatedAt = new Date(serverNow()).toISOString();
    render();
    // The role could not be read at sign-in: try again (the reports button waits for it).
    if (state.role === undefined) loadRole();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      showSignin('signin.ended');
      return;
    }
    state.ok = false;
  }
  updateBanner();
});

const refreshSoon = throttle(() => refresh(), REFRESH_MS);

/**
 * `/api/v1/cases` on every read; `/api/v1/figures/board` at most once per BOARD_MS, with one
 * trailing read so the last change is always drawn. A failed read leaves its panels at "—".
 */
async function readExtras() {
  const wait = state.boardAt + BOARD_MS - Date.now();
  const wantBoard = wait <= 0;
  if (!wantBoard && !state.boardTimer) {
    state.boardTimer = setTimeout(() => {
      state.boardTimer = null;
      refresh();
    }, wait);
  }
  const [cases, board] = await Promise.allSettled([
    state.api.get('/api/v1/cases'),
    wantBoard ? state.api.get('/api/v1/figures/board') : null,
  ]);
  if (!state.session) return;
  state.cases = cases.status === 'fulfilled' ? cases.value : null;
  if (wantBoard) {
    state.boardAt = Date.now();
    state.board = board.status === 'fulfilled' ? board.value : null;
    if (state.board && state.board.now) syncClock(state.board.now);
  }
}

/** The controller's clock, as far as this page knows it. */
const clock = new ControllerClock();
const serverNow = () => clock.now();
const syncClock = (iso) => clock.sync(iso);

function startStream(after) {
  stream = new EventStream({
    after,
    path: (a) => `/api/v1/stream?after=${a}&token=${encodeURIComponent(state.session.token)}`,
    onEvent: (ev) => {
      // An event was committed a moment ago: its `at` is the controller's clock now (after a
      // reconnect the missed ones come first and are older; the next live one corrects it).
      if (ev && ev.at) syncClock(ev.at);
      refreshSoon();
    },
    onState: (s, info) => {
      // 4001: the session ended (signed out elsewhere): do not reconnect with it.
      if (s === 'reconnecting' && info && info.code === 4001) {
        showSignin('signin.ended');
        return;
      }
      updateBanner();
      if (s === 'open') refreshSoon();
    },
    logEnd: async () => (await state.api.get('/healthz', { token: null, timeoutMs: 3000 })).seq,
    onResync: () => refreshSoon(),
  });
  stream.start();
}

function updateBanner() {
  const down = !!state.session && (!state.ok || (stream && stream.state === 'reconnecting'));
  const el = $('conn-banner');
  if (down) {
    el.replaceChildren(h('span', { html: icons.wifi }), h('span', null, i18n.t('conn.reconnecting')));
  }
  el.hidden = !down;
  document.body.classList.toggle('offline', down);
}

async function acknowledge(alert) {
  if (state.acking.has(alert.id)) return;
  state.acking.add(alert.id);
  renderAlerts();
  try {
    await state.api.post(`/api/v1/alerts/${encodeURIComponent(alert.id)}/ack`, {}, { key: newKey('ack') });
    hideMsg();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return showSignin('signin.ended');
    // 404: acknowledged meanwhile (or the condition passed): the re-read shows it.
    if (!(err instanceof ApiError && err.code === 'unknown_alert')) {
      const why = err instanceof ApiError && err.status === 403 ? i18n.t('alerts.forbidden') : i18n.title(err.title) || err.message;
      showMsg(i18n.t('alerts.ack_failed', { why }));
    }
  } finally {
    state.acking.delete(alert.id);
  }
  await refresh();
}

function showMsg(text) {
  const el = $('msg');
  el.replaceChildren(h('span', { html: icons.warn }), h('span', null, text));
  el.hidden = false;
}

function hideMsg() {
  $('msg').hidden = true;
}

// ---------------------------------------------------------------------------------------------
// Reports (报表)
// ---------------------------------------------------------------------------------------------

const canReport = () => REPORT_ROLES.has(state.role);

async function loadRole() {
  try {
    const me = await state.api.get('/api/v1/session');
    if (!state.session) return;
    state.role = me.role || '';
    updateReportsButton();
  } catch {
    /* next read */
  }
}

function updateReportsButton() {
  const btn = $('btn-reports');
  btn.hidden = document.body.dataset.screen !== 'board' || !canReport();
  if (btn.hidden) closeReports();
}

function renderReportsButton() {
  $('btn-reports').replaceChildren(h('span', { html: icons.doc }), i18n.t('reports.open'));
}

/** Today's business day on the controller: `/live`'s day, else the date in the hall's zone. */
function businessDay() {
  if (state.live && state.live.day) return state.live.day;
  try {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone: state.tz, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date(serverNow()));
    const get = (t) => parts.find((p) => p.type === t).value;
    return `${get('year')}-${get('month')}-${get('day')}`;
  } catch {
    return new Date(serverNow()).toISOString().slice(0, 10);
  }
}

/** "2026-11-26" → ms at its UTC midnight (calendar arithmetic only), or null. */
function parseDay(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).getUTCDate() === Number(m[3]) ? t : null;
}

const dayText = (t) => new Date(t).toISOString().slice(0, 10);

/** The days a report of `period` around `day` covers: the day, its week (Monday to Sunday) or
    its calendar month, as the controller counts them. */
function reportSpan(period, day) {
  const t = parseDay(day);
  if (t === null) return null;
  const d = new Date(t);
  let from = t;
  let to = t;
  if (period === 'weekly') {
    from = t - ((d.getUTCDay() + 6) % 7) * DAY_MS;
    to = from + 6 * DAY_MS;
  } else if (period === 'monthly') {
    from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0);
  }
  return { from: dayText(from), to: dayText(to), days: Math.round((to - from) / DAY_MS) + 1, weekday: d.getUTCDay() };
}

/** Signed links are renewed when less than this is left of them (ms). */
const LINK_MARGIN_MS = 60000;

/**
 * The controller's signed links for a report (`/api/v1/reports/{period}/links`): they open the
 * report for a few minutes without the session token, so nothing secret lands in the browser's
 * history or downloads list. Cached per choice; asked again when they are about to expire.
 */
function reportLinks(period, date) {
  const key = `${period}|${date}`;
  const cached = state.reportLinks;
  if (cached && cached.key === key && cached.links && cached.expiresAt - serverNow() > LINK_MARGIN_MS) {
    return cached.links;
  }
  if (!cached || cached.key !== key || !cached.pending) {
    state.reportLinks = { key, links: null, pending: true, expiresAt: 0 };
    state.api
      .get(`/api/v1/reports/${period}/links?date=${encodeURIComponent(date)}`)
      .then((res) => {
        if (!state.reportLinks || state.reportLinks.key !== key) return;
        state.reportLinks = { key, links: res.links, pending: false, expiresAt: Date.parse(res.expires_at) };
        renderReports();
      })
      .catch(() => {
        if (state.reportLinks && state.reportLinks.key === key) state.reportLinks = null;
      });
  }
  return null;
}

/** The span under the date and the three links, for the current choice. */
function renderReports() {
  const r = state.report;
  const today = r.today || businessDay();
  const span = reportSpan(r.period, r.date);
  const future = span && r.date > today;
  const el = $('report-span');
  el.classList.toggle('invalid', !span || future);
  if (!span) {
    el.replaceChildren(i18n.t('reports.no_date'));
  } else if (future) {
    el.replaceChildren(h('span', { html: icons.warn }), i18n.t('reports.future', { today }));
  } else {
    const range = r.period === 'daily' ? span.from : i18n.t('reports.to', { from: span.from, to: span.to });
    const notes = [r.period === 'daily' ? i18n.t(`weekday.${span.weekday}`) : i18n.t('reports.days', { n: span.days })];
    if (span.to > today) notes.push(i18n.t('reports.so_far'));
    el.replaceChildren(
      h('span', { class: 'span-label' }, i18n.t('reports.span')),
      h('b', { class: 'span-range', dataset: { from: span.from, to: span.to } }, range),
      h('small', null, notes.join(' · ')),
    );
  }
  const valid = !!span && !future && !!state.session;
  const signed = valid ? reportLinks(r.period, r.date) : null;
  const ok = valid && !!signed;
  const links = [
    ['report-html', 'html', icons.print, 'reports.html'],
    ['report-xlsx', 'xlsx', ICON_DOWNLOAD, 'reports.xlsx'],
    ['report-csv', 'csv', ICON_DOWNLOAD, 'reports.csv'],
  ];
  for (const [id, format, icon, key] of links) {
    const a = $(id);
    a.replaceChildren(h('span', { html: icon }), i18n.t(key));
    if (ok) {
      a.href = signed[format];
      a.removeAttribute('aria-disabled');
      a.removeAttribute('aria-busy');
    } else {
      if (valid) a.setAttribute('aria-busy', 'true');
      else a.removeAttribute('aria-busy');
      a.removeAttribute('href');
      a.setAttribute('aria-disabled', 'true');
    }
    // The name the controller gives the file too: hallq-weekly-2026-11-23.xlsx.
    if (format !== 'html') a.setAttribute('download', ok ? `hallq-${r.period}-${span.from}.${format}` : '');
  }
  $('report-html').title = i18n.t('reports.html_title');
}

function openReports() {
  if (!state.session || !canReport()) return;
  const dlg = $('reports-dialog');
  const r = state.report;
  const today = businessDay();
  // A new business day since the last choice: start again from today.
  if (!r.date || r.today !== today) r.date = today;
  r.today = today;
  $('report-date').max = today;
  $('report-date').value = r.date;
  for (const input of document.querySelectorAll('input[name=report-period]')) input.checked = input.value === r.period;
  renderReports();
  if (!dlg.open) dlg.showModal();
  // Signed links last minutes: renew them while the dialog stays open.
  clearInterval(state.linksTimer);
  state.linksTimer = setInterval(() => {
    if (dlg.open) renderReports();
  }, 30000);
  document.querySelector('input[name=report-period]:checked').focus();
}

function closeReports() {
  const dlg = $('reports-dialog');
  if (dlg && dlg.open) dlg.close();
}

function setupReports() {
  const dlg = $('reports-dialog');
  $('btn-reports').addEventListener('click', openReports);
  $('reports-close').innerHTML = ICON_CLOSE;
  $('reports-close').addEventListener('click', closeReports);
  // A click on the backdrop (outside the dialog's box) closes it; Esc closes it natively.
  dlg.addEventListener('click', (e) => {
    if (e.target !== dlg) return;
    const b = dlg.getBoundingClientRect();
    if (e.clientX < b.left || e.clientX > b.right || e.clientY < b.top || e.clientY > b.bottom) closeReports();
  });
  dlg.addEventListener('close', () => {
    clearInterval(state.linksTimer);
    state.linksTimer = null;
    const btn = $('btn-reports');
    if (!btn.hidden) btn.focus();
  });
  for (const input of document.querySelectorAll('input[name=report-period]')) {
    input.addEventListener('change', () => {
      if (!input.checked || !REPORT_PERIODS.includes(input.value)) return;
      state.report.period = input.value;
      renderReports();
    });
  }
  const date = $('report-date');
  const onDate = () => {
    state.report.date = date.value;
    renderReports();
  };
  date.addEventListener('input', onDate);
  date.addEventListener('change', onDate);
  $('report-today').addEventListener('click', () => {
    date.value = state.report.today || businessDay();
    onDate();
    date.focus();
  });
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function render() {
  if (!state.live) return;
  renderFigures();
  renderQueues();
  renderWindows();
  renderAlerts();
  renderTimeLimits();
  renderCharts();
  $('updated').textContent = state.updatedAt ? i18n.t('updated', { t: localTime(state.updatedAt, state.tz) }) : '';
}

const pct = (permille) => (permille === null || permille === undefined ? '—' : (permille / 10).toFixed(1));
const mins = (s) => (s === null || s === undefined ? '—' : (s / 60).toFixed(s >= 600 ? 0 : 1));

function renderFigures() {
  const f = state.figures || {};
  const tiles = [
    ['issued', 'fig.issued', f.issued ?? '—', i18n.t('unit.tickets')],
    ['served', 'fig.served', f.served ?? '—', i18n.t('unit.people')],
    ['waiting', 'fig.waiting', f.waiting ?? '—', i18n.t('unit.people')],
    ['wait-mean', 'fig.mean', mins(f.wait_mean_s), i18n.t('unit.min')],
    ['wait-p90', 'fig.p90', mins(f.wait_p90_s), i18n.t('unit.min')],
    ['within', 'fig.within', pct(f.within_target_permille), '%', { m: f.target_wait_minutes ?? 20 }],
    ['no-show', 'fig.noshow', pct(f.no_show_permille), '%'],
    ['coverage', 'fig.coverage', pct(f.rating_coverage_permille), '%'],
    ['satisfaction', 'fig.satisfaction', pct(f.satisfaction_permille), '%'],
  ];
  $('tiles').replaceChildren(
    ...tiles.map(([id, key, value, unit, vars]) =>
      h(
        'div',
        { class: 'tile', dataset: { figure: id } },
        h('div', { class: 'tile-label' }, i18n.t(key, vars)),
        h('div', { class: 'tile-value' }, h('b', null, String(value)), value === '—' || !unit ? null : h('small', null, unit)),
      ),
    ),
  );
}

function queueName(q) {
  const cfg = state.hall && state.hall.queues.find((c) => c.id === q.queue);
  return cfg ? i18n.pick(cfg, 'name') : q.queue;
}

function renderQueues() {
  const rows = (state.live.queues || []).map((q) =>
    h(
      'tr',
      { class: `${q.warning ? 'warn' : ''}${q.waiting ? '' : ' empty'}`, dataset: { queue: q.queue } },
      h('td', { title: queueName(q) }, h('span', { class: 'prefix' }, q.prefix || q.queue), ' ', h('span', { class: 'q-name' }, queueName(q))),
      h(
        'td',
        { class: 'num' },
        h('b', null, String(q.waiting)),
        q.warning ? h('span', { class: 'busy' }, h('span', { html: icons.warn }), i18n.t('queues.busy')) : null,
      ),
      h('td', { class: 'num' }, q.waiting ? i18n.t('min.n', { m: minutes(q.longest_wait_s) }) : '—'),
      h('td', { class: 'num' }, q.waiting ? i18n.t('min.n', { m: minutes(q.estimated_wait_s) }) : '—'),
      h('td', { class: 'num' }, String(q.issued_today ?? 0)),
    ),
  );
  $('queues').replaceChildren(...rows);
}

function clerkName(id) {
  const c = id && state.hall && (state.hall.clerks || []).find((x) => x.id === id);
  return c ? c.name : id;
}

/** An empty cell's dash, never bold. */
const nil = () => h('span', { class: 'nil' }, '—');

/** mm:ss (minutes keep counting past 59). */
function mmss(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** The board's report row of window `n` (none: nothing happened there today). */
function windowRow(n) {
  const rows = state.board && state.board.windows;
  return rows ? rows.find((r) => r.key === String(n)) || null : null;
}

/**
 * Window `w`'s LED preview: one <img> per window kept across renders, its `src` changed only
 * when what the strip shows changes (state, ticket, away message), so a re-read costs nothing.
 * The endpoint takes any token, in the query for an <img>.
 */
function ledPreview(w) {
  let entry = state.leds.get(w.window);
  if (!entry) {
    const img = h('img', {
      class: 'led-preview',
      dataset: { window: String(w.window) },
      width: 140,
      height: 28,
      decoding: 'async',
    });
    img.addEventListener('load', () => img.classList.remove('broken'));
    img.addEventListener('error', () => img.classList.add('broken'));
    entry = { img, key: null };
    state.leds.set(w.window, entry);
  }
  const key = [w.state, w.ticket || '', w.pause_reason || '', w.back_at || ''].join('|');
  if (entry.key !== key) {
    entry.key = key;
    state.ledVersion += 1;
    const token = encodeURIComponent(state.session.token);
    entry.img.src = `/api/v1/windows/${w.window}/led.png?scale=${LED_SCALE}&token=${token}&v=${state.ledVersion}`;
  }
  entry.img.alt = i18n.t('windows.led_alt', { w: w.window });
  return entry.img;
}

function renderWindows() {
  const rows = (state.live.windows || []).map((w) => {
    const cfg = state.hall && state.hall.windows.find((c) => c.number === w.window);
    const row = windowRow(w.window);
    const timed = (w.state === 'serving' || w.state === 'called') && w.since;
    const mean = row && row.service ? row.service.mean_s : null;
    const sat = row ? row.satisfaction_permille : null;
    return h(
      'tr',
      { class: `win-${w.state}`, dataset: { window: String(w.window), state: w.state } },
      h('td', { title: cfg ? i18n.pick(cfg, 'name') : null }, h('span', { class: 'win-no' }, i18n.t('windows.no', { w: w.window }))),
      h(
        'td',
        { class: 'state-cell' },
        h('span', { class: `state state-${w.state}` }, i18n.t(`state.${w.state}`)),
        w.state === 'paused' && w.pause_reason ? h('small', { class: 'reason', title: w.pause_reason }, ` ${w.pause_reason}`) : null,
        w.held && w.held.length ? h('small', { class: 'held' }, ` ${i18n.t('windows.held', { n: w.held.join(' ') })}`) : null,
      ),
      h('td', { class: 'clerk', title: w.clerk || null }, w.clerk ? clerkName(w.clerk) : nil()),
      h('td', { class: 'ticket' }, w.ticket || nil()),
      h(
        'td',
        { class: 'num timer' },
        timed
          ? h(
              'span',
              { dataset: { serviceTimer: w.since }, title: i18n.t('windows.timer_title') },
              mmss(serverNow() - Date.parse(w.since)),
            )
          : nil(),
      ),
      h('td', { class: 'num' }, w.since ? localTime(w.since, state.tz) : '—'),
      h('td', { class: 'num' }, String(w.served_today ?? 0)),
      h('td', { class: 'num', dataset: { meanService: String(w.window) } }, mean == null ? '—' : i18n.t('min.n', { m: mins(mean) })),
      h('td', { class: 'num', dataset: { satisfaction: String(w.window) } }, sat == null ? '—' : `${pct(sat)}%`),
      h('td', { class: 'led' }, ledPreview(w)),
    );
  });
  $('windows').replaceChildren(...rows);
}

/** Re-counts the service timers in place (every second; no re-render). */
function tickTimers() {
  const now = serverNow();
  for (const el of document.querySelectorAll('[data-service-timer]')) {
    el.textContent = mmss(now - Date.parse(el.dataset.serviceTimer));
  }
}

function alertDetail(a) {
  const m = (s) => minutes(s || 0);
  switch (a.kind) {
    case 'long_wait':
      return i18n.t('d.long_wait', { number: a.number, m: m(a.waited_s) });
    case 'open_emergency_window':
      return i18n.t('d.emergency', { queue: a.queue, n: a.over_alarm });
    case 'long_service':
      return i18n.t('d.long_service', { w: a.window, number: a.number, m: m(a.service_s), e: m(a.expected_s) });
    case 'long_pause':
      return i18n.t('d.long_pause', { w: a.window, m: m(a.paused_s), reason: a.reason || '' });
    case 'bad_rating':
      return i18n.t('d.bad_rating', { w: a.window, r: a.rectification }) + (a.overdue ? i18n.t('d.overdue') : '');
    case 'print_failed':
      return i18n.t('d.print_failed', { number: a.number });
    case 'device':
      return a.online === false
        ? i18n.t('d.device_offline', { device: a.device })
        : i18n.t('d.device_printer', { device: a.device, printer: a.printer || '' });
    default:
      return a.id;
  }
}

function renderAlerts() {
  const data = state.alerts;
  if (!data) return;
  const list = data.alerts || [];
  const open = list.filter((a) => !a.acknowledged).length;
  $('alerts-open').textContent = open ? i18n.t('alerts.open', { n: open }) : '';
  $('alerts-open').hidden = !open;
  if (!list.length) {
    $('alerts').replaceChildren(h('li', { class: 'alerts-none' }, h('span', { html: icons.check }), i18n.t('alerts.none')));
    return;
  }
  // Open ones first, in the controller's order.
  const sorted = [...list.filter((a) => !a.acknowledged), ...list.filter((a) => a.acknowledged)];
  $('alerts').replaceChildren(
    ...sorted.map((a) => {
      const busy = state.acking.has(a.id);
      const kindKey = dict[`kind.${a.kind}`] ? `kind.${a.kind}` : 'kind.other';
      return h(
        'li',
        {
          class: `alert${a.acknowledged ? ' acked' : ''}`,
          dataset: { alert: a.id, kind: a.kind, acknowledged: String(!!a.acknowledged) },
        },
        h('span', { class: 'alert-icon', html: a.acknowledged ? icons.check : icons.warn }),
        h(
          'div',
          { class: 'alert-body' },
          h('div', { class: 'alert-kind' }, i18n.t(kindKey)),
          h('div', { class: 'alert-detail' }, alertDetail(a)),
        ),
        a.acknowledged
          ? h('span', { class: 'alert-acked' }, h('span', { html: icons.check }), i18n.t('alerts.acked'))
          : h(
              'button',
              { type: 'button', class: 'ack-btn', disabled: busy, dataset: { ack: a.id }, onclick: () => acknowledge(a) },
              i18n.t(busy ? 'alerts.acking' : 'alerts.ack'),
            ),
      );
    }),
  );
}

// ---- time limits (限时办结) --------------------------------------------------------------------

function itemName(code) {
  const item = state.hall && (state.hall.items || []).find((i) => i.code === code);
  return item ? i18n.pick(item, 'name') : code;
}

/** "11-25" for a business day "2026-11-25". */
const shortDate = (day) => (day && day.length === 10 ? day.slice(5) : day || '—');

function renderTimeLimits() {
  const data = state.cases;
  const open = data ? (data.cases || []).filter((c) => !c.completed_on) : [];
  const counts = BUCKETS.map(([, test]) => open.filter((c) => test(c.days_left)).length);
  const top = Math.max(1, ...counts);
  $('tl-strip').replaceChildren(
    ...BUCKETS.map(([id], i) =>
      h(
        'div',
        {
          class: `tl-bucket${counts[i] && i < 2 ? ` hot hot-${id}` : ''}`,
          title: i18n.t('tl.b.title'),
          dataset: { daysLeft: id, count: data ? String(counts[i]) : '' },
        },
        h('b', { class: 'tl-count' }, data ? String(counts[i]) : '—'),
        h('span', { class: 'tl-bar' }, h('span', { style: `width:${data ? (100 * counts[i]) / top : 0}%` })),
        h('span', { class: 'tl-label' }, i18n.t(`tl.b.${id}`)),
      ),
    ),
  );
  $('tl-rate').textContent = i18n.t('tl.rate', {
    p: data && data.on_time_permille != null ? `${pct(data.on_time_permille)}%` : '—',
  });
  $('tl-rate').dataset.permille = data && data.on_time_permille != null ? String(data.on_time_permille) : '';
  $('tl-summary').textContent = data
    ? i18n.t('tl.summary', { open: data.open ?? open.length, overdue: data.overdue ?? counts[0], completed: data.completed ?? 0 })
    : i18n.t('tl.unavailable');
  $('tl-summary').classList.toggle('unavailable', !data);
  const overdue = data ? (data.cases || []).filter((c) => c.overdue) : [];
  const list = $('overdue-list');
  if (!data || !overdue.length) {
    list.replaceChildren(
      h(
        'tr',
        { class: 'none' },
        h(
          'td',
          { colspan: 5 },
          data ? h('span', { class: 'ok', html: icons.check }) : null,
          data ? i18n.t('tl.none') : '—',
        ),
      ),
    );
    return;
  }
  list.replaceChildren(
    ...overdue.map((c) =>
      h(
        'tr',
        { dataset: { case: c.case, daysOver: String(-c.days_left) } },
        h('td', { class: 'case-no' }, c.case),
        h('td', { class: 'item', title: itemName(c.item) }, itemName(c.item)),
        h('td', { class: 'num' }, String(c.window)),
        h('td', { class: 'num' }, shortDate(c.due)),
        h('td', { class: 'num over', title: i18n.t('tl.days_over_title', { n: Math.max(1, -c.days_left) }) }, i18n.t('tl.days_over', { n: Math.max(1, -c.days_left) })),
      ),
    ),
  );
}

// ---- charts (hand-written SVG) ---------------------------------------------------------------

/** Builds an SVG element: `svg('line', {x1: 0, …}, children…)`. */
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined && v !== false) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Ticks 0…top for counts up to `max`: whole steps of 1, 2, 5 × 10ⁿ, about `n` of them. */
function countTicks(max, n = 4) {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw));
  return { top: Math.ceil(max / step) * step, step };
}

/** A message in place of a chart ("—" when the data could not be read). */
function chartNote(box, text, unavailable) {
  box.replaceChildren(h('div', { class: `chart-note${unavailable ? ' unavailable' : ''}` }, unavailable ? h('b', null, '—') : null, text));
}

/** The chart box's size in CSS pixels: the SVG is drawn 1:1, so text stays crisp. */
function chartSize(box) {
  return { W: Math.max(200, Math.floor(box.clientWidth)), H: Math.max(120, Math.floor(box.clientHeight)) };
}

function renderCharts() {
  renderWaitingChart();
  renderWaitsChart();
}

/** Horizontal grid lines and count labels on the left. */
function yGrid(g, { left, right, y, top, step }) {
  for (let v = 0; v <= top; v += step) {
    g.append(
      svg('line', { class: v === 0 ? 'axis' : 'gridline', x1: left, x2: right, y1: y(v), y2: y(v) }),
      svg('text', { class: 'tick y-tick', x: left - 8, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, String(v)),
    );
  }
}

/** (a) People waiting by theme through the day: one line per theme that had anyone waiting. */
function renderWaitingChart() {
  const box = $('chart-waiting');
  const legend = $('chart-waiting-legend');
  const data = state.board && state.board.waiting;
  $('chart-waiting-aside').textContent = data ? i18n.t('chart.step', { m: data.step_minutes }) : '';
  if (!data) {
    legend.replaceChildren();
    return chartNote(box, i18n.t('chart.unavailable'), true);
  }
  const times = data.times || [];
  const themes = (state.hall && state.hall.themes) || [];
  const series = (data.series || [])
    .map((s) => {
      const at = themes.findIndex((t) => t.id === s.theme);
      return { ...s, style: SERIES_STYLE[(at < 0 ? themes.length : at) % SERIES_STYLE.length] };
    })
    .filter((s) => (s.points || []).some((p) => p > 0));
  legend.replaceChildren(
    ...series.map((s) => {
      const peak = Math.max(...s.points);
      return h(
        'li',
        { dataset: { theme: s.theme } },
        h('span', {
          class: 'swatch',
          html: `<svg viewBox="0 0 36 12" aria-hidden="true"><line x1="2" y1="6" x2="34" y2="6" stroke="${s.style.color}" stroke-width="4" stroke-dasharray="${s.style.dash}" stroke-linecap="round"/></svg>`,
        }),
        h('span', { class: 'legend-name' }, i18n.pick(s, 'name') || s.theme),
        h('span', { class: 'legend-figs' }, i18n.t('chart.peak', { n: peak, t: times[s.points.indexOf(peak)] || '' })),
      );
    }),
  );
  if (!times.length || !series.length) return chartNote(box, i18n.t('chart.empty'), false);

  const { W, H } = chartSize(box);
  const left = 44;
  const right = W - 22;
  const top0 = 10;
  const bottom = H - 30;
  const max = Math.max(...series.flatMap((s) => s.points));
  const { top, step } = countTicks(max);
  const n = times.length;
  const x = (i) => (n === 1 ? (left + right) / 2 : left + ((right - left) * i) / (n - 1));
  const y = (v) => bottom - ((bottom - top0) * v) / top;
  const root = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'chart-svg' });
  const grid = svg('g', { class: 'grid-lines' });
  yGrid(grid, { left, right, y, top, step });
  // Time labels: at most one per ~70 px, on round times (every 15, 30 min, 1, 2, 3, 4, 6 h).
  const stepMin = data.step_minutes || 15;
  const fit = Math.max(1, Math.floor((right - left) / 70));
  const spanMin = [15, 30, 60, 120, 180, 240, 360].find((m) => m >= stepMin && m % stepMin === 0 && Math.ceil((n * stepMin) / m) <= fit);
  const every = spanMin ? spanMin / stepMin : Math.ceil(n / fit);
  const minuteOf = (t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const first = spanMin ? times.findIndex((t) => minuteOf(t) % spanMin === 0) : 0;
  for (let i = Math.max(0, first) % every; i < n; i += every) {
    grid.append(
      svg('line', { class: 'x-mark', x1: x(i), x2: x(i), y1: bottom, y2: bottom + 5 }),
      // The last label keeps inside the box.
      svg('text', { class: 'tick x-tick', x: x(i), y: bottom + 20, 'text-anchor': x(i) + 22 > W ? 'end' : 'middle' }, times[i]),
    );
  }
  root.append(grid);
  for (const s of series) {
    const pts = s.points.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const last = s.points.length - 1;
    root.append(
      svg(
        'g',
        { class: 'series', 'data-theme': s.theme },
        svg('polyline', {
          points: pts,
          fill: 'none',
          stroke: s.style.color,
          'stroke-width': 3,
          'stroke-dasharray': s.style.dash || null,
          'stroke-linejoin': 'round',
          'stroke-linecap': 'round',
          'data-theme': s.theme,
          'data-points': s.points.join(','),
        }),
        svg('circle', { cx: x(last), cy: y(s.points[last]), r: 5, fill: s.style.color, stroke: '#fff', 'stroke-width': 2 }),
      ),
    );
  }
  box.replaceChildren(root);
}

/** (b) Today's waits (issue to first call) in bins; the last bin is open-ended ("60+"). */
function renderWaitsChart() {
  const box = $('chart-waits');
  const data = state.board && state.board.wait_histogram;
  $('chart-waits-aside').textContent = data ? i18n.t('chart.waits_aside') : '';
  if (!data) return chartNote(box, i18n.t('chart.unavailable'), true);
  const bins = data.bins || [];
  if (!bins.length || !bins.some((b) => b.count > 0)) return chartNote(box, i18n.t('chart.empty'), false);

  const { W, H } = chartSize(box);
  const left = 44;
  const right = W - 14;
  const top0 = 24;
  const bottom = H - 30;
  const { top, step } = countTicks(Math.max(...bins.map((b) => b.count)));
  const n = bins.length;
  const bw = (right - left) / n;
  const y = (v) => bottom - ((bottom - top0) * v) / top;
  const target = state.figures && state.figures.target_wait_minutes;
  const root = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'chart-svg' });
  const grid = svg('g', { class: 'grid-lines' });
  yGrid(grid, { left, right, y, top, step });
  root.append(grid);
  const bars = svg('g', { class: 'bars' });
  // Edge labels every k bins so they never crowd; the open-ended last bin says "60+" under it.
  const every = Math.max(1, Math.ceil(36 / bw));
  bins.forEach((b, i) => {
    const x0 = left + i * bw;
    const late = target != null && b.from_min >= target;
    const open = b.to_min == null;
    bars.append(
      svg('rect', {
        class: `bar${late ? ' late' : ''}`,
        x: (x0 + 2).toFixed(1),
        y: y(b.count).toFixed(1),
        width: Math.max(1, bw - 4).toFixed(1),
        height: (bottom - y(b.count)).toFixed(1),
        'data-from': b.from_min,
        'data-to': open ? '' : b.to_min,
        'data-count': b.count,
      }),
    );
    if (b.count > 0) {
      bars.append(svg('text', { class: 'bar-count', x: x0 + bw / 2, y: y(b.count) - 6, 'text-anchor': 'middle' }, String(b.count)));
    }
    if (open) {
      bars.append(svg('text', { class: 'tick x-tick', x: x0 + bw / 2, y: bottom + 20, 'text-anchor': 'middle' }, `${b.from_min}+`));
    } else if (i % every === 0) {
      bars.append(
        svg('line', { class: 'x-mark', x1: x0, x2: x0, y1: bottom, y2: bottom + 5 }),
        svg('text', { class: 'tick x-tick', x: x0, y: bottom + 20, 'text-anchor': 'middle' }, String(b.from_min)),
      );
    }
  });
  root.append(bars);
  const tb = bins.findIndex((b) => b.from_min === target);
  if (tb > 0) {
    const tx = left + tb * bw;
    root.append(
      svg(
        'g',
        { class: 'target' },
        svg('line', { x1: tx, x2: tx, y1: top0 - 14, y2: bottom }),
        svg('text', { x: tx + 6, y: top0 - 6 }, i18n.t('chart.target', { m: target })),
      ),
    );
  }
  box.replaceChildren(root);
}

function renderClock() {
  const now = new Date(serverNow()).toISOString();
  $('clock').textContent = state.tz ? localTime(now, state.tz, true) : '';
}

/** The hall's name in the top bar, whole in the tooltip when the bar cuts it short. */
function showHallName() {
  const name = i18n.pick(state.hall.hall, 'name');
  $('hall-name').textContent = name;
  $('hall-name').title = name;
}

function renderLangButton() {
  $('btn-lang').replaceChildren(h('span', { html: icons.globe }), i18n.t('lang.switch'));
}

// ---------------------------------------------------------------------------------------------
// Boot
// ---------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function boot() {
  i18n.apply();
  renderLangButton();
  renderReportsButton();
  setupReports();
  $('btn-lang').addEventListener('click', () => i18n.toggle());
  i18n.onChange((lang) => {
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      /* not remembered */
    }
    renderLangButton();
    renderReportsButton();
    if ($('reports-dialog').open) renderReports();
    if (state.hall) showHallName();
    const who = state.session && $('who').textContent;
    if (who) $('who').replaceChildren(h('span', { html: icons.staff }), who);
    updateBanner();
    render();
  });
  $('signin-form').addEventListener('submit', signIn);
  $('btn-signout').addEventListener('click', signOut);

  state.api = new Api();
  for (let attempt = 0; ; attempt++) {
    try {
      state.hall = await state.api.get('/api/v1/hall', { token: null });
      break;
    } catch {
      await sleep(Math.min(5000, 500 * (attempt + 1)));
    }
  }
  state.tz = state.hall.calendar.time_zone;
  showHallName();
  renderClock();
  setInterval(() => {
    renderClock();
    tickTimers();
  }, 1000);
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => state.live && renderCharts(), 150);
  });
  window.addEventListener('online', () => stream && stream.reconnectNow());

  const saved = loadSession();
  if (saved && saved.token) await startBoard(saved);
  else showSignin(null);
}

boot();
