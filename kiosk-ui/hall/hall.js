// The main hall screen (综合屏), /hall?token=<display token>: the latest call, large and
// flashing; the calls before it; waiting per queue; paused windows with their away messages;
// the hall's name, date and time. Live over the event stream (resume by seq, reconnecting
// banner, a fresh /api/v1/live after every reconnect). Every call and recall is announced by
// voice, one after another, never cut off, none dropped (see Announcer).

import { Api, ApiError, param } from '/ui/common/api.js';
import { ControllerClock, EventStream, singleFlight, throttle } from '/ui/common/stream.js';
import { I18n, h, localTime, minutes } from '/ui/common/i18n.js';
import { icons } from '/ui/common/icons.js';

const TOKEN_KEY = 'hallq.hall.token';
/** Calls listed under the current one. */
const RECENT_MAX = 8;
/** How long a new call flashes. */
const FLASH_MS = 4000;
/** Events read back at start to fill the recent calls. */
const BACKLOG_EVENTS = 500;
/** Announcements kept in the DOM log, and how many of them show. */
const LOG_MAX = 40;
const LOG_VISIBLE = 4;
/** `?voice=fake`: each announcement takes this long and nothing is spoken. */
const FAKE_MS = 600;
/** Before anyone clicks to enable voice, at most this many announcements wait. */
const LOCKED_MAX = 20;
const LIVE_POLL_MS = 30000;

const dict = {
  'call.go': { zh: '请到 {w} 号窗口', en: 'Please go to window {w}' },
  'call.none': { zh: '请留意叫号', en: 'Please wait for your number' },
  'call.recall': { zh: '重呼', en: 'Recall' },
  'recent.none': { zh: '暂无呼叫', en: 'No calls yet' },
  'recent.window': { zh: '{w} 号窗口', en: 'Window {w}' },
  'queue.people': { zh: '{n} 人', en: '{n} waiting' },
  'queue.est': { zh: '约 {m} 分钟', en: '~{m} min' },
  'queue.nowait': { zh: '无需等候', en: 'No wait' },
  'queue.busy': { zh: '排队较多', en: 'Busy' },
  'queue.more': { zh: '其余 {n} 项业务暂无人等候', en: '{n} other services: no one waiting' },
  'paused.none': { zh: '各窗口正常服务', en: 'All open windows in service' },
  'paused.window': { zh: '{w} 号窗口', en: 'Window {w}' },
  'paused.back': { zh: '预计 {t} 返回', en: 'Back at {t}' },
  'paused.noback': { zh: '暂停服务', en: 'Paused' },
  'paused.more': { zh: '另有 {n} 个窗口暂停', en: '{n} more windows paused' },
  'conn.reconnecting': {
    zh: '正在重新连接… 信息可能不是最新',
    en: 'Reconnecting… information may be out of date',
  },
  'setup.none': {
    zh: '没有设备令牌。请用 /hall?token=显示屏令牌 打开本页。',
    en: 'No device token. Open /hall?token=<display token>.',
  },
  'setup.bad': {
    zh: '设备令牌无效或已停用。请联系管理员。',
    en: 'The device token is not valid. Please call the administrator.',
  },
  'voice.on': { zh: '语音播报已开启', en: 'Voice on' },
  'voice.chime': { zh: '本机无中文语音，以提示音代替', en: 'No local Chinese voice: chime only' },
  'voice.fake': { zh: '语音测试模式', en: 'Voice test mode' },
  'voice.off': { zh: '语音未开启', en: 'Voice off' },
  'ann.queued': { zh: '等待', en: 'Queued' },
  'ann.speaking': { zh: '播报中', en: 'Speaking' },
  'ann.done': { zh: '已播报', en: 'Done' },
  'ann.skipped': { zh: '未播报', en: 'Skipped' },
};

const i18n = new I18n(dict, 'zh');

/** Both languages of a key: [zh, en] spans, Chinese first. */
const bi = (key, vars, cls) => i18n.spans(key, vars, cls);

const $ = (id) => document.getElementById(id);
const clock = new ControllerClock();

const state = {
  token: null,
  api: null,
  hall: null,
  tz: undefined,
  windows: new Map(),
  queues: [],
  live: null,
  liveOk: true,
  /** Newest first: {number, window, at, recall}. recent[0] is the current call. */
  recent: [],
  flashTimer: null,
};

let stream = null;

// ---------------------------------------------------------------------------------------------
// Voice
// ---------------------------------------------------------------------------------------------

/**
 * The announcement queue: one at a time, in arrival order, each to its end.
 *
 * - Speech uses the browser's speechSynthesis with a **local** zh voice only
 *   (`voice.localService`): a hall's screen must never send its calls to a network voice
 *   service. Without one, a two-tone chime (WebAudio) plays, and the announcement still shows.
 * - Browsers allow sound only after a user gesture: until someone clicks "点击开启语音", the
 *   announcements wait (at most LOCKED_MAX; older ones are marked skipped so a screen left
 *   locked overnight does not read out a morning's calls).
 * - Each announcement is a `li[data-announcement]` in #announcements with `data-state`
 *   queued → speaking → done, and `data-started` / `data-ended` (performance.now()), so tests
 *   can check the order and that none overlapped.
 */
class Announcer {
  constructor(mode, list) {
    this.mode = mode; // 'speech' | 'fake'
    this.list = list;
    this.items = [];
    this.busy = false;
    this.unlocked = false;
    this.audio = null;
    this.voice = null;
    this.nextId = 1;
    if (mode === 'speech' && 'speechSynthesis' in window) {
      speechSynthesis.addEventListener?.('voiceschanged', () => this.pickVoice());
      this.pickVoice();
    }
  }

  /** A local Chinese voice, zh-CN preferred; null when there is none. */
  pickVoice() {
    if (!('speechSynthesis' in window)) return null;
    const voices = speechSynthesis.getVoices().filter((v) => v.localService);
    const zh = voices.filter((v) => /^zh/i.test(v.lang || ''));
    this.voice =
      zh.find((v) => /^zh[-_]CN$/i.test(v.lang)) || zh.find((v) => /hans|cmn/i.test(v.lang + v.name)) || zh[0] || null;
    renderVoiceState();
    return this.voice;
  }

  /** The visible mode: 'fake', 'speech' (a local zh voice), 'chime'. */
  output() {
    if (this.mode === 'fake') return 'fake';
    return this.voice ? 'speech' : 'chime';
  }

  unlock() {
    if (this.unlocked) return;
    this.unlocked = true;
    if (this.mode === 'speech') {
      try {
        const Ctx = window.AudioContext || window.webkitAudioContext;
        if (Ctx) {
          this.audio = new Ctx();
          this.audio.resume?.();
        }
      } catch {
        this.audio = null;
      }
      if ('speechSynthesis' in window) {
        this.pickVoice();
        // Some engines need a first utterance inside the gesture to unlock.
        try {
          const u = new SpeechSynthesisUtterance('');
          u.volume = 0;
          if (this.voice) u.voice = this.voice;
          speechSynthesis.speak(u);
        } catch {
          /* no speech at all: the chime remains */
        }
      }
    }
    renderVoiceState();
    this.pump();
  }

  add(kind, number, win) {
    const text = `${kind === 'recall' ? '重呼：' : ''}请${number}号到${win}号窗口办理`;
    const el = h(
      'li',
      {
        class: 'ann',
        dataset: { announcement: String(this.nextId), state: 'queued', kind, number, window: String(win) },
      },
      h('span', { class: 'ann-state' }),
      h('span', { class: 'ann-text' }, text),
    );
    const item = { id: this.nextId++, kind, number, window: win, text, el, state: 'queued' };
    this.setState(item, 'queued');
    this.items.push(item);
    this.list.append(el);
    if (!this.unlocked) {
      const waiting = this.items.filter((i) => i.state === 'queued');
      if (waiting.length > LOCKED_MAX) this.setState(waiting[0], 'skipped');
    }
    this.trim();
    this.pump();
  }

  setState(item, s) {
    item.state = s;
    item.el.dataset.state = s;
    const { zh, en } = i18n.both(`ann.${s}`);
    item.el.querySelector('.ann-state').textContent = `${zh} ${en}`;
    if (s === 'speaking') item.el.dataset.started = String(performance.now());
    if (s === 'done') item.el.dataset.ended = String(performance.now());
    this.list.classList.toggle('speaking', this.items.some((i) => i.state === 'speaking'));
  }

  /** Keeps the log short: finished items beyond LOG_MAX leave, and only the last few show. */
  trim() {
    while (this.items.length > LOG_MAX && this.items[0].state !== 'queued' && this.items[0].state !== 'speaking') {
      this.items.shift().el.remove();
    }
    const n = this.items.length;
    this.items.forEach((it, i) => it.el.classList.toggle('ann-old', i < n - LOG_VISIBLE));
  }

  async pump() {
    if (this.busy || !this.unlocked) return;
    const next = this.items.find((i) => i.state === 'queued');
    if (!next) return;
    this.busy = true;
    this.setState(next, 'speaking');
    try {
      await this.play(next);
    } catch (e) {
      console.error('announcement failed', e);
    }
    this.setState(next, 'done');
    this.busy = false;
    this.trim();
    this.pump();
  }

  play(item) {
    if (this.mode === 'fake') return sleep(FAKE_MS);
    const voice = this.voice || this.pickVoice();
    if (voice) return this.speak(item.text, voice);
    return this.chime();
  }

  /** Speaks with a local voice; resolves at the end (or after a generous timeout, so a stuck
   *  engine never stalls the queue). Never cancels anything. */
  speak(text, voice) {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(8000, text.length * 600));
      try {
        const u = new SpeechSynthesisUtterance(text);
        u.voice = voice;
        u.lang = voice.lang || 'zh-CN';
        u.rate = 0.85;
        u.onend = finish;
        u.onerror = finish;
        speechSynthesis.speak(u);
      } catch {
        finish();
      }
    });
  }

  /** A two-tone chime (叮咚) when no local Chinese voice exists. */
  async chime() {
    const ctx = this.audio;
    if (ctx) {
      try {
        const t0 = ctx.currentTime + 0.05;
        for (const [f, at] of [
          [784, 0],
          [587, 0.55],
        ]) {
          const osc = ctx.createOscillator();
          const gain = ctx.createGain();
          osc.type = 'sine';
          osc.frequency.value = f;
          gain.gain.setValueAtTime(0.0001, t0 + at);
          gain.gain.exponentialRampToValueAtTime(0.5, t0 + at + 0.02);
          gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.9);
          osc.connect(gain).connect(ctx.destination);
          osc.start(t0 + at);
          osc.stop(t0 + at + 1);
        }
      } catch {
        /* silent; the announcement still shows */
      }
    }
    // Keep the announcement up long enough to be read.
    await sleep(2500);
  }
}

let announcer = null;

function renderVoiceState() {
  const el = $('voice-state');
  if (!el || !announcer) return;
  const key = !announcer.unlocked ? 'voice.off' : `voice.${{ fake: 'fake', speech: 'on', chime: 'chime' }[announcer.output()]}`;
  el.dataset.voice = announcer.unlocked ? announcer.output() : 'locked';
  el.replaceChildren(h('span', { html: icons.bell }), ...bi(key));
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function boot() {
  announcer = new Announcer(param('voice') === 'fake' ? 'fake' : 'speech', $('announcements'));
  renderVoiceState();
  $('btn-voice').addEventListener('click', () => {
    announcer.unlock();
    $('btn-voice').hidden = true;
  });

  const fromUrl = param('token');
  if (fromUrl) {
    try {
      localStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      /* private mode: keep it for this page only */
    }
    const url = new URL(location.href);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
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

  renderClock();
  setInterval(renderClock, 1000);
  renderNow();
  renderRecent();

  // The hall's names, windows and queues: wait for the controller if it is not up yet.
  for (let attempt = 0; ; attempt++) {
    try {
      state.hall = await state.api.get('/api/v1/hall', { token: null });
      break;
    } catch {
      setBanner(true);
      await sleep(Math.min(5000, 500 * (attempt + 1)));
    }
  }
  state.tz = state.hall.calendar.time_zone;
  state.windows = new Map(state.hall.windows.map((w) => [w.number, w]));
  state.queues = state.hall.queues;
  $('hall-name').textContent = state.hall.hall.name_zh;
  $('hall-name-2').textContent = state.hall.hall.name_en;
  document.title = `${state.hall.hall.name_zh} 叫号 Hall screen`;
  renderClock();

  const ok = await refreshLive();
  if (ok === 'unauthorized') return;
  const seq = state.live ? state.live.seq : 0;
  await loadRecent(seq, state.live ? state.live.day : null);
  startStream(seq);
  setInterval(() => refreshLive(), LIVE_POLL_MS);
  window.addEventListener('online', () => stream && stream.reconnectNow());
  // Recheck the paused list's layout when the screen changes size.
  window.addEventListener('resize', throttle(() => renderLive(), 300));
}

function showSetup(key) {
  $('setup-text').replaceChildren(...bi(key).map((s) => h('span', { class: 'line' }, s)));
  $('setup').hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Live state and the stream
// ---------------------------------------------------------------------------------------------

/** Reads /api/v1/live, one read at a time. Returns true, false (unreachable) or 'unauthorized'. */
const refreshLive = singleFlight(async () => {
  try {
    state.live = await state.api.get('/api/v1/live');
    // The wall clock is the controller's, not this PC's.
    clock.sync(state.live.now);
    state.liveOk = true;
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

/** Fills the recent calls from the end of the log (today only), silently. */
async function loadRecent(seq, day) {
  if (!seq) return;
  const today = day ? day.replace(/-/g, '') : null;
  try {
    const after = Math.max(0, seq - BACKLOG_EVENTS);
    const page = await state.api.get(`/api/v1/events?after=${after}&limit=${BACKLOG_EVENTS}`);
    state.recent = [];
    for (const ev of page.events) {
      if (ev.seq > seq) break;
      if (ev.type === 'day_rolled') state.recent = [];
      const call = callOf(ev);
      if (call && (!today || (ev.ticket || '').startsWith(today))) addRecent(call);
    }
    renderNow(false);
    renderRecent();
  } catch {
    /* the list fills with the next calls */
  }
}

function startStream(after) {
  stream = new EventStream({
    after,
    path: (a) => `/api/v1/stream?after=${a}&token=${encodeURIComponent(state.token)}`,
    onEvent,
    onState: (s) => {
      updateBanner();
      // Back after a disconnect: windows and queues may have moved meanwhile.
      if (s === 'open') refreshLive();
    },
    logEnd: async () => (await state.api.get('/healthz', { token: null, timeoutMs: 3000 })).seq,
    onResync: (seq) => {
      refreshLive();
      loadRecent(seq, state.live ? state.live.day : null);
    },
  });
  stream.start();
}

/** A call event → {number, window, at, recall}, or null. */
function callOf(ev) {
  switch (ev.type) {
    case 'ticket_called':
    case 'ticket_called_back':
      return { number: ev.number, window: ev.window, at: ev.at, recall: false, seq: ev.seq };
    case 'ticket_recalled':
      return { number: ev.number, window: ev.window, at: ev.at, recall: true, seq: ev.seq };
    default:
      return null;
  }
}

function onEvent(ev) {
  const call = callOf(ev);
  if (call) {
    addRecent(call);
    renderNow(true);
    renderRecent();
    announcer.add(call.recall ? 'recall' : 'call', call.number, call.window);
  } else if (ev.type === 'day_rolled') {
    state.recent = [];
    renderNow(false);
    renderRecent();
  }
  if (ev.type !== 'ticket_printed' && ev.type !== 'print_failed') refreshLiveSoon();
}

function addRecent(call) {
  // A ticket called again (recall, call-back) moves to the top rather than showing twice.
  state.recent = state.recent.filter((c) => c.number !== call.number);
  state.recent.unshift(call);
  state.recent.length = Math.min(state.recent.length, RECENT_MAX + 1);
}

function updateBanner() {
  const streamDown = stream && stream.state === 'reconnecting';
  setBanner(!state.liveOk || streamDown);
}

function setBanner(on) {
  const el = $('conn-banner');
  if (on) {
    el.replaceChildren(h('span', { html: icons.wifi }), ...bi('conn.reconnecting'));
  }
  const changed = el.hidden === on;
  el.hidden = !on;
  document.body.classList.toggle('offline', on);
  // The banner takes height from the board: fit the lists again.
  if (changed) renderLive();
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function windowName(n) {
  const w = state.windows.get(n);
  return w ? { zh: w.name_zh, en: w.name_en } : { zh: '', en: '' };
}

/** The current call, large; `flash` for a new one. */
function renderNow(flash = false) {
  const body = $('now-body');
  const cur = state.recent[0];
  $('now').dataset.number = cur ? cur.number : '';
  $('now').dataset.window = cur ? String(cur.window) : '';
  if (!cur) {
    $('now-recall').hidden = true;
    $('now-time').textContent = '';
    body.replaceChildren(h('div', { class: 'now-empty' }, ...bi('call.none').map((s) => h('p', null, s))));
    return;
  }
  const name = windowName(cur.window);
  const { zh, en } = i18n.both('call.go', { w: cur.window });
  const [before, after] = zh.split(String(cur.window));
  body.replaceChildren(
    h('div', { class: `now-number${cur.number.length > 4 ? ' long' : ''}`, id: 'now-number' }, cur.number),
    h(
      'div',
      { class: 'now-text' },
      h('p', { class: 'now-go', id: 'now-go' }, before, h('b', { class: 'now-win' }, String(cur.window)), after),
      h('p', { class: 'now-go-en' }, en),
      name.zh ? h('p', { class: 'now-wname' }, name.zh) : null,
      name.en ? h('p', { class: 'now-wname-en' }, name.en) : null,
    ),
  );
  const recall = $('now-recall');
  recall.hidden = !cur.recall;
  if (cur.recall) recall.replaceChildren(...bi('call.recall'));
  $('now-time').textContent = state.tz ? localTime(cur.at, state.tz) : '';
  if (flash) {
    const now = $('now');
    now.classList.remove('flash');
    void now.offsetWidth; // restart the animation
    now.classList.add('flash');
    clearTimeout(state.flashTimer);
    state.flashTimer = setTimeout(() => now.classList.remove('flash'), FLASH_MS);
  }
}

function renderRecent() {
  const list = $('recent');
  const rest = state.recent.slice(1, RECENT_MAX + 1);
  if (!rest.length) {
    list.replaceChildren(h('li', { class: 'recent-none' }, ...bi('recent.none')));
    return;
  }
  list.replaceChildren(
    ...rest.map((c) =>
      h(
        'li',
        { class: 'recent-item', dataset: { number: c.number, window: String(c.window) } },
        h('span', { class: 'recent-number' }, c.number),
        h('span', { class: 'recent-arrow', 'aria-hidden': 'true' }, '→'),
        h('span', { class: 'recent-win' }, ...bi('recent.window', { w: c.window })),
        c.recall ? h('span', { class: 'recent-recall' }, i18n.both('call.recall').zh) : null,
      ),
    ),
  );
}

function renderLive() {
  if (!state.live || !state.hall) return;
  // The paused panel first: its height decides how many queues fit.
  renderPaused();
  renderQueues();
}

function renderQueues() {
  const live = new Map((state.live.queues || []).map((q) => [q.queue, q]));
  const list = $('queues');
  const rows = state.queues.map((cfg) => {
    const q = live.get(cfg.id) || { waiting: 0, estimated_wait_s: 0, issued_today: 0, warning: false };
    const est = q.waiting > 0 ? bi('queue.est', { m: minutes(q.estimated_wait_s) }) : bi('queue.nowait');
    const row = h(
      'li',
      {
        class: `queue-row${q.warning ? ' warn' : ''}${q.waiting > 0 ? '' : ' empty'}`,
        dataset: { queue: cfg.id, waiting: String(q.waiting), issued: String(q.issued_today || 0) },
      },
      h('span', { class: 'q-prefix' }, cfg.prefix),
      h(
        'span',
        { class: 'q-name' },
        h('span', { class: 'zh' }, cfg.name_zh),
        h('span', { class: 'en' }, cfg.name_en),
      ),
      h(
        'span',
        { class: 'q-wait' },
        h('b', null, String(q.waiting)),
        h('span', { class: 'unit' }, '人'),
        q.warning ? h('span', { class: 'q-busy' }, h('span', { html: icons.warn }), i18n.both('queue.busy').zh) : null,
      ),
      h('span', { class: 'q-est' }, ...est),
    );
    return { row, q };
  });
  list.replaceChildren(...rows.map((r) => r.row));
  // Too many to fit: the queues nobody waits in step back (from the bottom, only as many as
  // needed); first those with no ticket today, then any with nobody waiting.
  const more = $('queues-more');
  more.hidden = true;
  let hidden = 0;
  const overflowing = () => list.scrollHeight > list.clientHeight + 1;
  for (const pass of [(q) => !q.waiting && !q.issued_today, (q) => !q.waiting]) {
    for (const r of [...rows].reverse()) {
      if (!overflowing()) break;
      if (!r.row.hidden && pass(r.q)) {
        r.row.hidden = true;
        hidden += 1;
        // The note takes a line of its own.
        if (hidden === 1) more.hidden = false;
      }
    }
  }
  if (hidden) {
    more.replaceChildren(...bi('queue.more', { n: hidden }));
    more.hidden = false;
  }
}

function renderPaused() {
  const list = $('paused');
  const paused = (state.live.windows || []).filter((w) => w.state === 'paused');
  if (!paused.length) {
    list.replaceChildren(h('li', { class: 'paused-none' }, h('span', { html: icons.check }), ...bi('paused.none')));
    return;
  }
  const items = paused.map((w) => {
    const name = windowName(w.window);
    const back = w.back_at ? localTime(w.back_at, state.tz) : null;
    return h(
      'li',
      { class: 'paused-item', dataset: { window: String(w.window) } },
      h(
        'div',
        { class: 'p-head', title: `${name.zh} ${name.en}` },
        h('span', { class: 'p-win' }, ...bi('paused.window', { w: w.window })),
        h('span', { class: 'p-back' }, h('span', { html: icons.clock }), ...bi(back ? 'paused.back' : 'paused.noback', { t: back })),
      ),
      h('p', { class: 'p-reason' }, w.pause_reason || ''),
    );
  });
  list.replaceChildren(...items);
  // Keep the panel on screen: past what fits, say how many more.
  const overflowing = () => list.scrollHeight > list.clientHeight + 1;
  if (overflowing()) {
    const more = h('li', { class: 'paused-more' });
    list.append(more);
    let extra = 0;
    while (overflowing() && list.children.length > 2) {
      more.previousElementSibling.remove();
      extra += 1;
    }
    more.replaceChildren(...bi('paused.more', { n: extra }));
    if (!extra) more.remove();
  }
}

function renderClock() {
  const now = new Date(clock.now());
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: state.tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
      hour12: false,
    }).formatToParts(now);
    const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
    const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday);
    const hour = p.hour === '24' ? '00' : p.hour;
    $('clock').replaceChildren(
      h('span', { class: 'clock-time' }, `${hour}:${p.minute}`, h('small', null, `:${p.second}`)),
      h(
        'span',
        { class: 'clock-date' },
        h('span', { class: 'zh' }, `${p.year}年${p.month}月${p.day}日 星期${'日一二三四五六'[wd]}`),
        h('span', { class: 'en' }, `${p.weekday} ${p.day}/${p.month}/${p.year}`),
      ),
    );
  } catch {
    $('clock').replaceChildren(h('span', { class: 'clock-time' }, now.toTimeString().slice(0, 5)));
  }
}

boot();
