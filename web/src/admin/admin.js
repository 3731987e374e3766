// fishchat admin dashboard: one EventSource on ./events; each event's data is
// {"time": ms, "node": "...", "metrics": {"<series as in /metrics>": number, ...}, "accessList"?: [...]}.
// Rates and the recent commit latency are derived from counter deltas between two events.

const $ = (sel) => document.querySelector(sel);
const HISTORY_S = 60;
const STALE_MS = 5000;

let prev = null; // previous sample: {time, node, m}
let lastEventAt = 0; // when the current stream last gave data (or was opened anew)
let lastDataAt = 0; // when the last sample arrived
let downSince = 0; // when the node became unreachable (0: it is not)
const history = []; // [{t, in, out}]

// ------------------------------------------------------------------ series helpers

/** 'name{a="x",b="y"}' -> {name, labels: {a: 'x', b: 'y'}} */
function parseKey(key) {
  const i = key.indexOf('{');
  if (i < 0) return { name: key, labels: {} };
  const labels = {};
  const re = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  let m;
  while ((m = re.exec(key.slice(i))) !== null) labels[m[1]] = m[2].replace(/\\(.)/g, '$1');
  return { name: key.slice(0, i), labels };
}

function series(metrics) {
  // null: a value JSON cannot carry (NaN, ±Inf); it counts as absent.
  return Object.entries(metrics).map(([key, value]) => ({ key, value: value === null ? NaN : Number(value), ...parseKey(key) }));
}

/** Sum of every series called name (any labels); undefined when there is none. */
function sum(all, name) {
  let total;
  for (const s of all) if (s.name === name && Number.isFinite(s.value)) total = (total ?? 0) + s.value;
  return total;
}

/** Open sessions by server: fishchat_<server>_sessions_open, or fishchat_sessions[_open]{server="..."}. */
function sessionsByServer(all) {
  const by = new Map();
  for (const s of all) {
    let server = null;
    const m = /^fishchat_([a-z0-9]+)_sessions_open$/.exec(s.name);
    if (m) server = m[1];
    else if ((s.name === 'fishchat_sessions' || s.name === 'fishchat_sessions_open') && s.labels.server) server = s.labels.server;
    if (server && Number.isFinite(s.value)) by.set(server, (by.get(server) ?? 0) + s.value);
  }
  return by;
}

/** Cumulative histogram buckets [{le, count}] sorted by le. */
function buckets(all, name) {
  return all
    .filter((s) => s.name === `${name}_bucket` && s.labels.le !== undefined)
    .map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : parseFloat(s.labels.le), count: s.value }))
    .filter((b) => !Number.isNaN(b.le))
    .sort((a, b) => a.le - b.le);
}

/** Quantile q from cumulative bucket counts (Prometheus histogram_quantile: linear within a bucket). */
function quantile(q, bs) {
  if (bs.length === 0) return undefined;
  const total = bs[bs.length - 1].count;
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of bs) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe; // beyond the largest finite bucket
      const inBucket = b.count - prevCount;
      return inBucket > 0 ? prevLe + (b.le - prevLe) * ((rank - prevCount) / inBucket) : b.le;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

// ------------------------------------------------------------------ formatting

function fmtInt(n) {
  return n === undefined ? '—' : Math.round(n).toLocaleString('en-US');
}

function fmtRate(r) {
  if (r === undefined || !Number.isFinite(r)) return '—';
  return r >= 100 ? String(Math.round(r)) : r >= 10 ? r.toFixed(0) : r.toFixed(1);
}

function fmtSeconds(s) {
  if (s === undefined || !Number.isFinite(s)) return '—';
  const ms = s * 1000;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

function setText(sel, text) {
  const e = $(sel);
  if (e.textContent !== text) e.textContent = text;
}

// ------------------------------------------------------------------ one event

function onSample(data) {
  const time = Number(data.time) || Date.now();
  const all = series(data.metrics || {});
  const m = Object.fromEntries(all.map((s) => [s.key, s.value]));
  lastEventAt = Date.now();
  lastDataAt = lastEventAt;
  nodeBack();

  setText('#node', data.node || '?');
  setText('#updated', new Date(time).toLocaleTimeString('en-GB', { hour12: false }));
  $('#updated').dateTime = new Date(time).toISOString();

  // Sessions.
  const by = sessionsByServer(all);
  let total = 0;
  for (const v of by.values()) total += v;
  setText('#sessions', by.size ? String(Math.round(total)) : '—');
  $('#sessions-by-server').replaceChildren(...[...by.entries()].sort().map(([server, v]) => {
    const li = document.createElement('li');
    li.dataset.server = server;
    const name = document.createElement('span');
    const value = document.createElement('strong');
    name.textContent = server;
    value.textContent = String(Math.round(v));
    li.append(name, value);
    return li;
  }));

  setText('#users', fmtInt(sum(all, 'fishchat_users_online')));

  const stored = sum(all, 'fishchat_messages_stored_total');
  const delivered = sum(all, 'fishchat_messages_delivered_total');
  setText('#stored-total', fmtInt(stored));
  setText('#delivered-total', fmtInt(delivered));

  // Deltas against the previous sample (none after a gap, a node change or a counter reset).
  const cur = {
    time, node: data.node, stored, delivered,
    cSum: sum(all, 'fishchat_store_commit_seconds_sum'),
    cCount: sum(all, 'fishchat_store_commit_seconds_count'),
    cBuckets: buckets(all, 'fishchat_store_commit_seconds'),
  };
  let rin;
  let rout;
  let recentMean;
  let recentP99;
  let recentCommits;
  const dt = prev ? (time - prev.time) / 1000 : 0;
  const usable = prev && prev.node === cur.node && dt > 0 && dt < 30;
  const delta = (a, b) => (a === undefined || b === undefined ? undefined : a >= b ? a - b : a); // reset: counts from 0
  if (usable) {
    const dIn = delta(stored, prev.stored);
    const dOut = delta(delivered, prev.delivered);
    rin = dIn === undefined ? undefined : dIn / dt;
    rout = dOut === undefined ? undefined : dOut / dt;
    const dCount = delta(cur.cCount, prev.cCount);
    const dSum = delta(cur.cSum, prev.cSum);
    recentCommits = dCount;
    if (dCount > 0 && dSum !== undefined) recentMean = dSum / dCount;
    if (dCount > 0 && cur.cBuckets.length && cur.cBuckets.length === prev.cBuckets.length) {
      const reset = cur.cCount < prev.cCount;
      const db = cur.cBuckets.map((b, i) => ({ le: b.le, count: reset ? b.count : b.count - prev.cBuckets[i].count }));
      recentP99 = quantile(0.99, db);
    }
  }
  prev = cur;
  setText('#msgs-in', fmtRate(rin));
  setText('#msgs-out', fmtRate(rout));
  if (rin !== undefined || rout !== undefined) {
    history.push({ t: time, in: rin ?? 0, out: rout ?? 0 });
    while (history.length && history[0].t < time - HISTORY_S * 1000) history.shift();
  }
  drawSparkline();

  // Commit latency.
  if (cur.cCount === undefined) {
    setText('#commit-latency', 'n/a');
    setText('#commit-detail', 'this node has no message store');
  } else if (recentMean !== undefined) {
    setText('#commit-latency', fmtSeconds(recentMean));
    setText('#commit-detail', `mean of ${fmtInt(recentCommits)} commit${recentCommits === 1 ? '' : 's'} in the last ${dt.toFixed(1)} s${recentP99 !== undefined ? ` · p99 ${fmtSeconds(recentP99)}` : ''}`);
  } else {
    const overall = cur.cCount > 0 ? cur.cSum / cur.cCount : undefined;
    setText('#commit-latency', usable ? 'idle' : '—');
    setText('#commit-detail', `${usable ? 'no commits in the last second' : 'waiting for a second sample'}${overall !== undefined ? ` · mean since start ${fmtSeconds(overall)} over ${fmtInt(cur.cCount)}` : ''}`);
  }

  // etcd.
  const reg = sum(all, 'fishchat_etcd_registration_ok');
  const poll = sum(all, 'fishchat_etcd_poll_ok');
  const etcd = $('#etcd');
  if (reg === undefined && poll === undefined) {
    setText('#etcd', 'not used');
    etcd.dataset.state = 'unused';
    setText('#etcd-detail', 'no etcd on this node');
  } else {
    const parts = [];
    if (reg !== undefined) parts.push(`registration ${reg >= 1 ? 'ok' : 'FAILING'}`);
    if (poll !== undefined) parts.push(`poll ${poll >= 1 ? 'ok' : 'FAILING'}`);
    const ok = (reg === undefined || reg >= 1) && (poll === undefined || poll >= 1);
    setText('#etcd', ok ? 'ok' : 'failing');
    etcd.dataset.state = ok ? 'ok' : 'bad';
    setText('#etcd-detail', parts.join(' · '));
  }

  // Access list (gateways).
  const list = Array.isArray(data.accessList) ? data.accessList : null;
  const size = sum(all, 'fishchat_access_list_size');
  const ul = $('#access-list');
  const items = list ? (list.length ? list.map(String) : ['(empty)']) : [size === undefined ? '— (not a gateway)' : `${fmtInt(size)} access server${size === 1 ? '' : 's'}`];
  if (ul.dataset.items !== JSON.stringify(items)) {
    ul.dataset.items = JSON.stringify(items);
    ul.replaceChildren(...items.map((a) => {
      const li = document.createElement('li');
      li.textContent = a;
      if (!list || !list.length) li.className = 'muted';
      return li;
    }));
  }
  setText('#access-detail', list ? `${list.length} access server${list.length === 1 ? '' : 's'} handed out by this gateway` : '');

  // Every series, for the curious.
  setText('#series-count', String(all.length));
  if ($('details').open) {
    $('#series').replaceChildren(...all.sort((a, b) => a.key.localeCompare(b.key)).map((s) => {
      const tr = document.createElement('tr');
      const k = document.createElement('td');
      const v = document.createElement('td');
      k.textContent = s.key;
      v.textContent = String(s.value);
      tr.append(k, v);
      return tr;
    }));
  }
}

// ------------------------------------------------------------------ sparkline

function drawSparkline() {
  const canvas = $('#sparkline');
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 600;
  const h = canvas.clientHeight || 120;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const pad = { l: 36, r: 6, t: 8, b: 16 };
  const max = Math.max(1, ...history.map((p) => Math.max(p.in, p.out)));
  const nice = niceMax(max);
  const now = history.length ? history[history.length - 1].t : Date.now();
  const x = (t) => pad.l + (w - pad.l - pad.r) * (1 - (now - t) / (HISTORY_S * 1000));
  const y = (v) => h - pad.b - (h - pad.t - pad.b) * (v / nice);

  g.strokeStyle = '#e3e7ee';
  g.fillStyle = '#8a94a6';
  g.font = '11px system-ui, sans-serif';
  g.lineWidth = 1;
  for (const f of [0, 0.5, 1]) {
    const yy = Math.round(y(nice * f)) + 0.5;
    g.beginPath();
    g.moveTo(pad.l, yy);
    g.lineTo(w - pad.r, yy);
    g.stroke();
    g.fillText(fmtRate(nice * f), 4, yy + 4);
  }
  g.fillText('-60 s', pad.l, h - 3);
  g.fillText('now', w - pad.r - 22, h - 3);

  for (const [key, color] of [['out', '#1f9d6d'], ['in', '#2f6fec']]) {
    if (history.length < 1) break;
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.lineJoin = 'round';
    g.beginPath();
    history.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p[key])) : g.moveTo(x(p.t), y(p[key]))));
    g.stroke();
  }
}

function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

// ------------------------------------------------------------------ connection

let es = null;
let retryTimer = null;
let retryMs = 1000;
const connLog = [];

function setConn(state, text) {
  const e = $('#conn');
  if (e.dataset.state !== state) connLog.push(`${new Date().toISOString().slice(11, 23)} ${state}`);
  e.dataset.state = state;
  if (e.textContent !== text) e.textContent = text;
}

const hms = (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });

/**
 * The event stream dropped (or went silent) at `at`: the figures on screen are the last ones
 * the node sent, so they are greyed and the page says since when the node is unreachable,
 * until a sample arrives again.
 */
function nodeDown(at) {
  if (!downSince) downSince = at;
  const since = `node unreachable since ${hms(downSince)}`;
  setConn('disconnected', since);
  $('main').dataset.stale = 'true';
  setText('#unreachable-text', `${since[0].toUpperCase()}${since.slice(1)}. `
    + (lastDataAt ? `The figures below are the last it sent, at ${hms(lastDataAt)}.` : 'It has sent no figures yet.'));
  $('#unreachable').hidden = false;
}

function nodeBack() {
  downSince = 0;
  setConn('live', 'live');
  delete $('main').dataset.stale;
  $('#unreachable').hidden = true;
}

function open() {
  clearTimeout(retryTimer);
  es?.close();
  es = new EventSource('events');
  const onData = (ev) => {
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch (e) {
      console.warn(`bad event data: ${e.message}`);
      return;
    }
    retryMs = 1000;
    onSample(data);
  };
  es.onmessage = onData;
  es.addEventListener('metrics', onData);
  es.onopen = () => {
    if (!downSince) setConn('live', 'live'); // after a drop: live again with the first sample
  };
  es.onerror = () => {
    nodeDown(Date.now());
    if (es.readyState === EventSource.CLOSED) {
      // The browser gave up (an HTTP error or a wrong content type): retry ourselves.
      retryTimer = setTimeout(open, retryMs);
      retryMs = Math.min(10000, retryMs * 2);
    }
  };
}

// No event for a while although the stream looks open (a proxy holding it, a stuck node).
setInterval(() => {
  if (lastEventAt && Date.now() - lastEventAt > STALE_MS && $('#conn').dataset.state === 'live') {
    console.warn(`no data for ${Math.round((Date.now() - lastEventAt) / 1000)} s: reopening the event stream`);
    nodeDown(lastDataAt || lastEventAt);
    lastEventAt = Date.now(); // give the new stream its own STALE_MS
    open();
  }
}, 1000);

window.addEventListener('resize', drawSparkline);
window.fishchatAdmin = { connLog, history, downSince: () => downSince };
drawSparkline();
open();
