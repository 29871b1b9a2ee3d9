// The clerk's window console (/clerk): sign in at a window, then call, recall, serve, finish
// with an outcome (即办 / 受理 / 一次性告知 / 咨询), mark no-show, transfer or refer, hold and call
// back, pause with an away message (去向留言), resume. The window view
// (`GET /api/v1/windows/{n}`) is the single source of truth: the page re-reads it after each
// action and on each relevant event of the stream, and renders it whole. Refusals show in the
// message area, never in an alert().

import { Api, ApiError, NetworkError, newKey } from '/ui/common/api.js';
import { ControllerClock, EventStream, throttle } from '/ui/common/stream.js';
import { I18n, h, localTime, storedLang } from '/ui/common/i18n.js';
import { icons } from '/ui/common/icons.js';

const LANG_KEY = 'hallq.clerk.lang';
const LAST_KEY = 'hallq.clerk.last';
const SESSION_KEY = 'hallq.clerk.session';

const dict = {
  'app.title': { zh: '窗口工作台', en: 'Window console' },
  'app.loading': { zh: '正在连接服务…', en: 'Connecting…' },
  'lang.switch': { zh: 'English', en: '中文' },
  'signout': { zh: '退出登录', en: 'Sign out' },
  'msg.close': { zh: '关闭提示', en: 'Dismiss' },
  'win.no': { zh: '{n}号窗口', en: 'Window {n}' },
  'who': { zh: '{name}（{id}）', en: '{name} ({id})' },
  'conn.online': { zh: '实时', en: 'Live' },
  'conn.offline': { zh: '离线', en: 'Offline' },
  'reconnecting': { zh: '正在重新连接… 显示的可能不是最新状态', en: 'Reconnecting… the view may be out of date' },
  'offline': { zh: '无法连接服务，正在重新连接… 操作暂不可用', en: 'Cannot reach the controller; reconnecting… actions are unavailable' },

  'signin.title': { zh: '窗口工作人员登录', en: 'Clerk sign-in' },
  'signin.clerk': { zh: '工号', en: 'Clerk ID' },
  'signin.password': { zh: '密码', en: 'Password' },
  'signin.window': { zh: '窗口', en: 'Window' },
  'signin.choose': { zh: '请选择窗口', en: 'Choose a window' },
  'signin.submit': { zh: '登录', en: 'Sign in' },
  'signin.busy': { zh: '正在登录…', en: 'Signing in…' },
  'signin.hint': {
    zh: '同一工号在其他窗口登录时，原窗口自动退出；原窗口未办完的号将挂起在原窗口。',
    en: 'Signing in at another window signs you out here; an open ticket is held at the old window.',
  },
  'signin.missing': { zh: '请填写工号、密码并选择窗口', en: 'Enter your clerk ID and password and choose a window' },
  'signin.wrong': { zh: '工号或密码错误', en: 'Wrong clerk ID or password' },
  'signin.occupied': { zh: '{w}号窗口已由 {name} 登录，请对方先退出', en: 'Window {w} is taken by {name}; they must sign out first' },
  'signin.unknown_window': { zh: '没有{w}号窗口', en: 'There is no window {w}' },
  'signin.net': { zh: '无法连接服务，请稍后再试', en: 'Cannot reach the controller; try again shortly' },
  'out.elsewhere': { zh: '您已在其他窗口登录（{w}号窗口），本窗口已退出', en: 'Signed in elsewhere (window {w}); this window was signed out' },
  'out.elsewhere.any': { zh: '您已在其他窗口登录，本窗口已退出', en: 'Signed in elsewhere; this window was signed out' },
  'out.replaced': { zh: '您已在另一台电脑登录本窗口，此处已退出', en: 'Signed in at this window from another computer; this console was signed out' },
  'out.ended': { zh: '登录已失效，请重新登录', en: 'Your session has ended; please sign in again' },
  'out.signed_out': { zh: '已退出登录', en: 'Signed out' },

  'state.idle': { zh: '空闲', en: 'Idle' },
  'state.called': { zh: '已叫号', en: 'Called' },
  'state.serving': { zh: '办理中', en: 'Serving' },
  'state.paused': { zh: '暂停服务', en: 'Paused' },
  'state.closed': { zh: '未登录', en: 'Closed' },
  'cur.none': { zh: '当前没有号', en: 'No current ticket' },
  'cur.next': { zh: '等候 {n} 人 · 下一位 {next} · 按 F1 叫号', en: '{n} waiting · next {next} · press F1 to call' },
  'cur.nobody': { zh: '暂无等候的号', en: 'Nobody is waiting' },
  'cur.issued': { zh: '取号 {t}', en: 'Issued {t}' },
  'cur.waited': { zh: '已等候', en: 'Waited' },
  'cur.since_call': { zh: '叫号后', en: 'Since call' },
  'cur.service': { zh: '办理用时', en: 'Service time' },
  'cur.recalls': { zh: '{n}/{cap}', en: '{n}/{cap}' },
  'cur.transfers': { zh: '已转移 {n} 次', en: 'Transferred {n}×' },
  'cur.referral': { zh: '转办原因：{r}', en: 'Referral: {r}' },
  'cur.first': { zh: '首问责任人：{name}', en: 'First contact: {name}' },
  'cur.notice': { zh: '持告知书 {n} 再次办理', en: 'Return visit with notice {n}' },
  'cur.queue_only': { zh: '按队列取号（未选事项）', en: 'Taken for the queue (no item)' },
  'pause.since': { zh: '已暂停', en: 'Paused for' },
  'pause.back_at': { zh: '预计 {t} 返回', en: 'Back at {t}' },
  'pause.no_back': { zh: '未填写返回时间', en: 'No return time given' },
  'pause.hint': { zh: '恢复服务请按 F9', en: 'Press F9 to resume' },
  'served': { zh: '今日已办 {n}', en: 'Served today {n}' },

  'green': { zh: '绿色通道', en: 'Green channel' },
  'appointment': { zh: '预约', en: 'Appointment' },
  'green.elderly': { zh: '老年人', en: 'elderly' },
  'green.pregnant': { zh: '孕妇', en: 'pregnant' },
  'green.disabled': { zh: '残疾人', en: 'disabled' },
  'green.military': { zh: '军人军属', en: 'military' },
  'green.urgent': { zh: '急事急办', en: 'urgent' },
  'green.staff': { zh: '工作人员标记', en: 'staff' },

  'act.call-next': { zh: '叫号', en: 'Call next' },
  'act.recall': { zh: '重呼', en: 'Recall' },
  'act.start': { zh: '开始办理', en: 'Start' },
  'act.finish': { zh: '办结', en: 'Finish' },
  'act.no-show': { zh: '过号', en: 'No-show' },
  'act.transfer': { zh: '转移', en: 'Transfer' },
  'act.hold': { zh: '挂起', en: 'Hold' },
  'act.pause': { zh: '暂停', en: 'Pause' },
  'act.resume': { zh: '恢复', en: 'Resume' },
  'act.call': { zh: '指定叫号', en: 'Call number' },
  'act.call-back': { zh: '回呼', en: 'Call back' },
  'sub.recall': { zh: '{n}/{cap}', en: '{n}/{cap}' },
  'sub.waiting': { zh: '等候 {n}', en: '{n} waiting' },

  'why.paused': { zh: '窗口暂停中，请先恢复服务（F9）', en: 'The window is paused; resume first (F9)' },
  'why.busy': { zh: '当前号 {n} 未办完：请先办结、过号、转移或挂起', en: 'Ticket {n} is open: finish, no-show, transfer or hold it first' },
  'why.none_waiting': { zh: '没有等候的号', en: 'Nobody is waiting' },
  'why.no_current': { zh: '当前没有号', en: 'There is no current ticket' },
  'why.recall_serving': { zh: '已开始办理，无需重呼', en: 'Service has started; nothing to recall' },
  'why.recall_cap': { zh: '重呼次数已满（{cap}次），可按过号处理', en: 'Recalled {cap} times, the most allowed; mark it no-show' },
  'why.started': { zh: '已开始办理', en: 'Service has already started' },
  'why.start_first': { zh: '请先开始办理（F3）', en: 'Start the service first (F3)' },
  'why.noshow_serving': { zh: '已开始办理，不能过号', en: 'Service has started; it cannot be a no-show' },
  'why.already_paused': { zh: '窗口已暂停', en: 'The window is already paused' },
  'why.not_paused': { zh: '窗口未暂停', en: 'The window is not paused' },
  'why.offline': { zh: '暂时无法连接服务', en: 'The controller cannot be reached' },
  'why.in_flight': { zh: '正在处理上一个操作…', en: 'Still doing the previous action…' },

  'call.label': { zh: '指定叫号', en: 'Call a number' },
  'call.placeholder': { zh: '如 A012', en: 'e.g. A012' },
  'call.go': { zh: '呼叫', en: 'Call' },
  'call.bad': { zh: '号码格式应为字母加三位数字，如 A012', en: 'A number is a letter and three digits, e.g. A012' },

  // The window's list (GET /api/v1/windows/{n} `today`): who finished each is not in the view.
  'today.title': { zh: '本窗口今日办件', en: 'This window today' },
  'today.number': { zh: '号码', en: 'Number' },
  'today.item': { zh: '事项', en: 'Item' },
  'today.outcome': { zh: '结果', en: 'Outcome' },
  'today.ref': { zh: '受理编号 / 告知书', en: 'Case / notice' },
  'today.empty': { zh: '今日尚无办结的号', en: 'Nothing finished yet today' },
  'today.due': { zh: '办结期限 {d}', en: 'due {d}' },
  'waiting.title': { zh: '等候队列', en: 'Waiting' },
  'waiting.note': { zh: '按叫号顺序', en: 'in call order' },
  'waiting.empty': { zh: '暂无等候的号', en: 'Nobody is waiting' },
  'waiting.pick': { zh: '点击填入指定叫号', en: 'Click to put it in "Call a number"' },
  'held.title': { zh: '挂起的号', en: 'Held here' },
  'held.empty': { zh: '没有挂起的号', en: 'No ticket held' },
  'min': { zh: '{m}分', en: '{m} min' },
  'min.lt1': { zh: '<1分', en: '<1 min' },

  'outcome.on_the_spot': { zh: '即办', en: 'Done on the spot' },
  'outcome.accepted': { zh: '受理', en: 'Case accepted' },
  'outcome.tell_once': { zh: '一次性告知', en: 'Tell-once notice' },
  'outcome.consultation': { zh: '咨询', en: 'Consultation' },
  'outcome.none': { zh: '办结', en: 'Finished' },
  'outcome.no_show': { zh: '过号', en: 'No-show' },
  'outcome.on_the_spot.hint': { zh: '当场办结', en: 'Completed here and now' },
  'outcome.accepted.hint': { zh: '受理办件，按承诺时限办结', en: 'A case, due within the promised limit' },
  'outcome.tell_once.hint': { zh: '材料不全，出具告知书', en: 'Materials missing: written notice' },
  'outcome.consultation.hint': { zh: '解答咨询，无办件', en: 'A question answered' },

  'fin.title': { zh: '办结 {n} · 请选择办理结果', en: 'Finish {n} · what came of the visit?' },
  'fin.item': { zh: '办理事项', en: 'Item handled' },
  'fin.item.choose': { zh: '（请选择事项）', en: '(choose the item)' },
  'fin.item.own': { zh: '（取号事项）', en: '(as taken)' },
  'fin.limit': { zh: '承诺时限 {d} 个工作日', en: 'Promised limit: {d} working days' },
  'fin.limit0': { zh: '即办件', en: 'On-the-spot item' },
  'fin.missing': { zh: '请勾选缺少的材料（将出具一次性告知书）', en: 'Tick the missing materials (a tell-once notice is issued)' },
  'fin.ok': { zh: '确认办结', en: 'Finish' },
  'fin.need_outcome': { zh: '请选择办理结果', en: 'Choose an outcome' },
  'fin.need_item': { zh: '请选择办理的事项', en: 'Choose the item handled' },
  'fin.need_missing': { zh: '请至少勾选一项缺少的材料', en: 'Tick at least one missing material' },

  'tr.title': { zh: '转移 {n} 到其他队列', en: 'Transfer {n} to another queue' },
  'tr.search': { zh: '搜索队列或事项（名称、拼音首字母、编号）', en: 'Search queues or items (name, pinyin, code)' },
  'tr.reason': { zh: '转办原因（填写即为转办，首问负责留痕）', en: 'Referral reason (with a reason it is a referral, kept for first-contact responsibility)' },
  'tr.reason.placeholder': { zh: '如：需社保窗口核定参保信息', en: 'e.g. needs the social insurance window' },
  'tr.ok': { zh: '确认转移', en: 'Transfer' },
  'tr.current': { zh: '当前队列', en: 'current queue' },
  'tr.windows': { zh: '{list}号窗口', en: 'windows {list}' },
  'tr.via': { zh: '事项：{name}', en: 'item: {name}' },
  'tr.none': { zh: '没有匹配的队列', en: 'No matching queue' },
  'tr.need_queue': { zh: '请选择目标队列', en: 'Choose a queue' },

  'pause.title': { zh: '暂停服务 · 去向留言', en: 'Pause · away message' },
  'pause.text': { zh: '留言（显示在窗口屏和综合屏）', en: 'Message (shown on the window and hall screens)' },
  'pause.text.placeholder': { zh: '选择上方原因或自行填写', en: 'Pick a reason above or type one' },
  'pause.back': { zh: '预计返回时间', en: 'Expected back at' },
  'pause.ok': { zh: '确认暂停', en: 'Pause' },
  'pause.need_reason': { zh: '请填写去向留言', en: 'Enter an away message' },
  'pause.bad_back': { zh: '返回时间格式应为 HH:MM，如 10:30', en: 'The return time is HH:MM, e.g. 10:30' },
  'pause.in': { zh: '{m}分钟后', en: 'in {m} min' },
  'reason.meeting': { zh: '会议', en: 'Meeting' },
  'reason.training': { zh: '培训', en: 'Training' },
  'reason.meal': { zh: '用餐', en: 'Meal break' },
  'reason.away': { zh: '临时离开', en: 'Stepped away' },
  'reason.consult': { zh: '业务咨询', en: 'Consulting on a case' },

  'dlg.cancel': { zh: '取消', en: 'Cancel' },
  'dlg.close': { zh: '关闭', en: 'Close' },

  'done.call-next': { zh: '已呼叫 {n}', en: 'Called {n}' },
  'done.call': { zh: '已呼叫 {n}', en: 'Called {n}' },
  'done.call-back': { zh: '已回呼 {n}', en: 'Called back {n}' },
  'done.recall': { zh: '已重呼 {n}（{c}/{cap}）', en: 'Recalled {n} ({c}/{cap})' },
  'done.start': { zh: '{n} 开始办理', en: 'Serving {n}' },
  'done.finish': { zh: '{n} 已办结：{o}', en: '{n} finished: {o}' },
  'done.no-show': { zh: '{n} 已过号', en: '{n} marked no-show' },
  'done.transfer': { zh: '{n} 已转移到 {q}', en: '{n} transferred to {q}' },
  'done.referral': { zh: '{n} 已转办到 {q}', en: '{n} referred to {q}' },
  'done.hold': { zh: '{n} 已挂起', en: '{n} held' },
  'done.pause': { zh: '窗口已暂停：{r}', en: 'Window paused: {r}' },
  'done.resume': { zh: '窗口已恢复服务', en: 'Window resumed' },
  'err.net': { zh: '网络异常，操作可能未完成', en: 'Network problem: the action may not have been done' },
  'err.net.detail': { zh: '请查看当前号与队列是否已更新', en: 'Check whether the view has changed' },

  'res.case': { zh: '受理编号', en: 'Case number' },
  'res.due': { zh: '承诺办结日期', en: 'Due by' },
  'res.notice': { zh: '告知书编号', en: 'Notice number' },
  'res.view_notice': { zh: '查看 / 打印告知书', en: 'View / print the notice' },
  'res.title': { zh: '{n} · {o}', en: '{n} · {o}' },

  'notice.title': { zh: '一次性告知书', en: 'Tell-once notice' },
  'notice.no': { zh: '告知书编号', en: 'Notice no.' },
  'notice.item': { zh: '办理事项', en: 'Service item' },
  'notice.limit': { zh: '承诺时限', en: 'Promised limit' },
  'notice.limit.days': { zh: '{d} 个工作日', en: '{d} working days' },
  'notice.limit.zero': { zh: '即办', en: 'on the spot' },
  'notice.window': { zh: '出具窗口', en: 'Window' },
  'notice.date': { zh: '出具日期', en: 'Date' },
  'notice.missing': { zh: '经审核，您申请的事项缺少以下材料：', en: 'Your application lacks these materials:' },
  'notice.all': { zh: '本事项所需全部材料', en: 'All materials this item needs' },
  'notice.lacking': { zh: '缺', en: 'missing' },
  'notice.have': { zh: '已交', en: 'given' },
  'notice.return': {
    zh: '请备齐上述材料后再次取号办理，取号时出示本告知书编号。本告知书一次性告知，不再要求补充其他材料。',
    en: 'Please bring these materials and take a ticket again, giving this notice number. Nothing beyond this list will be asked for.',
  },
  'notice.link': { zh: '在线查看', en: 'Online' },
  'notice.print': { zh: '打印告知书', en: 'Print the notice' },
  'notice.loading': { zh: '正在读取告知书…', en: 'Loading the notice…' },
};

const i18n = new I18n(dict, storedLang(LANG_KEY));
const t = (k, v) => i18n.t(k, v);
const $ = (id) => document.getElementById(id);

const api = new Api({ token: null });

const state = {
  hall: null,
  session: null, // {token, clerk, window}
  me: null, // {clerk, name, staff_no}
  w: null, // the window view
  online: true,
  busy: false,
  liveFrom: 0, // events after this seq arrived live
  lastResult: null, // {ticket, outcome}
  outReason: null, // why the session ended, when the stream told us
  streamUp: false,
};

let stream = null;
let fetchSeq = 0;

// ---- small helpers ---------------------------------------------------------------------------

const tz = () => (state.hall ? state.hall.calendar.time_zone : undefined);
/** The hall's clock, from live events. */
const clock = new ControllerClock();
const now = () => clock.now();
const recallCap = () => (state.hall && state.hall.policies ? state.hall.policies.recall_cap : 5);

function store(kind, key, value) {
  try {
    const s = kind === 'local' ? localStorage : sessionStorage;
    if (value === null) s.removeItem(key);
    else s.setItem(key, JSON.stringify(value));
  } catch {
    /* private mode: nothing remembered */
  }
}

function load(kind, key) {
  try {
    const s = kind === 'local' ? localStorage : sessionStorage;
    const v = s.getItem(key);
    return v ? JSON.parse(v) : null;
  } catch {
    return null;
  }
}

function itemOf(code) {
  return state.hall && code ? state.hall.items.find((i) => i.code === code) : null;
}

function queueOf(id) {
  return state.hall ? state.hall.queues.find((q) => q.id === id) : null;
}

function windowCfg(n) {
  return state.hall ? state.hall.windows.find((w) => w.number === n) : null;
}

function clerkName(id) {
  const c = state.hall ? state.hall.clerks.find((k) => k.id === id) : null;
  return c ? c.name : id;
}

function itemName(code) {
  const it = itemOf(code);
  return it ? i18n.pick(it, 'name') : code || '';
}

function queueName(id) {
  const q = queueOf(id);
  return q ? i18n.pick(q, 'name') : id;
}

/** What a ticket is for: its item, else its queue. */
function ticketWhat(tk) {
  return tk.item ? itemName(tk.item) : queueName(tk.queue);
}

function windowsServing(queueId) {
  if (!state.hall) return [];
  return state.hall.windows
    .filter((w) => (w.tiers || []).some((tier) => tier.includes(queueId)))
    .map((w) => w.number);
}

/** Seconds from `iso` to now (hall clock). */
function elapsed(iso) {
  if (!iso) return 0;
  return Math.max(0, Math.floor((now() - Date.parse(iso)) / 1000));
}

function fmtElapsed(s, fmt) {
  if (fmt === 'min') {
    const m = Math.floor(s / 60);
    return m < 1 ? t('min.lt1') : t('min', { m });
  }
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (x) => String(x).padStart(2, '0');
  return hh > 0 ? `${hh}:${two(mm)}:${two(ss)}` : `${two(mm)}:${two(ss)}`;
}

/** A span that counts up from `iso`, refreshed every second by `tick()`. */
function timer(iso, fmt = 'clock', cls = '') {
  return h('span', { class: `timer ${cls}`, dataset: { from: iso || '', fmt } }, fmtElapsed(elapsed(iso), fmt));
}

/** "HH:MM" in the hall's time zone, `offsetMin` minutes from now. */
function hhmmIn(offsetMin) {
  const d = new Date(now() + offsetMin * 60000);
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: tz(), hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
  } catch {
    return d.toTimeString().slice(0, 5);
  }
}

function priorityBadge(tk, big = false) {
  if (tk.priority === 'green') {
    const reason = tk.green_reason ? t(`green.${tk.green_reason}`) : '';
    return h('span', { class: `badge badge-green${big ? ' badge-big' : ''}`, html: icons.green }, h('span', null, reason ? `${t('green')} · ${reason}` : t('green')));
  }
  if (tk.priority === 'appointment') {
    return h('span', { class: `badge badge-appt${big ? ' badge-big' : ''}`, html: icons.clock }, h('span', null, t('appointment')));
  }
  return null;
}

function outcomeText(tk) {
  if (tk.status === 'no_show') return t('outcome.no_show');
  return tk.outcome ? t(`outcome.${tk.outcome}`) : t('outcome.none');
}

// ---- messages ----------------------------------------------------------------------------------

let msgTimer = null;

/** The message area under the header: kind ok | error | info. */
function showMsg(kind, title, detail = '') {
  const m = $('msg');
  m.hidden = false;
  m.className = `msg msg-${kind}`;
  $('msg-icon').innerHTML = kind === 'ok' ? icons.check : kind === 'error' ? icons.warn : icons.bell;
  $('msg-title').textContent = title;
  $('msg-detail').textContent = detail;
  clearTimeout(msgTimer);
  if (kind === 'ok') msgTimer = setTimeout(() => (m.hidden = true), 8000);
}

function hideMsg() {
  clearTimeout(msgTimer);
  $('msg').hidden = true;
}

/** A refusal or failure in words: the problem's title (this language) and its detail. */
function showError(e) {
  if (e instanceof ApiError) {
    showMsg('error', i18n.title(e.title) || e.code, e.detail && e.detail !== e.title ? `${e.detail}（${e.code}）` : e.code);
  } else if (e instanceof NetworkError) {
    showMsg('error', t('err.net'), t('err.net.detail'));
  } else {
    showMsg('error', String((e && e.message) || e));
  }
}

// ---- screens -----------------------------------------------------------------------------------

function showScreen(name) {
  document.body.dataset.screen = name;
  for (const s of ['loading', 'signin', 'console']) $(`screen-${s}`).hidden = s !== name;
  const signed = name === 'console';
  $('btn-signout').hidden = !signed;
  $('win-info').hidden = !signed;
  $('who').hidden = !signed;
  $('conn').hidden = !signed;
}

function renderChrome() {
  tick();
  const hall = state.hall && state.hall.hall;
  $('hall-name').textContent = hall ? i18n.pick(hall, 'name') : t('app.title');
  const lang = $('btn-lang');
  lang.innerHTML = icons.globe;
  lang.append(h('span', null, t('lang.switch')));
  const so = $('btn-signout');
  so.textContent = t('signout');
  document.title = state.session ? `${t('win.no', { n: state.session.window })} · ${t('app.title')}` : t('app.title');
  if (state.session) {
    const n = state.session.window;
    const cfg = windowCfg(n);
    $('win-no').textContent = t('win.no', { n });
    $('win-name').textContent = cfg ? i18n.pick(cfg, 'name') : '';
    const me = state.me || { name: clerkName(state.session.clerk) };
    $('who').innerHTML = icons.staff;
    $('who').append(h('span', null, t('who', { name: me.name || state.session.clerk, id: state.session.clerk })));
  }
  const down = !state.online || (stream && stream.state === 'reconnecting');
  const banner = $('conn-banner');
  banner.hidden = !(state.session && down);
  if (!banner.hidden) {
    banner.innerHTML = icons.wifi;
    banner.append(h('span', { id: 'conn-text' }, t(state.online ? 'reconnecting' : 'offline')));
  }
  const conn = $('conn');
  conn.className = `conn ${down ? 'conn-down' : 'conn-up'}`;
  conn.textContent = '';
  conn.append(h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', null, t(down ? 'conn.offline' : 'conn.online')));
}

// ---- sign-in -----------------------------------------------------------------------------------

function renderSignin() {
  const sel = $('in-window');
  const keep = sel.value;
  sel.textContent = '';
  sel.append(h('option', { value: '' }, t('signin.choose')));
  for (const w of state.hall ? state.hall.windows : []) {
    sel.append(h('option', { value: String(w.number) }, `${t('win.no', { n: w.number })} · ${i18n.pick(w, 'name')}`));
  }
  const last = load('local', LAST_KEY);
  sel.value = keep || (last && last.window ? String(last.window) : '');
  const dl = $('clerk-ids');
  dl.textContent = '';
  for (const c of state.hall ? state.hall.clerks : []) dl.append(h('option', { value: c.id }, c.name));
}

function showSignin(note) {
  if (stream) {
    stream.stop();
    stream = null;
  }
  closeDialogs();
  state.session = null;
  state.me = null;
  state.w = null;
  state.lastResult = null;
  api.token = null;
  store('session', SESSION_KEY, null);
  hideMsg();
  renderSignin();
  const last = load('local', LAST_KEY);
  if (last && last.clerk && !$('in-clerk').value) $('in-clerk').value = last.clerk;
  $('in-password').value = '';
  const n = $('signin-note');
  n.hidden = !note;
  n.textContent = note || '';
  $('signin-error').hidden = true;
  showScreen('signin');
  renderChrome();
  ($('in-clerk').value ? $('in-password') : $('in-clerk')).focus();
}

async function signIn(ev) {
  ev.preventDefault();
  const clerk = $('in-clerk').value.trim();
  const password = $('in-password').value;
  const win = parseInt($('in-window').value, 10);
  const err = $('signin-error');
  const fail = (text) => {
    err.hidden = false;
    err.textContent = text;
  };
  if (!clerk || !password || !win) {
    fail(t('signin.missing'));
    return;
  }
  const btn = $('signin-submit');
  btn.disabled = true;
  btn.textContent = t('signin.busy');
  err.hidden = true;
  try {
    const res = await api.post('/api/v1/session', { clerk, password, window: win }, { token: null, key: newKey('signin') });
    store('local', LAST_KEY, { clerk, window: win });
    $('in-password').value = '';
    $('signin-note').hidden = true;
    await enterConsole({ token: res.token, clerk: res.clerk, window: res.window });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'window_occupied') {
      const other = e.problem.clerk || (/taken by (\S+);/.exec(e.detail || '') || [])[1] || '';
      fail(t('signin.occupied', { w: e.problem.window || win, name: other ? `${clerkName(other)}（${other}）` : '' }));
    } else if (e instanceof ApiError && e.status === 401) {
      fail(t('signin.wrong'));
    } else if (e instanceof ApiError && e.code === 'unknown_window') {
      fail(t('signin.unknown_window', { w: win }));
    } else if (e instanceof ApiError) {
      fail(`${i18n.title(e.title)}：${e.detail}`);
    } else {
      fail(t('signin.net'));
    }
  } finally {
    btn.disabled = false;
    btn.textContent = t('signin.submit');
  }
}

async function signOut() {
  const token = state.session && state.session.token;
  if (!token) return;
  try {
    await api.del('/api/v1/session', { token });
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) {
      showError(e);
      return;
    }
  }
  showSignin(t('out.signed_out'));
}

/** The session ended elsewhere (401): say why, back to sign-in. */
function sessionEnded() {
  if (!state.session) return;
  const r = state.outReason;
  let note = t('out.ended');
  if (r && r.kind === 'elsewhere') note = r.window ? t('out.elsewhere', { w: r.window }) : t('out.elsewhere.any');
  else if (r && r.kind === 'replaced') note = t('out.replaced');
  state.outReason = null;
  showSignin(note);
}

// ---- the console -------------------------------------------------------------------------------

async function enterConsole(session) {
  state.session = session;
  api.token = session.token;
  store('session', SESSION_KEY, session);
  state.outReason = null;
  showScreen('console');
  renderChrome();
  try {
    const who = await api.get('/api/v1/session');
    if (who.kind !== 'clerk' || who.window !== session.window) {
      sessionEnded();
      return;
    }
    const c = state.hall.clerks.find((k) => k.id === who.clerk);
    state.me = { clerk: who.clerk, name: who.name || (c && c.name), staff_no: c && c.staff_no };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      sessionEnded();
      return;
    }
    state.online = !(e instanceof NetworkError);
  }
  let after = 0;
  try {
    after = (await api.get('/healthz')).seq || 0;
  } catch {
    /* the stream starts from 0 then, and only refreshes */
  }
  state.liveFrom = after;
  await refresh();
  startStream(after);
}

function startStream(after) {
  if (stream) stream.stop();
  const token = state.session.token;
  stream = new EventStream({
    path: (a) => `/api/v1/stream?after=${a}&token=${encodeURIComponent(token)}`,
    after,
    onEvent,
    logEnd: async () => (await api.get('/healthz', { token: null })).seq,
    onState: (s) => {
      if (s === 'open') {
        refreshSoon();
      } else if (s === 'reconnecting') {
        // Either the controller is away (the refresh fails on the network) or our session
        // ended (the refresh gets 401): the window view tells which.
        refreshSoon();
      }
      renderChrome();
    },
  });
  stream.start();
}

// Events that change nothing a window console shows.
const IGNORED = new Set(['device_status', 'ticket_printed', 'print_failed', 'session_opened', 'session_closed']);

function onEvent(ev) {
  if (typeof ev.seq === 'number' && ev.seq > state.liveFrom && ev.at && stream && stream.state === 'open') {
    // Live, not backlog: its commit time is (nearly) now on the hall's clock.
    clock.sync(ev.at);
  }
  const s = state.session;
  if (!s || IGNORED.has(ev.type)) return;
  const mine = state.me ? state.me.clerk : s.clerk;
  if (ev.type === 'window_closed' && ev.window === s.window && ev.clerk === mine && ev.reason === 'signed_in_elsewhere') {
    state.outReason = { kind: 'elsewhere', window: null };
  } else if (ev.type === 'window_opened' && ev.clerk === mine) {
    if (ev.window !== s.window && state.outReason && state.outReason.kind === 'elsewhere') {
      state.outReason.window = ev.window;
    } else if (ev.window === s.window) {
      // Our own sign-in, or the same clerk at this window from another computer: the refresh
      // (401 or not) decides.
      state.outReason = { kind: 'replaced' };
    }
  }
  refreshSoon();
}

/** Re-reads the window view; stale answers (an older request finishing late) are dropped. */
async function refresh() {
  if (!state.session) return;
  const mySeq = ++fetchSeq;
  const session = state.session;
  try {
    const w = await api.get(`/api/v1/windows/${session.window}`, { token: session.token });
    if (mySeq !== fetchSeq || state.session !== session) return;
    state.online = true;
    if (state.outReason && state.outReason.kind === 'replaced') state.outReason = null;
    state.w = w;
    renderConsole();
  } catch (e) {
    if (mySeq !== fetchSeq || state.session !== session) return;
    if (e instanceof ApiError && e.status === 401) {
      sessionEnded();
      return;
    }
    if (e instanceof NetworkError || (e instanceof ApiError && e.status >= 500)) {
      state.online = false;
      renderChrome();
      renderActions();
      return;
    }
    showError(e);
  }
  renderChrome();
}

const refreshSoon = throttle(refresh, 200);

// ---- actions -----------------------------------------------------------------------------------

/** Why `action` cannot be done now, or null when it can. */
function whyNot(action) {
  const w = state.w;
  if (!w) return t('why.offline');
  if (!state.online) return t('why.offline');
  const cur = w.current;
  const paused = w.state === 'paused';
  const open = cur && (cur.status === 'called' || cur.status === 'serving');
  switch (action) {
    case 'call-next':
      if (paused) return t('why.paused');
      if (open) return t('why.busy', { n: cur.number });
      if (!w.waiting.length) return t('why.none_waiting');
      return null;
    case 'call':
    case 'call-back':
      if (paused) return t('why.paused');
      if (open) return t('why.busy', { n: cur.number });
      return null;
    case 'recall':
      if (!cur) return t('why.no_current');
      if (cur.status !== 'called') return t('why.recall_serving');
      if (cur.recalls >= recallCap()) return t('why.recall_cap', { cap: recallCap() });
      return null;
    case 'start':
      if (!cur) return t('why.no_current');
      if (cur.status !== 'called') return t('why.started');
      return null;
    case 'finish':
      if (!cur) return t('why.no_current');
      if (cur.status !== 'serving') return t('why.start_first');
      return null;
    case 'no-show':
      if (!cur) return t('why.no_current');
      if (cur.status !== 'called') return t('why.noshow_serving');
      return null;
    case 'transfer':
    case 'hold':
      if (!cur) return t('why.no_current');
      return null;
    case 'pause':
      if (paused) return t('why.already_paused');
      if (open) return t('why.busy', { n: cur.number });
      return null;
    case 'resume':
      if (!paused) return t('why.not_paused');
      return null;
    default:
      return null;
  }
}

/**
 * Posts one window action under a fresh Idempotency-Key; a network failure is retried with the
 * same key and the very same body bytes, so the action happens at most once.
 */
async function act(action, body = {}) {
  if (!state.session || state.busy) return null;
  const session = state.session;
  const key = newKey(`clerk${session.window}`);
  const payload = JSON.stringify(body);
  state.busy = true;
  renderActions();
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const res = await api.post(`/api/v1/windows/${session.window}/${action}`, payload, { key, token: session.token });
        state.online = true;
        return res;
      } catch (e) {
        if (e instanceof NetworkError && attempt < 2) {
          await new Promise((r) => setTimeout(r, 400 * (attempt + 1)));
          continue;
        }
        if (e instanceof ApiError && (e.status === 401 || e.code === 'not_your_window')) {
          // Signed out meanwhile (another window, another computer).
          await refresh();
          if (state.session) showError(e);
          return null;
        }
        throw e;
      }
    }
  } finally {
    state.busy = false;
    refresh();
  }
}

/** A button press or key: explains why not, opens a dialog, or acts at once. */
async function runAction(action) {
  if (!state.session || !state.w) return;
  if (state.busy) {
    showMsg('info', t('why.in_flight'));
    return;
  }
  const why = whyNot(action);
  if (why) {
    showMsg('info', `${t(`act.${action}`)}：${why}`);
    return;
  }
  if (action === 'finish') return openFinish();
  if (action === 'transfer') return openTransfer();
  if (action === 'pause') return openPause();
  const before = state.w.current;
  try {
    const res = await act(action);
    if (!res) return;
    const n = (res.ticket && res.ticket.number) || (before && before.number) || '';
    if (action === 'call-next') state.lastResult = null;
    if (action === 'recall') {
      showMsg('ok', t('done.recall', { n, c: res.ticket.recalls, cap: recallCap() }));
    } else {
      showMsg('ok', t(`done.${action}`, { n }));
    }
  } catch (e) {
    showError(e);
  }
}

async function callNumber(ev) {
  ev.preventDefault();
  const input = $('call-number');
  const number = input.value.trim().toUpperCase();
  if (!/^[A-Z]{1,2}\d{3,}$/.test(number)) {
    showMsg('error', t('call.bad'));
    input.focus();
    return;
  }
  const why = whyNot('call');
  if (why) {
    showMsg('info', `${t('act.call')}：${why}`);
    return;
  }
  try {
    const res = await act('call', { number });
    if (!res) return;
    input.value = '';
    state.lastResult = null;
    showMsg('ok', t('done.call', { n: res.ticket.number }));
  } catch (e) {
    showError(e);
  }
}

async function callBack(number) {
  const why = whyNot('call-back');
  if (why) {
    showMsg('info', `${t('act.call-back')}：${why}`);
    return;
  }
  try {
    const res = await act('call-back', { number });
    if (!res) return;
    state.lastResult = null;
    showMsg('ok', t('done.call-back', { n: res.ticket.number }));
  } catch (e) {
    showError(e);
  }
}

// ---- rendering -----------------------------------------------------------------------------------

function renderConsole() {
  if (!state.w) return;
  renderCurrent();
  renderActions();
  renderWaiting();
  renderHeld();
  renderToday();
  renderResult();
}

function renderCurrent() {
  const w = state.w;
  const box = $('current');
  box.textContent = '';
  const cur = w.current;
  box.className = `card current current-${w.state}`;
  const head = h(
    'div',
    { class: 'cur-head' },
    h('span', { class: `state-pill state-${w.state}`, id: 'win-state' }, t(`state.${w.state}`)),
    h('span', { class: 'served' }, t('served', { n: w.served_today })),
  );
  box.append(head);
  if (w.state === 'paused') {
    box.append(
      h(
        'div',
        { class: 'paused', id: 'paused' },
        h('div', { class: 'paused-title', html: icons.closed }, h('span', null, t('state.paused'))),
        h('div', { class: 'paused-reason', id: 'pause-reason' }, w.pause_reason || ''),
        h(
          'div',
          { class: 'paused-facts' },
          h('span', { id: 'pause-back-at' }, w.back_at ? t('pause.back_at', { t: localTime(w.back_at, tz()) }) : t('pause.no_back')),
          h('span', null, `${t('pause.since')} `, timer(w.since, 'clock')),
        ),
        h('p', { class: 'paused-hint' }, t('pause.hint')),
      ),
    );
    return;
  }
  if (!cur) {
    box.append(
      h(
        'div',
        { class: 'cur-empty' },
        h('div', { class: 'cur-number cur-number-empty', id: 'cur-number' }, '—'),
        h('div', { class: 'cur-empty-text' }, t('cur.none')),
        h('div', { class: 'cur-empty-sub' }, w.waiting.length ? t('cur.next', { n: w.waiting.length, next: w.waiting[0].number }) : t('cur.nobody')),
      ),
    );
    return;
  }
  const it = itemOf(cur.item);
  const facts = h('dl', { class: 'cur-facts' });
  const fact = (label, value, id) => facts.append(h('div', { class: 'fact', id }, h('dt', null, label), h('dd', null, value)));
  fact(t('cur.waited'), timer(cur.issued_at, 'clock'), 'cur-waited');
  if (cur.status === 'serving') fact(t('cur.service'), timer(w.since, 'clock', 'timer-strong'), 'cur-service');
  else fact(t('cur.since_call'), timer(w.since, 'clock'), 'cur-since-call');
  const cap = recallCap();
  facts.append(
    h(
      'div',
      { class: `fact${cur.recalls >= cap ? ' fact-warn' : ''}`, id: 'cur-recalls' },
      h('dt', null, t('act.recall')),
      h('dd', null, t('cur.recalls', { n: cur.recalls, cap })),
    ),
  );
  const extra = h('div', { class: 'cur-extra' });
  extra.append(h('span', null, t('cur.issued', { t: localTime(cur.issued_at, tz()) })));
  if (cur.transfers > 0) extra.append(h('span', null, t('cur.transfers', { n: cur.transfers })));
  if (cur.referral) extra.append(h('span', { class: 'referral' }, t('cur.referral', { r: cur.referral })));
  if (cur.first_clerk && state.me && cur.first_clerk !== state.me.clerk) {
    extra.append(h('span', null, t('cur.first', { name: `${clerkName(cur.first_clerk)}（${cur.first_clerk}）` })));
  }
  if (cur.notice && !cur.outcome) extra.append(h('span', null, t('cur.notice', { n: cur.notice })));
  box.append(
    h(
      'div',
      { class: 'cur-main' },
      h('div', { class: 'cur-number', id: 'cur-number' }, cur.number),
      h(
        'div',
        { class: 'cur-what' },
        h('div', { class: 'cur-item', id: 'cur-item' }, it ? i18n.pick(it, 'name') : t('cur.queue_only')),
        h('div', { class: 'cur-queue' }, [queueName(cur.queue), cur.item].filter(Boolean).join(' · ')),
        priorityBadge(cur, true),
      ),
    ),
    facts,
    extra,
  );
}

function renderActions() {
  const waiting = state.w ? state.w.waiting.length : 0;
  for (const btn of document.querySelectorAll('#actions .act')) {
    const action = btn.dataset.action;
    const why = state.busy ? t('why.in_flight') : whyNot(action);
    btn.classList.toggle('is-disabled', !!why);
    btn.setAttribute('aria-disabled', why ? 'true' : 'false');
    const label = `${btn.dataset.key} ${t(`act.${action}`)}`;
    btn.title = why ? `${label}：${why}` : label;
    const sub = btn.querySelector('.act-sub');
    if (action === 'recall' && state.w && state.w.current) {
      sub.textContent = t('sub.recall', { n: state.w.current.recalls, cap: recallCap() });
    } else if (action === 'call-next' && state.w) {
      sub.textContent = t('sub.waiting', { n: waiting });
    } else {
      sub.textContent = '';
    }
  }
  const callWhy = state.busy ? t('why.in_flight') : whyNot('call');
  $('call-go').classList.toggle('is-disabled', !!callWhy);
  $('call-go').setAttribute('aria-disabled', callWhy ? 'true' : 'false');
  $('call-go').title = callWhy || '';
}

function renderWaiting() {
  const list = $('waiting-list');
  list.textContent = '';
  const rows = state.w.waiting;
  $('waiting-count').textContent = String(rows.length);
  $('waiting-empty').hidden = rows.length > 0;
  rows.forEach((tk, i) => {
    list.append(
      h(
        'li',
        {
          class: `row${tk.priority === 'green' ? ' row-green' : ''}`,
          dataset: { number: tk.number },
          title: t('waiting.pick'),
          onclick: () => {
            $('call-number').value = tk.number;
            $('call-number').focus();
          },
        },
        h('span', { class: 'pos' }, String(i + 1)),
        h('span', { class: 'num' }, tk.number),
        h('span', { class: 'what' }, ticketWhat(tk), tk.transfers > 0 ? h('small', { class: 'tr-mark' }, ` ↪${tk.transfers}`) : null),
        h('span', { class: 'prio' }, priorityBadge(tk)),
        timer(tk.issued_at, 'min', 'waited'),
      ),
    );
  });
}

function renderHeld() {
  const list = $('held-list');
  list.textContent = '';
  const rows = state.w.held_tickets;
  $('held-count').textContent = String(rows.length);
  $('held-empty').hidden = rows.length > 0;
  const why = whyNot('call-back');
  for (const tk of rows) {
    list.append(
      h(
        'li',
        { class: 'row', dataset: { number: tk.number } },
        h('span', { class: 'num' }, tk.number),
        h('span', { class: 'what' }, ticketWhat(tk)),
        h('span', { class: 'prio' }, priorityBadge(tk)),
        h(
          'button',
          {
            type: 'button',
            class: `btn btn-small btn-secondary call-back${why ? ' is-disabled' : ''}`,
            'aria-disabled': why ? 'true' : 'false',
            title: why || `${t('act.call-back')} ${tk.number}`,
            dataset: { number: tk.number },
            onclick: () => callBack(tk.number),
          },
          t('act.call-back'),
        ),
      ),
    );
  }
}

function renderToday() {
  const body = $('today-list');
  body.textContent = '';
  const rows = state.w.today;
  $('today-count').textContent = String(rows.length);
  $('today-empty').hidden = rows.length > 0;
  for (const tk of rows) {
    const ref = [];
    if (tk.case) ref.push(h('span', { class: 'ref-case' }, tk.case), h('small', null, ` ${t('today.due', { d: tk.due || '' })}`));
    if (tk.notice) ref.push(h('span', { class: 'ref-notice' }, tk.notice));
    body.append(
      h(
        'tr',
        { dataset: { number: tk.number }, class: `out-${tk.status === 'no_show' ? 'no_show' : tk.outcome || 'none'}` },
        h('td', { class: 'num' }, tk.number),
        h('td', { class: 'what' }, ticketWhat(tk)),
        h('td', { class: 'out-cell' }, outcomeText(tk)),
        h('td', { class: 'ref' }, ref),
      ),
    );
  }
}

function renderResult() {
  const box = $('result');
  const r = state.lastResult;
  box.textContent = '';
  box.hidden = !r;
  if (!r) return;
  const tk = r.ticket;
  box.className = `result result-${tk.outcome || 'none'}`;
  box.append(h('div', { class: 'res-title', html: icons.check }, h('span', null, t('res.title', { n: tk.number, o: outcomeText(tk) }))));
  if (tk.case) {
    box.append(
      h('div', { class: 'res-fact' }, h('span', { class: 'res-label' }, t('res.case')), h('strong', { id: 'res-case' }, tk.case)),
      h('div', { class: 'res-fact' }, h('span', { class: 'res-label' }, t('res.due')), h('strong', { id: 'res-due' }, tk.due || '')),
    );
  }
  if (tk.notice && tk.outcome === 'tell_once') {
    box.append(
      h('div', { class: 'res-fact' }, h('span', { class: 'res-label' }, t('res.notice')), h('strong', { id: 'res-notice' }, tk.notice)),
      h('button', { type: 'button', class: 'btn btn-small btn-secondary', id: 'res-view-notice', onclick: () => openNotice(tk.notice) }, t('res.view_notice')),
    );
  }
}

/** Every second: the clock and the running timers. */
function tick() {
  try {
    $('clock').textContent = new Intl.DateTimeFormat('zh-CN', {
      timeZone: tz(),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }).format(new Date(now()));
  } catch {
    $('clock').textContent = new Date(now()).toTimeString().slice(0, 8);
  }
  for (const el of document.querySelectorAll('.timer[data-from]')) {
    if (!el.dataset.from) continue;
    el.textContent = fmtElapsed(elapsed(el.dataset.from), el.dataset.fmt);
  }
}

// ---- dialogs -------------------------------------------------------------------------------------

function closeDialogs() {
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
}

function dialogOpen() {
  return !!document.querySelector('dialog[open]');
}

function dlgError(id, text) {
  const el = $(id);
  el.hidden = !text;
  el.textContent = text || '';
}

// 办结 ------------------------------------------------------------------------------------------

const OUTCOMES = ['on_the_spot', 'accepted', 'tell_once', 'consultation'];
const fin = { outcome: null, ticket: null };

function openFinish() {
  const cur = state.w.current;
  fin.ticket = cur;
  fin.outcome = null;
  $('fin-title').textContent = t('fin.title', { n: cur.number });
  const box = $('fin-outcomes');
  box.textContent = '';
  for (const o of OUTCOMES) {
    box.append(
      h(
        'button',
        {
          type: 'button',
          class: 'outcome',
          role: 'radio',
          'aria-checked': 'false',
          dataset: { outcome: o },
          onclick: () => {
            fin.outcome = o;
            renderFinish();
          },
        },
        h('strong', null, t(`outcome.${o}`)),
        h('small', null, t(`outcome.${o}.hint`)),
      ),
    );
  }
  // The item handled: the ticket's own, or one of its queue's (a ticket taken for a queue).
  const sel = $('fin-item');
  sel.textContent = '';
  const codes = [];
  if (cur.item) codes.push(cur.item);
  for (const it of state.hall.items) if (it.queue === cur.queue && !codes.includes(it.code)) codes.push(it.code);
  if (!cur.item) sel.append(h('option', { value: '' }, t('fin.item.choose')));
  for (const code of codes) {
    const it = itemOf(code);
    sel.append(h('option', { value: code }, `${code} ${it ? i18n.pick(it, 'name') : ''}${code === cur.item ? ` ${t('fin.item.own')}` : ''}`));
  }
  sel.value = cur.item || '';
  dlgError('fin-error', '');
  renderFinish();
  $('dlg-finish').showModal();
  box.querySelector('.outcome').focus();
}

function renderFinish() {
  for (const b of document.querySelectorAll('#fin-outcomes .outcome')) {
    const on = b.dataset.outcome === fin.outcome;
    b.classList.toggle('is-on', on);
    b.setAttribute('aria-checked', on ? 'true' : 'false');
  }
  const it = itemOf($('fin-item').value);
  $('fin-limit').textContent = it ? (it.limit_days > 0 ? t('fin.limit', { d: it.limit_days }) : t('fin.limit0')) : '';
  const showMaterials = fin.outcome === 'tell_once' && !!it;
  $('fin-materials-box').hidden = !showMaterials;
  const box = $('fin-materials');
  if (showMaterials && box.dataset.item !== it.code) {
    box.textContent = '';
    box.dataset.item = it.code;
    for (const m of it.materials || []) {
      box.append(h('label', { class: 'check' }, h('input', { type: 'checkbox', value: m }), h('span', null, m)));
    }
  }
  if (!showMaterials) {
    box.textContent = '';
    delete box.dataset.item;
  }
}

async function submitFinish() {
  const cur = fin.ticket;
  if (!fin.outcome) return dlgError('fin-error', t('fin.need_outcome'));
  const item = $('fin-item').value;
  if ((fin.outcome === 'accepted' || fin.outcome === 'tell_once') && !item) return dlgError('fin-error', t('fin.need_item'));
  const body = { outcome: fin.outcome };
  if (item && item !== cur.item) body.item = item;
  if (fin.outcome === 'tell_once') {
    const missing = Array.from(document.querySelectorAll('#fin-materials input:checked'), (i) => i.value);
    if (!missing.length) return dlgError('fin-error', t('fin.need_missing'));
    body.missing = missing;
  }
  dlgError('fin-error', '');
  const ok = $('fin-ok');
  ok.disabled = true;
  try {
    const res = await act('finish', body);
    if (!res) return;
    $('dlg-finish').close();
    state.lastResult = { ticket: res.ticket };
    renderResult();
    showMsg('ok', t('done.finish', { n: res.ticket.number, o: outcomeText(res.ticket) }));
    if (res.ticket.notice && res.ticket.outcome === 'tell_once') openNotice(res.ticket.notice);
  } catch (e) {
    if (e instanceof ApiError) dlgError('fin-error', `${i18n.title(e.title)}：${e.detail}`);
    else dlgError('fin-error', t('err.net'));
  } finally {
    ok.disabled = false;
  }
}

// 转移 / 转办 -------------------------------------------------------------------------------------

const tr = { queue: null, ticket: null, viaItems: new Map(), searchSeq: 0 };

function openTransfer() {
  tr.ticket = state.w.current;
  tr.queue = null;
  tr.viaItems = new Map();
  $('tr-title').textContent = t('tr.title', { n: tr.ticket.number });
  $('tr-search').value = '';
  $('tr-reason').value = '';
  dlgError('tr-error', '');
  renderTransfer();
  $('dlg-transfer').showModal();
  $('tr-search').focus();
}

function queueMatches(q, needle) {
  if (!needle) return true;
  const n = needle.toLowerCase();
  return [q.id, q.prefix, q.name_zh, q.name_en].some((s) => (s || '').toLowerCase().includes(n));
}

function renderTransfer() {
  const needle = $('tr-search').value.trim();
  const list = $('tr-list');
  list.textContent = '';
  let shown = 0;
  for (const q of state.hall.queues) {
    const via = tr.viaItems.get(q.id);
    if (!queueMatches(q, needle) && !via) continue;
    shown += 1;
    const current = q.id === tr.ticket.queue;
    const wins = windowsServing(q.id);
    list.append(
      h(
        'button',
        {
          type: 'button',
          role: 'radio',
          class: `tr-queue${tr.queue === q.id ? ' is-on' : ''}${current ? ' is-disabled' : ''}`,
          'aria-checked': tr.queue === q.id ? 'true' : 'false',
          'aria-disabled': current ? 'true' : 'false',
          dataset: { queue: q.id },
          onclick: () => {
            if (current) return;
            tr.queue = q.id;
            dlgError('tr-error', '');
            renderTransfer();
          },
        },
        h('span', { class: 'tr-prefix' }, q.prefix),
        h(
          'span',
          { class: 'tr-names' },
          h('strong', null, i18n.pick(q, 'name')),
          h('small', null, [wins.length ? t('tr.windows', { list: wins.join(i18n.lang === 'zh' ? '、' : ', ') }) : '', current ? t('tr.current') : '', via ? t('tr.via', { name: via }) : ''].filter(Boolean).join(' · ')),
        ),
      ),
    );
  }
  if (!shown) list.append(h('p', { class: 'empty' }, t('tr.none')));
}

/** Items found by the hall's search (pinyin, initials, English) lead to their queues too. */
async function searchTransfer() {
  const q = $('tr-search').value.trim();
  const mySeq = ++tr.searchSeq;
  tr.viaItems = new Map();
  if (q) {
    try {
      const res = await api.get(`/api/v1/items/search?q=${encodeURIComponent(q)}&limit=20`, { token: null });
      if (mySeq !== tr.searchSeq) return;
      for (const hit of res.items || []) {
        const it = itemOf(hit.code);
        if (it && !tr.viaItems.has(it.queue)) tr.viaItems.set(it.queue, i18n.pick(it, 'name'));
      }
    } catch {
      /* the queue names still filter */
    }
  }
  if (mySeq === tr.searchSeq) renderTransfer();
}

const searchTransferSoon = throttle(searchTransfer, 250);

async function submitTransfer() {
  if (!tr.queue) return dlgError('tr-error', t('tr.need_queue'));
  const reason = $('tr-reason').value.trim();
  const body = { queue: tr.queue };
  if (reason) body.reason = reason;
  const ok = $('tr-ok');
  ok.disabled = true;
  try {
    const res = await act('transfer', body);
    if (!res) return;
    $('dlg-transfer').close();
    showMsg('ok', t(reason ? 'done.referral' : 'done.transfer', { n: res.ticket.number, q: queueName(res.ticket.queue) }), reason ? t('cur.referral', { r: reason }) : '');
  } catch (e) {
    if (e instanceof ApiError) dlgError('tr-error', `${i18n.title(e.title)}：${e.detail}`);
    else dlgError('tr-error', t('err.net'));
  } finally {
    ok.disabled = false;
  }
}

// 暂停 ----------------------------------------------------------------------------------------------

const REASONS = ['meeting', 'training', 'meal', 'away', 'consult'];

function openPause() {
  const chips = $('pause-reasons');
  chips.textContent = '';
  for (const r of REASONS) {
    chips.append(
      h(
        'button',
        {
          type: 'button',
          class: 'chip',
          dataset: { reason: r },
          onclick: () => {
            $('pause-text').value = t(`reason.${r}`);
            for (const c of chips.children) c.classList.toggle('is-on', c === chips.querySelector(`[data-reason="${r}"]`));
          },
        },
        t(`reason.${r}`),
      ),
    );
  }
  const quick = $('pause-quick');
  quick.textContent = '';
  for (const m of [15, 30, 60]) {
    quick.append(h('button', { type: 'button', class: 'chip', dataset: { minutes: m }, onclick: () => ($('pause-back').value = hhmmIn(m)) }, t('pause.in', { m })));
  }
  $('pause-text').value = '';
  $('pause-back').value = '';
  dlgError('pause-error', '');
  $('dlg-pause').showModal();
  chips.querySelector('.chip').focus();
}

async function submitPause() {
  const reason = $('pause-text').value.trim();
  if (!reason) return dlgError('pause-error', t('pause.need_reason'));
  const back = $('pause-back').value.trim();
  const body = { reason };
  if (back) {
    const m = /^(\d{1,2}):(\d{2})$/.exec(back);
    if (!m || +m[1] > 23 || +m[2] > 59) return dlgError('pause-error', t('pause.bad_back'));
    body.back_at = `${m[1].padStart(2, '0')}:${m[2]}`;
  }
  const ok = $('pause-ok');
  ok.disabled = true;
  try {
    const res = await act('pause', body);
    if (!res) return;
    $('dlg-pause').close();
    showMsg('ok', t('done.pause', { r: reason }));
  } catch (e) {
    if (e instanceof ApiError) dlgError('pause-error', `${i18n.title(e.title)}：${e.detail}`);
    else dlgError('pause-error', t('err.net'));
  } finally {
    ok.disabled = false;
  }
}

// 一次性告知书 ----------------------------------------------------------------------------------------

async function openNotice(no) {
  const sheet = $('notice-sheet');
  sheet.textContent = '';
  sheet.append(h('p', { class: 'notice-loading' }, t('notice.loading')));
  const dlg = $('dlg-notice');
  if (!dlg.open) dlg.showModal();
  let n;
  try {
    n = await api.get(`/api/v1/notices/${encodeURIComponent(no)}`, { token: null });
  } catch (e) {
    sheet.textContent = '';
    sheet.append(h('p', { class: 'dlg-error' }, e instanceof ApiError ? `${i18n.title(e.title)}：${e.detail}` : t('err.net')));
    return;
  }
  const hall = state.hall.hall;
  const link = `${location.origin}/api/v1/notices/${encodeURIComponent(n.notice)}`;
  const missing = new Set(n.missing || []);
  const item = itemOf(n.item);
  sheet.textContent = '';
  sheet.append(
    h('div', { class: 'notice-hall' }, hall.name_zh, i18n.lang === 'en' ? h('small', null, hall.name_en) : null),
    h('h2', { class: 'notice-heading', id: 'notice-heading' }, t('notice.title')),
    h(
      'dl',
      { class: 'notice-meta' },
      h('dt', null, t('notice.no')),
      h('dd', { id: 'notice-no', class: 'notice-no' }, n.notice),
      h('dt', null, t('notice.item')),
      h('dd', null, `${item ? i18n.pick(item, 'name') : n.item_name_zh || ''}（${n.item}）`),
      h('dt', null, t('notice.limit')),
      h('dd', null, n.limit_days > 0 ? t('notice.limit.days', { d: n.limit_days }) : t('notice.limit.zero')),
      h('dt', null, t('notice.window')),
      h('dd', null, t('win.no', { n: n.window })),
      h('dt', null, t('notice.date')),
      h('dd', null, n.issued_on || ''),
    ),
    h('p', { class: 'notice-lead' }, t('notice.missing')),
    h('ol', { class: 'notice-missing', id: 'notice-missing' }, (n.missing || []).map((m) => h('li', null, m))),
    h('p', { class: 'notice-sub' }, t('notice.all')),
    h(
      'ul',
      { class: 'notice-all' },
      (n.materials || []).map((m) => h('li', { class: missing.has(m) ? 'lacking' : '' }, h('span', { class: 'mark' }, missing.has(m) ? t('notice.lacking') : t('notice.have')), h('span', null, m))),
    ),
    h('p', { class: 'notice-return' }, t('notice.return')),
    h('p', { class: 'notice-link' }, `${t('notice.link')}：`, h('a', { href: link, id: 'notice-link', target: '_blank', rel: 'noopener' }, link)),
  );
}

// ---- boot ----------------------------------------------------------------------------------------

function onKey(e) {
  const m = /^F([1-9])$/.exec(e.key);
  if (!m || document.body.dataset.screen !== 'console') return;
  // F1 help, F3 find, F5 reload… belong to the window here.
  e.preventDefault();
  if (dialogOpen() || e.repeat) return;
  const btn = document.querySelector(`#actions .act[data-key="${e.key}"]`);
  if (btn) {
    btn.classList.add('is-pressed');
    setTimeout(() => btn.classList.remove('is-pressed'), 150);
    runAction(btn.dataset.action);
  }
}

async function boot() {
  i18n.apply();
  i18n.onChange((lang) => {
    // A notice in the other language would linger; the next action brings a new one.
    hideMsg();
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      /* private mode */
    }
    renderChrome();
    if (document.body.dataset.screen === 'signin') renderSignin();
    if (state.w) renderConsole();
  });
  $('btn-lang').addEventListener('click', () => i18n.toggle());
  $('btn-signout').addEventListener('click', signOut);
  $('msg-close').addEventListener('click', hideMsg);
  $('signin-form').addEventListener('submit', signIn);
  $('call-form').addEventListener('submit', callNumber);
  for (const btn of document.querySelectorAll('#actions .act')) {
    btn.addEventListener('click', () => runAction(btn.dataset.action));
  }
  $('fin-item').addEventListener('change', renderFinish);
  $('fin-materials').addEventListener('change', () => dlgError('fin-error', ''));
  $('fin-ok').addEventListener('click', submitFinish);
  $('fin-cancel').addEventListener('click', () => $('dlg-finish').close());
  $('tr-search').addEventListener('input', () => {
    renderTransfer();
    searchTransferSoon();
  });
  $('tr-ok').addEventListener('click', submitTransfer);
  $('tr-cancel').addEventListener('click', () => $('dlg-transfer').close());
  $('pause-ok').addEventListener('click', submitPause);
  $('pause-cancel').addEventListener('click', () => $('dlg-pause').close());
  $('pause-text').addEventListener('input', () => {
    for (const c of $('pause-reasons').children) c.classList.remove('is-on');
  });
  $('notice-close').addEventListener('click', () => $('dlg-notice').close());
  $('notice-print').addEventListener('click', () => window.print());
  // Enter in a dialog's text field confirms it instead of closing the dialog unanswered.
  for (const [field, submit] of [
    ['tr-reason', submitTransfer],
    ['pause-text', submitPause],
    ['pause-back', submitPause],
  ]) {
    $(field).addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        submit();
      }
    });
  }
  document.addEventListener('keydown', onKey);
  window.addEventListener('online', () => {
    if (stream) stream.reconnectNow();
    refreshSoon();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && stream) {
      stream.reconnectNow();
      refreshSoon();
    }
  });
  renderChrome();
  tick();
  setInterval(tick, 1000);
  // Without the stream (a proxy that blocks WebSockets) the console still moves, slowly.
  setInterval(() => {
    if (state.session && (!stream || stream.state !== 'open')) refreshSoon();
  }, 10000);

  // The hall (names, materials, policies) is needed before anything else.
  for (let attempt = 0; !state.hall; attempt += 1) {
    try {
      state.hall = await api.get('/api/v1/hall', { token: null });
    } catch {
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * (attempt + 1))));
    }
  }
  renderChrome();
  const saved = load('session', SESSION_KEY);
  if (saved && saved.token && saved.window) {
    await enterConsole(saved);
  } else {
    showSignin(null);
  }
}

boot();
