// A small i18n helper: zh-CN first, English second. Each page brings its own dictionary
// `{ key: { zh: '…', en: '…' } }`; `{name}` placeholders are filled from `vars`.
//
// Static markup is translated with attributes:
//   <h2 data-i18n="home.title"></h2>
//   <input data-i18n-attr="placeholder:search.placeholder;aria-label:search.label">

export class I18n {
  constructor(dict, lang = 'zh') {
    this.dict = dict;
    this.lang = lang === 'en' ? 'en' : 'zh';
    this.listeners = [];
  }

  /** The text for `key` in the current language (falls back to Chinese, then to the key). */
  t(key, vars) {
    const entry = this.dict[key];
    let text = entry ? (entry[this.lang] ?? entry.zh) : key;
    if (vars) {
      text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
    }
    return text;
  }

  /** The text for `key` in the other language too: "中文 / English" style labels. */
  both(key, vars) {
    const saved = this.lang;
    this.lang = 'zh';
    const zh = this.t(key, vars);
    this.lang = 'en';
    const en = this.t(key, vars);
    this.lang = saved;
    return { zh, en };
  }

  /** Both languages of a key as two spans, Chinese first (classes `zh` and `en`, plus `cls`). */
  spans(key, vars, cls = '') {
    const { zh, en } = this.both(key, vars);
    return [h('span', { class: `zh ${cls}` }, zh), h('span', { class: `en ${cls}` }, en)];
  }

  /** A config object's localized field: `pick(item, 'name')` → `item.name_en` in English. */
  pick(obj, field) {
    if (!obj) return '';
    return (this.lang === 'en' ? obj[`${field}_en`] : obj[`${field}_zh`]) || obj[`${field}_zh`] || '';
  }

  /** The half of a "中文 / English" problem title for the current language. */
  title(title) {
    const i = (title || '').indexOf(' / ');
    if (i < 0) return title || '';
    return this.lang === 'en' ? title.slice(i + 3) : title.slice(0, i);
  }

  setLang(lang) {
    const next = lang === 'en' ? 'en' : 'zh';
    if (next === this.lang) return;
    this.lang = next;
    this.apply();
    for (const f of this.listeners) f(this.lang);
  }

  toggle() {
    this.setLang(this.lang === 'zh' ? 'en' : 'zh');
  }

  onChange(f) {
    this.listeners.push(f);
  }

  /** Translates the static markup under `root` and sets the document language. */
  apply(root = document) {
    document.documentElement.lang = this.lang === 'en' ? 'en' : 'zh-CN';
    for (const el of root.querySelectorAll('[data-i18n]')) {
      el.textContent = this.t(el.dataset.i18n);
    }
    for (const el of root.querySelectorAll('[data-i18n-attr]')) {
      for (const pair of el.dataset.i18nAttr.split(';')) {
        const [attr, key] = pair.split(':');
        if (attr && key) el.setAttribute(attr.trim(), this.t(key.trim()));
      }
    }
  }
}

/** Builds an element: `h('button', {class: 'big', onclick: f}, 'text', child)`. No innerHTML for data. */
/** The language a page remembered under `key` (localStorage), or `fallback`. */
export function storedLang(key, fallback = 'zh') {
  try {
    return localStorage.getItem(key) || fallback;
  } catch {
    return fallback;
  }
}

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (k === 'class') {
        el.className = v;
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k === 'html') {
        // Only for our own static markup (icons), never for data.
        el.innerHTML = v;
      } else if (v === true) {
        el.setAttribute(k, '');
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Local time in the hall's time zone: "09:05". */
export function localTime(iso, timeZone, withDate = false) {
  try {
    const opts = { timeZone, hour: '2-digit', minute: '2-digit', hour12: false };
    if (withDate) Object.assign(opts, { year: 'numeric', month: '2-digit', day: '2-digit' });
    return new Intl.DateTimeFormat('zh-CN', opts).format(new Date(iso));
  } catch {
    return '';
  }
}

/** Whole minutes for a wait in seconds, at least 1 once there is any wait. */
export function minutes(seconds) {
  if (!seconds || seconds <= 0) return 0;
  return Math.max(1, Math.round(seconds / 60));
}
