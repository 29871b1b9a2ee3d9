// The hallq API v1 client (docs/api.md) shared by every page: JSON in and out, problem+json
// errors as `ApiError`, network failures and timeouts as `NetworkError`, Idempotency-Key on POST.

/** A refusal or error answered by the controller (problem+json, RFC 9457). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    /** The stable machine code: branch on this. */
    this.code = problem.code || `http_${status}`;
    /** "中文 / English", for display. */
    this.title = problem.title || '';
    /** English prose for people; may change. */
    this.detail = problem.detail || '';
    /** The whole problem, typed fields included. */
    this.problem = problem;
  }
}

/** The controller could not be reached, or did not answer in time. */
export class NetworkError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NetworkError';
  }
}

/**
 * A fresh random Idempotency-Key: 1–200 visible ASCII characters. `crypto.randomUUID` exists
 * only on secure origins, and a hall kiosk often loads the page over plain http on the LAN,
 * so build it from `getRandomValues`, which works everywhere.
 */
export function newKey(prefix = 'k') {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class Api {
  /**
   * @param {object} [opts]
   * @param {string|null} [opts.token] the bearer token sent unless a call gives its own
   * @param {string} [opts.base] URL prefix, '' for the page's own origin
   * @param {number} [opts.timeoutMs] per-request timeout
   */
  constructor({ token = null, base = '', timeoutMs = 10000 } = {}) {
    this.token = token;
    this.base = base;
    this.timeoutMs = timeoutMs;
  }

  /**
   * One request. `body` may be an object (serialised here) or a string (sent as is: a retry
   * under the same Idempotency-Key must resend exactly the same bytes).
   * `token: null` sends no Authorization header; `undefined` uses the client's token.
   */
  async request(method, path, { body, key, token, timeoutMs } = {}) {
    const headers = { Accept: 'application/json' };
    const bearer = token === undefined ? this.token : token;
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    if (key) headers['Idempotency-Key'] = key;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs || this.timeoutMs);
    let res;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: payload,
        signal: abort.signal,
        cache: 'no-store',
      });
    } catch (e) {
      throw new NetworkError(e && e.name === 'AbortError' ? 'timeout' : String(e && e.message));
    } finally {
      clearTimeout(timer);
    }
    let text;
    try {
      text = await res.text();
    } catch (e) {
      throw new NetworkError(String(e && e.message));
    }
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!res.ok) {
      // A proxy or a dying controller may answer without a problem body.
      throw new ApiError(res.status, data && typeof data === 'object' ? data : { detail: text });
    }
    return data;
  }

  get(path, opts) {
    return this.request('GET', path, opts);
  }

  post(path, body = {}, opts = {}) {
    return this.request('POST', path, { ...opts, body });
  }

  del(path, opts) {
    return this.request('DELETE', path, opts);
  }
}

/** Splits a problem title "中文 / English" into its two halves. */
export function splitTitle(title) {
  const i = (title || '').indexOf(' / ');
  if (i < 0) return { zh: title || '', en: title || '' };
  return { zh: title.slice(0, i), en: title.slice(i + 3) };
}

/** Reads a query parameter of the page's URL. */
export function param(name) {
  return new URLSearchParams(location.search).get(name);
}
