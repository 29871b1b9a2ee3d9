// The supervisor's live dashboard (值班长看板), /supervisor, 1920×1080: today's figures as big
// tiles, the queues, the windows and the alerts (acknowledge with one click). Sign-in without a
// window (a dashboard session, token kept in sessionStorage). Live over the event stream: every
// event asks for a re-read (at most twice a second, one read at a time), and every 15 s anyway;
// a reconnecting banner while the stream is away.

import { Api, ApiError, newKey } from '/ui/common/api.js';
import { EventStream, singleFlight, throttle } from '/ui/common/stream.js';
import { I18n, h, localTime, minutes, storedLang } from '/ui/common/i18n.js';
import { icons } from '/ui/common/icons.js';

const SESSION_KEY = 'hallq.supervisor.session';
const LANG_KEY = 'hallq.supervisor.lang';
const POLL_MS = 15000;
/** Re-reads on events: at most one per this many ms (≤ 2/s). */
const REFRESH_MS = 500;

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
  'queues.waiting': { zh: '等候人数', en: 'Waiting' },
  'queues.longest': { zh: '最长等候', en: 'Longest wait' },
  'queues.est': { zh: '预计等候', en: 'Est. wait' },
  'queues.issued': { zh: '今日取号', en: 'Issued today' },
  'queues.busy': { zh: '排队较多', en: 'Busy' },
  'min.n': { zh: '{m} 分钟', en: '{m} min' },
  'windows.title': { zh: '各窗口状态', en: 'Windows' },
  'windows.window': { zh: '窗口', en: 'Window' },
  'windows.state': { zh: '状态', en: 'State' },
  'windows.clerk': { zh: '工作人员', en: 'Clerk' },
  'windows.ticket': { zh: '当前号', en: 'Ticket' },
  'windows.since': { zh: '起始时间', en: 'Since' },
  'windows.served': { zh: '今日办结', en: 'Served today' },
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
};

const i18n = new I18n(dict, storedLang(LANG_KEY));
const $ = (id) => document.getElementById(id);

const state = {
  session: null, // {token, clerk}
  api: null,
  hall: null,
  tz: undefined,
  live: null,
  figures: null,
  alerts: null,
  acking: new Set(),
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
}

function showSignin(noteKey) {
  stopLive();
  state.session = null;
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
  state.pollTimer = null;
  state.live = state.figures = state.alerts = null;
  state.ok = true;
  updateBanner();
}

// ---------------------------------------------------------------------------------------------
// Live data
// ---------------------------------------------------------------------------------------------

const refresh = singleFlight(async () => {
  if (!state.session) return;
  try {
    const [live, figures, alerts] = await Promise.all([
      state.api.get('/api/v1/live'),
      state.api.get('/api/v1/figures/today'),
      state.api.get('/api/v1/alerts'),
    ]);
    if (!state.session) return;
    state.live = live;
    state.figures = figures;
    state.alerts = alerts;
    state.ok = true;
    state.updatedAt = new Date().toISOString();
    render();
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

function startStream(after) {
  stream = new EventStream({
    after,
    path: (a) => `/api/v1/stream?after=${a}&token=${encodeURIComponent(state.session.token)}`,
    onEvent: () => refreshSoon(),
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
// Rendering
// ---------------------------------------------------------------------------------------------

function render() {
  if (!state.live) return;
  renderFigures();
  renderQueues();
  renderWindows();
  renderAlerts();
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

function renderWindows() {
  const rows = (state.live.windows || []).map((w) => {
    const cfg = state.hall && state.hall.windows.find((c) => c.number === w.window);
    return h(
      'tr',
      { class: `win-${w.state}`, dataset: { window: String(w.window), state: w.state } },
      h('td', { title: cfg ? i18n.pick(cfg, 'name') : null }, h('b', null, i18n.t('windows.no', { w: w.window }))),
      h(
        'td',
        null,
        h('span', { class: `state state-${w.state}` }, i18n.t(`state.${w.state}`)),
        w.state === 'paused' && w.pause_reason ? h('small', { class: 'reason' }, ` ${w.pause_reason}`) : null,
        w.held && w.held.length ? h('small', { class: 'held' }, ` ${i18n.t('windows.held', { n: w.held.join(' ') })}`) : null,
      ),
      h('td', null, w.clerk || '—'),
      h('td', { class: 'ticket' }, w.ticket || '—'),
      h('td', null, w.since ? localTime(w.since, state.tz) : '—'),
      h('td', { class: 'num' }, String(w.served_today ?? 0)),
    );
  });
  $('windows').replaceChildren(...rows);
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

function renderClock() {
  const now = new Date().toISOString();
  $('clock').textContent = state.tz ? localTime(now, state.tz, true) : '';
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
  $('btn-lang').addEventListener('click', () => i18n.toggle());
  i18n.onChange((lang) => {
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      /* not remembered */
    }
    renderLangButton();
    if (state.hall) $('hall-name').textContent = i18n.pick(state.hall.hall, 'name');
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
  $('hall-name').textContent = i18n.pick(state.hall.hall, 'name');
  renderClock();
  setInterval(renderClock, 1000);
  window.addEventListener('online', () => stream && stream.reconnectNow());

  const saved = loadSession();
  if (saved && saved.token) await startBoard(saved);
  else showSignin(null);
}

boot();
