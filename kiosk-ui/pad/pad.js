// The tablet rating pad (评价器, 好差评) at a window, /pad?token=<pad token>, 1280×800.
//
// Idle: the window and the clerk signed in there, name and staff number (亮证), or "窗口未开放 /
// 暂停服务". When the clerk finishes a visit the controller sends `rating_requested` for this
// window: five levels (stars and words), the level's reason tags, an optional comment, a
// countdown to `expires_at`. Only the citizen rates: nothing is sent unless they press submit,
// and a request that runs out (`rating_request_expired`, or the countdown at 0) stays unrated.
// Live over the event stream (resume by seq, reconnecting banner); after every (re)connect the
// page reads GET /api/v1/windows/{n}/rating to learn whether a request is pending.

import { Api, ApiError, NetworkError, newKey, param } from '/ui/common/api.js';
import { EventStream } from '/ui/common/stream.js';
import { I18n, h } from '/ui/common/i18n.js';
import { icons } from '/ui/common/icons.js';

const TOKEN_KEY = 'hallq.pad.token';
/** How long "thank you" (or a refusal) shows before the pad goes idle again. */
const DONE_MS = 5000;
/** The countdown turns urgent below this many seconds. */
const URGENT_S = 15;
const POLL_MS = 30000;

/** The five levels, best first: GB/T 39046 codes 1…5, stars 5…1. */
const LEVELS = [
  { id: 'very_satisfied', stars: 5, zh: '非常满意', en: 'Very satisfied' },
  { id: 'satisfied', stars: 4, zh: '满意', en: 'Satisfied' },
  { id: 'basically_satisfied', stars: 3, zh: '基本满意', en: 'Basically satisfied' },
  { id: 'dissatisfied', stars: 2, zh: '不满意', en: 'Dissatisfied' },
  { id: 'very_dissatisfied', stars: 1, zh: '非常不满意', en: 'Very dissatisfied' },
];

const dict = {
  'win.no': { zh: '{w}号窗口', en: 'Window {w}' },
  'idle.staff': { zh: '工作人员', en: 'Staff' },
  'idle.staff_no': { zh: '工号', en: 'Staff No.' },
  'idle.welcome': { zh: '欢迎您对我们的服务进行监督', en: 'Your feedback helps us serve you better' },
  'idle.closed': { zh: '暂停服务|窗口未开放', en: 'Not in service · window closed' },
  'idle.paused': { zh: '暂停服务', en: 'Service paused' },
  'idle.closed_note': { zh: '请留意叫号，或咨询导办台', en: 'Please wait for your number or ask at the help desk' },
  'rate.ticket': { zh: '号码 {n}', en: 'Number {n}' },
  'rate.by': { zh: '服务人员 {name}', en: 'Served by {name}' },
  'rate.left': { zh: '剩余 {s} 秒', en: '{s} s left' },
  'rate.reasons_pick': { zh: '请先选择满意程度', en: 'Choose a level first' },
  'rate.reasons': { zh: '原因（可多选，选填）', en: 'Reasons (optional, choose any)' },
  'rate.reasons_none': { zh: '此项无可选原因', en: 'No reasons to choose' },
  'rate.pick_first': { zh: '请先选择满意程度', en: 'Please choose a level first' },
  'rate.sending': { zh: '正在提交…', en: 'Sending…' },
  'rate.offline': { zh: '网络连接失败，请重试', en: 'Network failure, please try again' },
  'rate.unknown_reason': { zh: '评价原因已更新，请重新选择', en: 'The reasons changed, please choose again' },
  'done.thanks': { zh: '感谢您的评价', en: 'Thank you for your feedback' },
  'done.thanks_sub': { zh: '您的评价已提交', en: 'Your rating has been recorded' },
  'done.closed': { zh: '本次评价已结束', en: 'This rating has closed' },
  'done.closed_sub': { zh: '评价时间已过或已评价，无需再次评价', en: 'Time is up or it was already rated' },
  'done.already': { zh: '本次服务已评价', en: 'This visit has already been rated' },
  'done.already_sub': { zh: '每次服务只评价一次，感谢您的支持', en: 'One rating per visit, thank you' },
  'conn.reconnecting': { zh: '正在重新连接… 信息可能不是最新', en: 'Reconnecting… information may be out of date' },
  'setup.none': { zh: '没有设备令牌。请用 /pad?token=评价器令牌 打开本页。', en: 'No device token. Open /pad?token=<pad token>.' },
  'setup.bad': { zh: '设备令牌无效或已停用。请联系管理员。', en: 'The device token is not valid. Please call the administrator.' },
  'setup.notpad': { zh: '此令牌不属于某个窗口的评价器。请联系管理员。', en: "This token is not a window's rating pad. Please call the administrator." },
};

const i18n = new I18n(dict, 'zh');

/** Both languages of a key: Chinese first, English beneath. */
const bi = (key, vars, cls) => i18n.spans(key, vars, cls);

const $ = (id) => document.getElementById(id);

const STAR = '<svg class="star" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 2.6l2.9 6 6.5.8-4.8 4.5 1.2 6.5L12 17.2l-5.8 3.2 1.2-6.5L2.6 9.4l6.5-.8z"/></svg>';

const state = {
  token: null,
  api: null,
  window: null,
  hall: null,
  /** GET /api/v1/windows/{n}/rating: names, clerk, request, tags. */
  info: null,
  /** This window in /api/v1/live: state closed | idle | called | serving | paused. */
  live: null,
  liveOk: true,
  /** The pending request shown: {ticket, number, item, item_name_zh, expires_at, clerk}. */
  request: null,
  /** Tickets whose request ended here (rated, expired, refused): never shown again. */
  closed: new Set(),
  level: null,
  reasons: new Set(),
  sending: false,
  /** Hall clock minus this tablet's clock, from the freshest event's `at`. */
  skewMs: null,
  screen: 'loading',
  /** Counts this window's rating events: a read that started before one is not trusted. */
  gen: 0,
  doneTimer: null,
  tick: null,
};

let stream = null;

const now = () => Date.now() + (state.skewMs || 0);

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

async function boot() {
  i18n.apply();
  const fromUrl = param('token');
  if (fromUrl) {
    try {
      localStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      /* private mode: the URL keeps it */
    }
    try {
      const u = new URL(location.href);
      u.searchParams.delete('token');
      history.replaceState(null, '', u.pathname + u.search + u.hash);
    } catch {
      /* keep the address as it is */
    }
  }
  let stored = null;
  try {
    stored = localStorage.getItem(TOKEN_KEY);
  } catch {
    stored = null;
  }
  state.token = fromUrl || stored;
  if (!state.token) return showSetup('setup.none');
  state.api = new Api({ token: state.token });

  // Who this pad is, and the hall's names: wait for the controller if it is not up yet.
  for (let attempt = 0; ; attempt++) {
    try {
      const me = await state.api.get('/api/v1/session');
      if (me.kind !== 'device' || me.device_kind !== 'pad' || typeof me.window !== 'number') {
        return showSetup('setup.notpad');
      }
      state.window = me.window;
      state.hall = await state.api.get('/api/v1/hall', { token: null });
      break;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return showSetup('setup.bad');
      setBanner(true);
      await sleep(Math.min(5000, 500 * (attempt + 1)));
    }
  }
  $('hall-name').textContent = state.hall.hall.name_zh;
  $('hall-name-2').textContent = state.hall.hall.name_en;
  document.title = `${state.hall.hall.name_zh} ${state.window}号窗口 评价器`;
  $('pad').dataset.window = String(state.window);

  const seq = await refreshAll();
  if (seq === 'unauthorized') return;
  startStream(typeof seq === 'number' ? seq : 0);
  state.tick = setInterval(tick, 250);
  setInterval(() => refreshAll(), POLL_MS);
  window.addEventListener('online', () => stream && stream.reconnectNow());
  $('comment').addEventListener('input', renderCommentCount);
  $('comment').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') submit();
  });
  $('submit').addEventListener('click', submit);
}

function showSetup(key) {
  $('setup-text').replaceChildren(...bi(key).map((s) => h('span', { class: 'line' }, s)));
  show('setup');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Reading the controller
// ---------------------------------------------------------------------------------------------

/**
 * Reads the window's rating state and the live window state, one read at a time; a call while a
 * read runs asks for one more read after it (an event that came meanwhile may be newer than what
 * the running read sees). Returns the live seq, false when unreachable, or 'unauthorized'.
 */
let refreshing = null;
let refreshAgain = false;
function refreshAll() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = readAll().finally(() => {
    refreshing = null;
    if (refreshAgain) {
      refreshAgain = false;
      refreshAll();
    }
  });
  return refreshing;
}

async function readAll() {
  const gen = state.gen;
  try {
    const [info, live] = await Promise.all([
      state.api.get(`/api/v1/windows/${state.window}/rating`),
      state.api.get('/api/v1/live'),
    ]);
    state.info = info;
    state.live = (live.windows || []).find((w) => w.window === state.window) || null;
    state.liveOk = true;
    updateBanner();
    // A rating event came while reading: the read may predate it, the next read will not.
    if (gen === state.gen) adoptRequest(info.request);
    else refreshAgain = true;
    render();
    return live.seq;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      if (stream) stream.stop();
      showSetup('setup.bad');
      return 'unauthorized';
    }
    state.liveOk = false;
    updateBanner();
    if (state.screen === 'loading') render();
    return false;
  }
}

/** The controller's word on the pending request: show it, keep it, or drop it. */
function adoptRequest(req) {
  if (req && !state.closed.has(req.ticket)) {
    const same = state.request && state.request.ticket === req.ticket;
    state.request = { ...(same ? state.request : {}), ...req };
    if (!same) resetChoice();
    if (state.screen !== 'done' && remainingS() > 0) show('rate');
  } else if (state.request && !state.sending) {
    // Nothing pending any more (expired, or rated elsewhere): back to idle, nothing sent.
    state.request = null;
    resetChoice();
    if (state.screen === 'rate') show('idle');
  }
}

function startStream(after) {
  stream = new EventStream({
    after,
    path: (a) => `/api/v1/stream?after=${a}&token=${encodeURIComponent(state.token)}`,
    onEvent,
    onState: (s) => {
      updateBanner();
      // (Re)connected: a request may have come or gone meanwhile.
      if (s === 'open') refreshAll();
    },
    logEnd: async () => (await state.api.get('/healthz', { token: null, timeoutMs: 3000 })).seq,
    onResync: () => refreshAll(),
  });
  stream.start();
}

function onEvent(ev) {
  if (ev.at) {
    const skew = Date.parse(ev.at) - Date.now();
    // Replayed events are older: the freshest event gives the clock.
    if (!Number.isNaN(skew) && (state.skewMs === null || skew > state.skewMs)) state.skewMs = skew;
  }
  if (ev.window !== state.window) return;
  if (ev.type.startsWith('rating_') || ev.type === 'ticket_rated') state.gen += 1;
  switch (ev.type) {
    case 'rating_requested': {
      if (state.closed.has(ev.ticket)) return;
      const same = state.request && state.request.ticket === ev.ticket;
      state.request = {
        ...(same ? state.request : {}),
        ticket: ev.ticket,
        number: ev.number,
        item: ev.item || null,
        clerk: ev.clerk,
        expires_at: ev.expires_at,
      };
      if (!same) resetChoice();
      if (!state.sending) {
        clearTimeout(state.doneTimer);
        show(remainingS() > 0 ? 'rate' : 'idle');
      }
      render();
      // Names and tags (the hall may have changed them), and the truth about the request.
      refreshAll();
      break;
    }
    case 'rating_request_expired':
    case 'ticket_rated':
      state.closed.add(ev.ticket);
      if (state.request && state.request.ticket === ev.ticket && !state.sending) {
        state.request = null;
        resetChoice();
        if (state.screen === 'rate') show('idle');
        render();
      }
      break;
    case 'window_opened':
    case 'window_closed':
    case 'window_paused':
    case 'window_resumed':
      refreshAll();
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function show(screen) {
  state.screen = screen;
  for (const s of ['loading', 'idle', 'rate', 'done', 'setup']) {
    $(`screen-${s}`).hidden = s !== screen;
  }
  $('pad').dataset.screen = screen;
  if (screen === 'idle' || screen === 'rate') render();
}

function render() {
  renderBadge();
  if (state.screen === 'loading' && state.info) show(state.request && remainingS() > 0 ? 'rate' : 'idle');
  if (state.screen === 'idle') renderIdle();
  if (state.screen === 'rate') renderRate();
}

function windowNames() {
  const cfg = state.hall ? state.hall.windows.find((w) => w.number === state.window) : null;
  return {
    zh: (state.info && state.info.window_name_zh) || (cfg && cfg.name_zh) || '',
    en: (state.info && state.info.window_name_en) || (cfg && cfg.name_en) || '',
  };
}

function renderBadge() {
  if (state.window === null) return;
  const names = windowNames();
  $('win-badge').replaceChildren(
    h('span', { class: 'wb-no' }, ...bi('win.no', { w: state.window })),
    h('span', { class: 'wb-name' }, names.zh),
  );
}

function renderIdle() {
  const names = windowNames();
  $('idle-window').replaceChildren(
    h('div', { class: 'iw-no', id: 'idle-window-no' }, i18n.both('win.no', { w: state.window }).zh),
    h('div', { class: 'iw-no-en' }, i18n.both('win.no', { w: state.window }).en),
    h('div', { class: 'iw-name' }, names.zh),
    h('div', { class: 'iw-name-en' }, names.en),
  );
  const clerk = state.info ? state.info.clerk : null;
  const paused = state.live && state.live.state === 'paused';
  const card = $('idle-clerk');
  if (clerk && !paused) {
    card.className = 'idle-clerk on';
    card.replaceChildren(
      h('div', { class: 'avatar', html: icons.staff, 'aria-hidden': 'true' }),
      h(
        'dl',
        { class: 'badge-fields' },
        h('dt', null, ...bi('idle.staff')),
        h('dd', { id: 'clerk-name' }, clerk.name),
        h('dt', null, ...bi('idle.staff_no')),
        h('dd', { id: 'clerk-no', class: 'num' }, clerk.staff_no || '—'),
      ),
    );
    $('idle-foot').replaceChildren(...bi('idle.welcome'));
  } else {
    card.className = 'idle-clerk off';
    card.replaceChildren(
      h('div', { class: 'avatar off', html: icons.closed, 'aria-hidden': 'true' }),
      h(
        'div',
        { class: 'off-text', id: 'clerk-off' },
        ...i18n
          .both(paused ? 'idle.paused' : 'idle.closed')
          .zh.split('|')
          .map((line) => h('p', { class: 'off-zh' }, line)),
        h('p', { class: 'off-en' }, i18n.both(paused ? 'idle.paused' : 'idle.closed').en),
      ),
    );
    $('idle-foot').replaceChildren(...bi('idle.closed_note'));
  }
}

function itemNames(code) {
  const it = state.hall && code ? state.hall.items.find((i) => i.code === code) : null;
  return {
    zh: (state.request && state.request.item_name_zh) || (it && it.name_zh) || '',
    en: (it && it.name_en) || '',
  };
}

function clerkName(id) {
  if (state.info && state.info.clerk && state.info.clerk.id === id) return state.info.clerk;
  const c = state.hall && id ? (state.hall.clerks || []).find((x) => x.id === id) : null;
  return c || null;
}

function renderRate() {
  const r = state.request;
  if (!r) return;
  const item = itemNames(r.item);
  const clerk = clerkName(r.clerk || (state.info && state.info.clerk && state.info.clerk.id));
  $('rate-ticket').replaceChildren(
    h('span', { class: 'rt-number', id: 'rate-number' }, r.number),
    item.zh ? h('span', { class: 'rt-item', title: item.en }, item.zh) : null,
    clerk ? h('span', { class: 'rt-clerk' }, i18n.both('rate.by', { name: clerk.name }).zh) : null,
  );
  renderLevels();
  renderReasons();
  renderSubmit();
  renderCountdown();
}

function renderLevels() {
  const box = $('levels');
  box.replaceChildren(
    ...LEVELS.map((l) => {
      const on = state.level === l.id;
      return h(
        'button',
        {
          type: 'button',
          role: 'radio',
          class: `level lv-${l.id}${on ? ' on' : ''}`,
          'aria-checked': on ? 'true' : 'false',
          'aria-label': `${l.zh} ${l.en}`,
          dataset: { level: l.id },
          onclick: () => chooseLevel(l.id),
        },
        h(
          'span',
          { class: 'stars', 'aria-hidden': 'true' },
          ...[0, 1, 2, 3, 4].map((i) => h('span', { class: i < l.stars ? 'st full' : 'st', html: STAR })),
        ),
        h('span', { class: 'lv-zh' }, l.zh),
        h('span', { class: 'lv-en' }, l.en),
        h('span', { class: 'lv-check', html: icons.check, 'aria-hidden': 'true' }),
      );
    }),
  );
}

function tagsFor(level) {
  return (state.info && state.info.tags && state.info.tags[level]) || [];
}

function renderReasons() {
  const box = $('reasons');
  const label = $('reasons-label');
  if (!state.level) {
    // Before a level: say where to start, in the space the reasons will take.
    label.replaceChildren(...bi('rate.reasons'));
    box.dataset.level = '';
    box.replaceChildren(
      h('p', { class: 'reasons-hint' }, h('span', { html: icons.back.replace('<svg', '<svg style="transform:rotate(90deg)"') }), ...bi('rate.reasons_pick')),
    );
    return;
  }
  const tags = tagsFor(state.level);
  label.replaceChildren(...bi(tags.length ? 'rate.reasons' : 'rate.reasons_none'));
  box.dataset.level = state.level;
  box.replaceChildren(
    ...tags.map((t) => {
      const on = state.reasons.has(t);
      return h(
        'button',
        {
          type: 'button',
          class: `chip${on ? ' on' : ''}`,
          'aria-pressed': on ? 'true' : 'false',
          dataset: { reason: t },
          onclick: () => toggleReason(t),
        },
        h('span', { class: 'chip-box', html: on ? icons.check : '', 'aria-hidden': 'true' }),
        t,
      );
    }),
  );
}

function renderSubmit() {
  const btn = $('submit');
  const ready = !!state.level && !state.sending;
  btn.setAttribute('aria-disabled', ready ? 'false' : 'true');
  btn.classList.toggle('sending', state.sending);
  btn.replaceChildren(...(state.sending ? bi('rate.sending') : bi_submit()));
  $('comment').disabled = state.sending;
}

function bi_submit() {
  return [h('span', { class: 'zh' }, '提交评价'), h('span', { class: 'en' }, 'Submit')];
}

function renderCommentCount() {
  $('comment-count').textContent = `${[...$('comment').value].length}/200`;
}

function remainingS() {
  if (!state.request || !state.request.expires_at) return 0;
  const at = Date.parse(state.request.expires_at);
  if (Number.isNaN(at)) return 0;
  return Math.max(0, Math.ceil((at - now()) / 1000));
}

function renderCountdown() {
  const s = remainingS();
  const el = $('countdown');
  el.dataset.seconds = String(s);
  el.classList.toggle('urgent', s <= URGENT_S);
  el.replaceChildren(
    h('span', { html: icons.clock }),
    h('span', { class: 'cd-num' }, String(s)),
    h('span', { class: 'cd-words' }, h('span', { class: 'zh' }, '秒后结束'), h('span', { class: 'en' }, 's left')),
  );
}

function tick() {
  if (state.screen !== 'rate' || !state.request) return;
  if (remainingS() <= 0 && !state.sending) {
    // Time is up: the visit stays unrated; nothing is sent.
    state.closed.add(state.request.ticket);
    state.request = null;
    resetChoice();
    show('idle');
    return;
  }
  renderCountdown();
}

function resetChoice() {
  state.level = null;
  state.reasons = new Set();
  $('comment').value = '';
  $('rate-msg').textContent = '';
  renderCommentCount();
}

function chooseLevel(level) {
  if (state.sending) return;
  const tags = new Set(tagsFor(level));
  state.level = level;
  // Keep the reasons the new level offers too (good levels share theirs).
  state.reasons = new Set([...state.reasons].filter((r) => tags.has(r)));
  $('rate-msg').textContent = '';
  renderLevels();
  renderReasons();
  renderSubmit();
}

function toggleReason(t) {
  if (state.sending) return;
  if (state.reasons.has(t)) state.reasons.delete(t);
  else state.reasons.add(t);
  renderReasons();
}

// ---------------------------------------------------------------------------------------------
// Submitting
// ---------------------------------------------------------------------------------------------

async function submit() {
  if (state.sending || !state.request) return;
  if (!state.level) {
    $('rate-msg').replaceChildren(...bi('rate.pick_first'));
    return;
  }
  const ticket = state.request.ticket;
  const body = { window: state.window, level: state.level, reasons: [...state.reasons] };
  const comment = $('comment').value.trim();
  if (comment) body.comment = [...comment].slice(0, 200).join('');
  // One key and the same bytes for every retry of this one rating.
  const payload = JSON.stringify(body);
  const key = newKey('rate');
  state.sending = true;
  $('rate-msg').textContent = '';
  renderSubmit();
  let result = null;
  let error = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      result = await state.api.post('/api/v1/ratings', payload, { key });
      error = null;
      break;
    } catch (e) {
      error = e;
      if (!(e instanceof NetworkError)) break;
      await sleep(500 * (attempt + 1));
    }
  }
  state.sending = false;
  if (result) {
    state.closed.add(ticket);
    state.request = null;
    resetChoice();
    done('ok', result);
  } else if (error instanceof ApiError && (error.code === 'already_rated' || error.code === 'no_rating_request')) {
    state.closed.add(ticket);
    state.request = null;
    resetChoice();
    done(error.code === 'already_rated' ? 'already' : 'closed');
  } else if (error instanceof ApiError && error.code === 'unknown_reason') {
    state.reasons = new Set();
    $('rate-msg').replaceChildren(...bi('rate.unknown_reason'));
    renderRate();
    refreshAll();
  } else if (error instanceof ApiError) {
    $('rate-msg').replaceChildren(
      h('span', { class: 'zh' }, i18n.title(error.title) || error.detail),
      h('span', { class: 'en' }, (error.title || '').split(' / ')[1] || error.detail || ''),
    );
    renderRate();
  } else {
    $('rate-msg').replaceChildren(...bi('rate.offline'));
    renderRate();
  }
}

/** The thank-you (or refusal) card, then idle. */
function done(kind, result) {
  const key = kind === 'ok' ? 'done.thanks' : kind === 'already' ? 'done.already' : 'done.closed';
  const card = $('done-card');
  card.className = `done-card ${kind}`;
  card.dataset.kind = kind;
  if (result && result.rating) card.dataset.rating = result.rating;
  const words = i18n.both(key);
  const sub = i18n.both(`${key}_sub`);
  card.replaceChildren(
    h('div', { class: 'done-icon', html: kind === 'ok' ? icons.check : icons.warn, 'aria-hidden': 'true' }),
    h('p', { class: 'done-zh', id: 'done-text' }, words.zh),
    h('p', { class: 'done-en' }, words.en),
    h('p', { class: 'done-sub' }, sub.zh, h('br'), h('span', { class: 'en' }, sub.en)),
  );
  show('done');
  clearTimeout(state.doneTimer);
  state.doneTimer = setTimeout(() => {
    show(state.request && remainingS() > 0 ? 'rate' : 'idle');
    refreshAll();
  }, DONE_MS);
}

// ---------------------------------------------------------------------------------------------
// The connection banner
// ---------------------------------------------------------------------------------------------

function updateBanner() {
  const streamDown = stream && stream.state === 'reconnecting';
  setBanner(!state.liveOk || streamDown);
}

function setBanner(on) {
  const el = $('conn-banner');
  if (on) el.replaceChildren(h('span', { html: icons.wifi }), ...bi('conn.reconnecting'));
  el.hidden = !on;
  document.body.classList.toggle('offline', on);
}

boot();
