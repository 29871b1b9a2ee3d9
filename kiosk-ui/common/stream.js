// The event stream client (`GET /api/v1/stream`, docs/api.md §3): one JSON event per frame,
// resumed with `after=<last seq>` after any disconnect (close 4000 "too slow", 1001 "controller
// shutting down", a crash, a network cut), with a capped backoff. The page learns about the
// connection through `onState` so it can show a "reconnecting" banner instead of going blank.

const BACKOFF_MS = [300, 1000, 2000, 3000, 5000];

export class EventStream {
  /**
   * @param {object} opts
   * @param {(after: number) => string} opts.path the stream path for a given `after`, e.g.
   *   `(after) => '/api/v1/stream?after=' + after + '&token=…'`
   * @param {number} [opts.after] the last seq already seen
   * @param {(event: object) => void} opts.onEvent each frame, parsed
   * @param {(state: 'connecting'|'open'|'reconnecting'|'stopped', info?: object) => void} [opts.onState]
   * @param {() => Promise<number|null>} [opts.logEnd] the log's last seq (`/healthz`), asked
   *   after failed attempts: a browser cannot read the `409 after_beyond_log` of a refused
   *   upgrade, so the client checks whether it is ahead of the log itself.
   * @param {(seq: number) => void} [opts.onResync] called when the client was ahead of the log
   *   (a controller restored from an older backup) and now streams from `seq`.
   * @param {boolean} [opts.seqGate] drop frames at or below the last seq (default true); the
   *   tracking ping stream numbers its pings by event seq too.
   */
  constructor(opts) {
    this.opts = opts;
    this.after = opts.after || 0;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = true;
    this.state = 'stopped';
    this.lastFrameAt = 0;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onerror = ws.onmessage = ws.onopen = null;
      try {
        ws.close(1000, 'bye');
      } catch {
        /* already closed */
      }
    }
    this.setState('stopped');
  }

  /** Drops the current connection and connects again at once (e.g. the page came back online). */
  reconnectNow() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = ws.onerror = ws.onmessage = ws.onopen = null;
      try {
        ws.close(1000, 'reconnect');
      } catch {
        /* already closed */
      }
    }
    this.connect();
  }

  setState(state, info) {
    if (this.state === state && !info) return;
    this.state = state;
    if (this.opts.onState) this.opts.onState(state, info);
  }

  url() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}${this.opts.path(this.after)}`;
  }

  connect() {
    if (this.stopped) return;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setState('open');
    };
    ws.onmessage = (msg) => {
      if (typeof msg.data !== 'string') return;
      let ev;
      try {
        ev = JSON.parse(msg.data);
      } catch {
        return;
      }
      this.lastFrameAt = Date.now();
      const seq = typeof ev.seq === 'number' ? ev.seq : null;
      if (seq !== null) {
        if (this.opts.seqGate !== false && seq <= this.after) return;
        this.after = Math.max(this.after, seq);
      }
      try {
        this.opts.onEvent(ev);
      } catch (e) {
        // A bug in a handler must never stop the stream.
        console.error('event handler failed', e);
      }
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      // 4000: too slow, resume at once; anything else: back off a little.
      if (e.code === 4000) this.attempt = 0;
      this.scheduleRetry(e.code);
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  async scheduleRetry(code) {
    if (this.stopped) return;
    this.setState('reconnecting', { code });
    const delay = code === 4000 ? 0 : BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    if (this.attempt >= 3 && this.opts.logEnd) {
      try {
        const end = await this.opts.logEnd();
        if (typeof end === 'number' && end < this.after) {
          this.after = end;
          if (this.opts.onResync) this.opts.onResync(end);
        }
      } catch {
        /* the controller is still away */
      }
      if (this.stopped) return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay + Math.floor(Math.random() * 200));
  }
}

/**
 * Calls `fn` at most once per `ms`, and always once after the last call (trailing edge), so a
 * burst of events gives one refresh soon and one at the end.
 */
/**
 * Wraps an async function so that calls made while one is running share its promise instead of
 * starting another (one `/api/v1/live` read at a time, however many events arrive).
 */
export function singleFlight(fn) {
  let running = null;
  return (...args) => {
    if (!running) {
      running = Promise.resolve()
        .then(() => fn(...args))
        .finally(() => {
          running = null;
        });
    }
    return running;
  };
}

export function throttle(fn, ms) {
  let last = 0;
  let timer = null;
  return function throttled() {
    const now = Date.now();
    const wait = last + ms - now;
    if (wait <= 0 && !timer) {
      last = now;
      fn();
      return;
    }
    if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        fn();
      }, Math.max(wait, 0));
    }
  };
}

/**
 * The controller's clock as a page knows it: this PC's clock plus the difference last seen in a
 * controller time (`/api/v1/live`'s `now`, a live event's `at`). Timers and wall clocks read it,
 * so a PC whose clock is off still shows the hall's time.
 */
export class ControllerClock {
  constructor() {
    /** The controller's clock minus this PC's, in ms. */
    this.skewMs = 0;
  }

  /** Takes the controller's time `iso` as now; what does not parse changes nothing. */
  sync(iso) {
    const t = Date.parse(iso);
    if (Number.isFinite(t)) this.skewMs = t - Date.now();
  }

  /** Now on the controller's clock, in ms since the epoch. */
  now() {
    return Date.now() + this.skewMs;
  }
}
