// fishchat browser client: one WebSocket to the access server, one protobuf message per binary
// WebSocket message (DESIGN §2 without the 2-byte length prefix). Replies come back in request
// order; ResNotify / ResKick / Error are pushes. Messages are pulled by sequence (ReqSyncMsg)
// whenever the server says there are newer ones, and deduplicated by seq and (sender, msgID).
/* global protobuf */

import { CMD, REQ_TYPE, RES_TYPE } from './commands.js';

const ERR_TEXT = {
  10001: 'request error', 90001: 'server error', 90004: 'message too large', 90005: 'rate limited',
  92001: 'no access server', 93001: 'no token', 93002: 'bad token', 93003: 'not logged in',
  93004: 'token expired', 93005: 'uid does not match the session', 93006: 'signed in elsewhere',
};
const AUTH_ERRORS = new Set([93001, 93002, 93004, 93005]);

const PING_EVERY_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
const OPEN_TIMEOUT_MS = 10_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const MAX_FRAME_TEXT = 60_000; // bytes of text that surely fit in one 64 KiB frame
const KEEP_PER_CONV = 300; // messages kept per conversation in sessionStorage
const STORE_KEY = 'fishchat.session';

const $ = (sel) => document.querySelector(sel);
const params = new URLSearchParams(location.search);

// ------------------------------------------------------------------ protocol

let types = null;
async function loadTypes() {
  const res = await fetch('proto.json', { cache: 'no-cache' });
  if (!res.ok) throw new Error(`proto.json: HTTP ${res.status}`);
  const root = protobuf.Root.fromJSON(await res.json());
  const t = {};
  for (const name of ['Base', ...Object.values(REQ_TYPE), ...Object.values(RES_TYPE)]) t[name] = root.lookupType(`external.${name}`);
  return t;
}

function encode(cmd, fields) {
  const T = types[REQ_TYPE[cmd]];
  return T.encode(T.fromObject({ cmd, ...fields })).finish();
}

function decode(bytes) {
  const cmd = types.Base.decode(bytes).cmd;
  const name = RES_TYPE[cmd];
  if (!name) return { cmd, unknown: true };
  const T = types[name];
  return T.toObject(T.decode(bytes), { longs: Number, defaults: true, arrays: true });
}

function errText(code, str) {
  const known = ERR_TEXT[code];
  if (str && str !== 'ok' && known && str !== known) return `${str} (${code})`;
  return `${str && str !== 'ok' ? str : known || 'error'} (${code})`;
}

function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function parseId(text) {
  const s = String(text ?? '').trim();
  if (!/^[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

// ------------------------------------------------------------------ state

const S = {
  uid: 0,
  token: '',
  lastSeq: 0, // newest inbox seq held
  convs: new Map(), // key -> {key, kind: 'p2p'|'group', id, unread, last, lastText, left}
  msgs: new Map(), // conv key -> [message]
  seqs: new Set(), // inbox seqs held
  byMsgKey: new Map(), // `${from}:${msgID}` -> message
  pending: [], // my messages not yet acknowledged, oldest first
  current: null, // open conversation key
};

function convOf(key) {
  let c = S.convs.get(key);
  if (!c) {
    const [kind, id] = key.split(':');
    c = { key, kind, id: Number(id), unread: 0, last: 0, lastText: '', left: false };
    S.convs.set(key, c);
    S.msgs.set(key, []);
  }
  return c;
}

function addMessage(m) {
  const c = convOf(m.conv);
  S.msgs.get(m.conv).push(m);
  if (m.seq) S.seqs.add(m.seq);
  if (m.msgID) S.byMsgKey.set(`${m.from}:${m.msgID}`, m);
  c.last = Math.max(c.last, m.time);
  c.lastText = m.text;
  return c;
}

/** An offsetMsg from a sync reply: shown once, whatever path it took. */
function ingest(o) {
  if (o.seq && S.seqs.has(o.seq)) return;
  const isGroup = o.msgType === 'group' || (o.groupID && o.msgType !== 'p2p');
  const conv = isGroup ? `group:${o.groupID}` : `p2p:${o.sourceUID === S.uid ? o.targetUID : o.sourceUID}`;
  const mk = o.msgID ? `${o.sourceUID}:${o.msgID}` : null;
  const known = mk && S.byMsgKey.get(mk);
  if (known) {
    // Our own send (this tab, or a resend) coming back through the inbox: same element.
    if (o.seq && !known.seq) {
      known.seq = o.seq;
      S.seqs.add(o.seq);
    }
    if (known.status === 'pending' || known.status === 'failed') settle(known, 'sent');
    return;
  }
  const mine = o.sourceUID === S.uid;
  const m = {
    seq: o.seq || 0, from: o.sourceUID, conv, msgID: o.msgID, text: o.msg,
    time: o.sentAtMillis || Date.now(), status: mine ? 'sent' : 'received', err: '',
  };
  const c = addMessage(m);
  if (isGroup && c.left && !mine) c.left = false; // we are a member again somewhere else
  if (!mine && (conv !== S.current || document.hidden)) c.unread++;
}

function settle(m, status, err = '') {
  m.status = status;
  m.err = err;
  const i = S.pending.indexOf(m);
  if (i >= 0 && status !== 'pending') S.pending.splice(i, 1);
}

// sessionStorage: a reload resumes the session (same uid/token, same position, same history).
let saveTimer = null;
function save() {
  if (saveTimer || !S.uid) return;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    if (!S.uid) return;
    const msgs = [];
    for (const list of S.msgs.values()) msgs.push(...list.slice(-KEEP_PER_CONV));
    const data = {
      v: 1, uid: S.uid, token: S.token, lastSeq: S.lastSeq, current: S.current,
      convs: [...S.convs.values()],
      msgs: msgs.map(({ seq, from, conv, msgID, text, time, status, err }) => ({ seq, from, conv, msgID, text, time, status, err })),
    };
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(data));
    } catch (e) {
      console.warn('sessionStorage full or unavailable:', e.message);
    }
  }, 200);
}

function restore() {
  let data;
  try {
    data = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
  } catch {
    data = null;
  }
  if (!data || data.v !== 1 || !data.uid || !data.token) return false;
  S.uid = data.uid;
  S.token = data.token;
  S.lastSeq = data.lastSeq || 0;
  for (const c of data.convs || []) {
    S.convs.set(c.key, { ...c });
    S.msgs.set(c.key, []);
  }
  for (const m of data.msgs || []) {
    addMessage({ ...m });
    if (m.status === 'pending') S.pending.push(S.msgs.get(m.conv).at(-1));
  }
  S.current = data.current && S.convs.has(data.current) ? data.current : null;
  return true;
}

function clearSession() {
  sessionStorage.removeItem(STORE_KEY);
  S.uid = 0;
  S.token = '';
  S.lastSeq = 0;
  S.convs.clear();
  S.msgs.clear();
  S.seqs.clear();
  S.byMsgKey.clear();
  S.pending.length = 0;
  S.current = null;
}

// ------------------------------------------------------------------ connection

const C = {
  ws: null,
  gen: 0, // generation of the current socket; events of older sockets are ignored
  waiting: [], // requests awaiting their reply, in order: {cmd, resolve, reject, timer}
  loggedIn: false,
  everConnected: false, // a login has succeeded in this page: failures now mean "resume"
  stopped: true, // no automatic reconnect (not signed in, kicked, signed out, bad token)
  attempt: 0,
  retryAt: 0,
  retryTimer: null,
  countdown: null,
  pingTimer: null,
  minDelay: 0, // a server's retryAfterMs hint
  syncing: false,
  syncAgain: false,
};

const statusLog = [];
function setStatus(state, text, title = '', log = true) {
  const el = $('#status');
  el.dataset.state = state;
  el.textContent = text;
  el.title = title;
  if (!log) return;
  const line = `${new Date().toISOString().slice(11, 23)} ${state}: ${text}${title ? ` (${title})` : ''}`;
  if (statusLog.at(-1)?.slice(13) !== line.slice(13)) statusLog.push(line);
  if (statusLog.length > 200) statusLog.shift();
  $('#reconnect').hidden = !(state === 'kicked' || state === 'offline');
}

async function wsUrl() {
  const override = params.get('ws');
  if (override) return override;
  let res;
  try {
    res = await fetch('access', { cache: 'no-store', headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new Error(`cannot reach ${new URL('access', location.href)}: ${e.message}`);
  }
  if (!res.ok) throw new Error(`/access answered HTTP ${res.status}`);
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error('/access did not answer JSON');
  }
  if (!body.wsUrl) {
    const e = new Error(`this server has no WebSocket endpoint (/access gave no wsUrl${body.addr ? `; TCP access server is ${body.addr}` : ''}); start it with --ws-listen`);
    e.config = true;
    throw e;
  }
  return body.wsUrl;
}

function request(cmd, fields, timeoutMs = REQUEST_TIMEOUT_MS) {
  const ws = C.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected'));
  return new Promise((resolve, reject) => {
    const entry = { cmd, resolve, reject, timer: null };
    entry.timer = setTimeout(() => {
      console.warn(`no reply to cmd ${cmd} within ${timeoutMs} ms: dropping the connection`);
      if (C.ws === ws) ws.close(4000, 'request timeout');
      dropConnection(ws, 'no reply from the server');
    }, timeoutMs);
    C.waiting.push(entry);
    try {
      ws.send(encode(cmd, fields));
    } catch (e) {
      C.waiting.splice(C.waiting.indexOf(entry), 1);
      clearTimeout(entry.timer);
      reject(e);
    }
  });
}

async function connect() {
  clearTimeout(C.retryTimer);
  clearInterval(C.countdown);
  C.retryTimer = null;
  C.stopped = false;
  if (C.ws) dropConnection(C.ws, 'replaced by a new connection', false);
  const gen = ++C.gen;
  setStatus(C.everConnected ? 'reconnecting' : 'connecting', C.everConnected ? 'reconnecting…' : 'connecting…');
  let url;
  try {
    url = await wsUrl();
  } catch (e) {
    if (gen !== C.gen) return;
    console.warn('access lookup failed:', e.message);
    return failed(e.message, e.config);
  }
  if (gen !== C.gen || C.stopped) return;
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (e) {
    return failed(`bad WebSocket URL ${url}: ${e.message}`, true);
  }
  ws.binaryType = 'arraybuffer';
  C.ws = ws;
  let opened = false;
  const openTimer = setTimeout(() => ws.readyState === WebSocket.CONNECTING && ws.close(), OPEN_TIMEOUT_MS);
  ws.onopen = () => {
    opened = true;
    clearTimeout(openTimer);
    if (C.ws === ws) onOpen(ws);
  };
  ws.onmessage = (ev) => {
    if (C.ws === ws) onFrame(ev.data);
  };
  ws.onerror = () => console.warn(`WebSocket error on ${url}`);
  ws.onclose = (ev) => {
    clearTimeout(openTimer);
    const why = !opened
      ? `cannot open ${url} (server down, or this page's origin not allowed there)`
      : ev.reason || (ev.code === 1006 ? 'connection lost' : `closed (${ev.code})`);
    console.warn(`WebSocket closed: ${why}`);
    dropConnection(ws, why);
  };
}

/** The first connection failed for a reason a retry will not fix: back to the sign-in form. */
function failed(reason, permanent = false) {
  if (!C.everConnected) showLoginError(`${reason}${permanent ? '' : ' — retrying'}`);
  if (!C.everConnected && permanent) {
    C.stopped = true;
    setStatus('offline', 'not connected', reason);
    return;
  }
  scheduleReconnect(reason);
}

async function onOpen(ws) {
  let res;
  try {
    res = await request(CMD.LOGIN, { UID: S.uid, token: S.token });
  } catch (e) {
    return; // the connection went away; onclose reconnects
  }
  if (C.ws !== ws) return;
  if (res.errCode !== 0) {
    const why = errText(res.errCode, res.errStr);
    if (AUTH_ERRORS.has(res.errCode)) {
      C.stopped = true;
      C.everConnected = false; // back to the sign-in form (same uid keeps its history)
      ws.close(1000, 'sign-in refused');
      setStatus('offline', 'sign-in refused', why);
      showLoginError(`Sign-in refused: ${why}`);
      return;
    }
    if (res.retryAfterMs) C.minDelay = res.retryAfterMs; // refused for opening too fast: the server's hint
    ws.close(1000, 'sign-in failed');
    if (!C.everConnected) showLoginError(`Sign-in failed: ${why}; retrying`);
    return; // onclose schedules the retry
  }
  C.loggedIn = true;
  C.everConnected = true;
  C.attempt = 0;
  C.minDelay = 0;
  setStatus('connected', 'connected');
  showChat();
  save();
  clearInterval(C.pingTimer);
  C.pingTimer = setInterval(() => {
    if (C.loggedIn) request(CMD.PING, { UID: S.uid }).catch(() => {});
  }, PING_EVERY_MS);
  const newest = res.currentID || 0;
  if (newest < S.lastSeq) {
    // The server's inbox is behind what we hold (its store was reset): follow it.
    console.warn(`server's newest seq ${newest} < held ${S.lastSeq}: resetting the sync position`);
    S.lastSeq = newest;
    for (const s of [...S.seqs]) if (s > newest) S.seqs.delete(s);
  }
  // Resend what was never acknowledged, with the same msgIDs: the server stores each once.
  for (const m of [...S.pending]) transmit(m);
  if (newest > S.lastSeq) sync();
}

function dropConnection(ws, reason, reconnect = true) {
  if (C.ws !== ws) return;
  C.ws = null;
  C.loggedIn = false;
  clearInterval(C.pingTimer);
  for (const w of C.waiting.splice(0)) {
    clearTimeout(w.timer);
    w.reject(new Error(reason));
  }
  try {
    ws.close();
  } catch {
    /* already closed */
  }
  if (C.stopped || !reconnect) return;
  scheduleReconnect(reason);
}

function scheduleReconnect(reason) {
  if (C.stopped || C.retryTimer) return;
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** C.attempt);
  const delay = Math.max(C.minDelay, Math.round(base / 2 + Math.random() * (base / 2)));
  C.attempt++;
  C.minDelay = 0;
  C.retryAt = Date.now() + delay;
  const tick = (log = false) => {
    const s = Math.max(0, (C.retryAt - Date.now()) / 1000);
    const state = C.everConnected ? 'reconnecting' : 'connecting';
    setStatus(state, `${state} in ${s < 10 ? s.toFixed(1) : Math.round(s)} s…`, reason, log);
  };
  tick(true);
  clearInterval(C.countdown);
  C.countdown = setInterval(tick, 250);
  C.retryTimer = setTimeout(() => {
    C.retryTimer = null;
    clearInterval(C.countdown);
    if (!C.stopped) connect();
  }, delay);
}

function onFrame(data) {
  if (!(data instanceof ArrayBuffer)) {
    console.warn('ignoring a text WebSocket message');
    return;
  }
  let msg;
  try {
    msg = decode(new Uint8Array(data));
  } catch (e) {
    console.warn(`undecodable message (${data.byteLength} bytes): ${e.message}`);
    return;
  }
  switch (msg.cmd) {
    case CMD.NOTIFY:
      if (msg.currentID > S.lastSeq) sync();
      return;
    case CMD.KICK:
      C.stopped = true;
      setStatus('kicked', 'signed in elsewhere', msg.reason || errText(msg.errCode, msg.errStr));
      C.ws?.close(1000, 'kicked');
      return;
    case CMD.ERROR:
      if (C.waiting.length > 0) break; // the answer to a request the server could not take
      console.warn(`server error push: ${errText(msg.errCode, msg.errStr)}`);
      if (msg.retryAfterMs) C.minDelay = msg.retryAfterMs;
      return;
    default:
      break;
  }
  const w = C.waiting.shift();
  if (!w) {
    console.warn(`unexpected message cmd ${msg.cmd}`);
    return;
  }
  clearTimeout(w.timer);
  if (msg.cmd !== w.cmd && msg.cmd !== CMD.ERROR) console.warn(`reply cmd ${msg.cmd} to request cmd ${w.cmd}`);
  w.resolve(msg);
}

async function sync() {
  if (!C.loggedIn) return;
  if (C.syncing) {
    C.syncAgain = true;
    return;
  }
  C.syncing = true;
  try {
    do {
      C.syncAgain = false;
      const from = S.lastSeq;
      const res = await request(CMD.SYNC, { UID: S.uid, currentID: from });
      if (res.errCode !== 0) {
        console.warn(`sync failed: ${errText(res.errCode, res.errStr)}`);
        break;
      }
      for (const o of res.Msgs || []) ingest(o);
      let newest = res.currentID || 0;
      for (const o of res.Msgs || []) newest = Math.max(newest, o.seq || 0);
      if (newest > S.lastSeq) S.lastSeq = newest;
      if (res.more && S.lastSeq > from) C.syncAgain = true;
      render();
      save();
    } while (C.syncAgain && C.loggedIn);
  } catch (e) {
    console.warn(`sync interrupted: ${e.message}`);
  } finally {
    C.syncing = false;
  }
}

async function transmit(m) {
  if (m.inflight || !C.loggedIn) return;
  const c = S.convs.get(m.conv);
  m.inflight = true;
  try {
    const res = c.kind === 'group'
      ? await request(CMD.GROUP, { sourceUID: S.uid, groupID: c.id, msgID: m.msgID, msg: m.text })
      : await request(CMD.P2P, { sourceUID: S.uid, targetUID: c.id, msgID: m.msgID, msg: m.text });
    if (res.errCode === 0) {
      if (m.status !== 'sent') settle(m, 'sent');
    } else {
      let why = errText(res.errCode, res.errStr);
      if (c.kind === 'group' && res.errCode === 10001) why += ': not a member of this group?';
      settle(m, 'failed', why);
    }
  } catch (e) {
    // Connection lost before the answer: it stays pending and is resent after the next login.
    console.info(`send ${m.msgID} stays pending: ${e.message}`);
  } finally {
    m.inflight = false;
    render();
    save();
  }
}

function resumeNow() {
  if (C.stopped || C.ws) return;
  C.attempt = 0;
  connect();
}

// ------------------------------------------------------------------ actions

function sendText(text) {
  const c = S.convs.get(S.current);
  if (!c || !text.trim() || (c.kind === 'group' && c.left)) return;
  const m = { seq: 0, from: S.uid, conv: c.key, msgID: uuid(), text, time: Date.now(), status: 'pending', err: '' };
  addMessage(m);
  if (new TextEncoder().encode(text).length > MAX_FRAME_TEXT) {
    // Would not fit in one frame (64 KiB): the server could only drop the connection.
    m.status = 'failed';
    m.err = 'message too large';
    render({ scroll: true });
    save();
    return;
  }
  S.pending.push(m);
  render({ scroll: true });
  save();
  transmit(m);
}

function retry(m) {
  if (m.status !== 'failed' || new TextEncoder().encode(m.text).length > MAX_FRAME_TEXT) return;
  m.status = 'pending';
  m.err = '';
  S.pending.push(m);
  render();
  transmit(m);
}

function openConv(key) {
  const c = convOf(key);
  S.current = key;
  c.unread = 0;
  render({ scroll: true });
  save();
  $('#text').focus();
}

async function joinGroup(gid) {
  sideError('');
  try {
    const res = await request(CMD.JOIN, { UID: S.uid, groupID: gid });
    if (res.errCode !== 0) return sideError(`Could not join group ${gid}: ${errText(res.errCode, res.errStr)}`);
    const c = convOf(`group:${gid}`);
    c.left = false;
    c.last = Math.max(c.last, Date.now());
    openConv(c.key);
  } catch (e) {
    sideError(`Could not join group ${gid}: ${e.message}`);
  }
}

async function leaveGroup() {
  const c = S.convs.get(S.current);
  if (!c || c.kind !== 'group') return;
  sideError('');
  try {
    const res = await request(CMD.LEAVE, { UID: S.uid, groupID: c.id });
    if (res.errCode !== 0) return sideError(`Could not leave group ${c.id}: ${errText(res.errCode, res.errStr)}`);
    c.left = true;
    render();
    save();
  } catch (e) {
    sideError(`Could not leave group ${c.id}: ${e.message}`);
  }
}

async function signOut() {
  C.stopped = true;
  clearTimeout(C.retryTimer);
  clearInterval(C.countdown);
  C.retryTimer = null;
  if (C.loggedIn) await Promise.race([request(CMD.LOGOUT, { UID: S.uid }).catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);
  const ws = C.ws;
  if (ws) dropConnection(ws, 'signed out');
  C.everConnected = false;
  clearSession();
  setStatus('idle', 'not signed in');
  showLogin();
}

// ------------------------------------------------------------------ view

function showLoginError(text) {
  const el = $('#login-error');
  el.textContent = text;
  el.hidden = !text;
  if (text && !C.everConnected) showLogin();
}

function sideError(text) {
  const el = $('#side-error');
  el.textContent = text;
  el.hidden = !text;
}

function showLogin() {
  $('#login-view').hidden = false;
  $('#chat-view').hidden = true;
  $('#me').hidden = true;
  $('#logout').hidden = true;
  $('#login').disabled = false;
}

function showChat() {
  $('#login-view').hidden = true;
  $('#chat-view').hidden = false;
  $('#me').hidden = false;
  $('#me').textContent = `uid ${S.uid}`;
  $('#logout').hidden = false;
  $('#login-error').hidden = true;
  render({ scroll: true });
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
function when(ms) {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString() ? timeFmt.format(d) : dayFmt.format(d);
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

let renderQueued = false;
let scrollQueued = false;
function render({ scroll = false } = {}) {
  scrollQueued ||= scroll;
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    const s = scrollQueued;
    scrollQueued = false;
    renderNow(s);
  });
}

function convTitle(c) {
  return c.kind === 'group' ? `Group ${c.id}` : `User ${c.id}`;
}

function renderNow(forceScroll) {
  // Conversation list, most recent first.
  const list = $('#convs');
  const convs = [...S.convs.values()].sort((a, b) => b.last - a.last || a.key.localeCompare(b.key));
  list.replaceChildren(...convs.map((c) => el('li', {
    class: `conv${c.key === S.current ? ' active' : ''}${c.left ? ' left' : ''}`,
    'data-conv': c.key,
    tabIndex: 0,
    title: convTitle(c),
  },
  el('span', { class: `avatar ${c.kind}`, text: c.kind === 'group' ? '#' : String(c.id).slice(-2) }),
  el('span', { class: 'conv-body' },
    el('span', { class: 'conv-name', text: convTitle(c) + (c.left ? ' (left)' : '') }),
    el('span', { class: 'conv-last', text: c.lastText || (c.kind === 'group' ? 'joined' : 'new chat') })),
  c.unread > 0 ? el('span', { class: 'unread', text: String(c.unread), 'aria-label': `${c.unread} unread` }) : null)));
  $('#no-convs').hidden = convs.length > 0;

  const totalUnread = convs.reduce((n, c) => n + c.unread, 0);
  document.title = totalUnread ? `(${totalUnread}) fishchat` : 'fishchat';

  // Open conversation.
  const c = S.current && S.convs.get(S.current);
  $('#conv-title').textContent = c ? convTitle(c) : 'No conversation selected';
  $('#conv-sub').textContent = !c ? 'Pick a conversation on the left, or start one.'
    : c.kind === 'group' ? (c.left ? 'You left this group. Join it again to write.' : 'Group chat')
      : 'One-to-one chat';
  $('#leave-group').hidden = !(c && c.kind === 'group' && !c.left);
  const canWrite = !!c && !(c.kind === 'group' && c.left);
  $('#text').disabled = !canWrite;
  $('#send').disabled = !canWrite;

  const box = $('#messages');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const msgs = c ? S.msgs.get(c.key) : [];
  box.replaceChildren(...msgs.map((m) => {
    const mine = m.from === S.uid;
    const statusText = !mine ? null
      : m.status === 'pending' ? 'sending…' : m.status === 'failed' ? `failed: ${m.err} — click to retry` : 'sent';
    const li = el('li', {
      class: `msg ${mine ? 'mine' : 'theirs'} ${m.status}`,
      'data-seq': m.seq ? String(m.seq) : null,
      'data-from': String(m.from),
      'data-msgid': m.msgID || null,
      'data-status': m.status,
    },
    c.kind === 'group' && !mine ? el('div', { class: 'msg-from', text: `User ${m.from}` }) : null,
    el('div', { class: 'msg-text', text: m.text }),
    el('div', { class: 'msg-meta' },
      el('time', { text: when(m.time), dateTime: new Date(m.time).toISOString() }),
      statusText ? el('span', { class: 'msg-status', text: statusText }) : null));
    if (m.status === 'failed') li.addEventListener('click', () => retry(m));
    return li;
  }));
  if (forceScroll || nearBottom) box.scrollTop = box.scrollHeight;
}

// ------------------------------------------------------------------ wiring

function wire() {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const uid = parseId($('#uid').value);
    const tok = $('#token').value.trim();
    if (!uid) return showLoginError('The user id must be a positive whole number.');
    if (!tok) return showLoginError('A token is needed.');
    if (S.uid && S.uid !== uid) clearSession();
    S.uid = uid;
    S.token = tok;
    showLoginError('');
    $('#login').disabled = true;
    C.everConnected = false;
    C.attempt = 0;
    connect().finally(() => setTimeout(() => { $('#login').disabled = false; }, 300));
  });
  $('#peer-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = parseId($('#peer').value);
    if (!id) return sideError('A user id is a positive whole number.');
    sideError('');
    $('#peer').value = '';
    const c = convOf(`p2p:${id}`);
    c.last = Math.max(c.last, Date.now());
    openConv(c.key);
  });
  $('#group-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = parseId($('#group').value);
    if (!id) return sideError('A group id is a positive whole number.');
    $('#group').value = '';
    joinGroup(id);
  });
  $('#convs').addEventListener('click', (ev) => {
    const li = ev.target.closest('[data-conv]');
    if (li) openConv(li.dataset.conv);
  });
  $('#convs').addEventListener('keydown', (ev) => {
    const li = ev.target.closest('[data-conv]');
    if (li && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      openConv(li.dataset.conv);
    }
  });
  $('#leave-group').addEventListener('click', leaveGroup);
  $('#composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('#text');
    if (!t.value.trim()) return;
    sendText(t.value);
    t.value = '';
    autosize();
  });
  const autosize = () => {
    const t = $('#text');
    t.style.height = 'auto';
    t.style.height = `${Math.min(160, t.scrollHeight)}px`;
  };
  $('#text').addEventListener('input', autosize);
  $('#text').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      $('#composer').requestSubmit();
    }
  });
  $('#logout').addEventListener('click', signOut);
  $('#reconnect').addEventListener('click', () => {
    C.attempt = 0;
    if (S.uid) connect();
  });
  window.addEventListener('online', resumeNow);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && S.current) {
      const c = S.convs.get(S.current);
      if (c?.unread) {
        c.unread = 0;
        render();
      }
    }
  });
}

// For tests and curious people: window.fishchat.debug()
window.fishchat = {
  statusLog,
  debug: () => ({
    uid: S.uid, lastSeq: S.lastSeq, current: S.current, loggedIn: C.loggedIn, stopped: C.stopped,
    attempt: C.attempt, waiting: C.waiting.length, pending: S.pending.map((m) => m.msgID),
    convs: [...S.convs.values()].map((c) => `${c.key}:${c.unread}${c.left ? ':left' : ''}`),
  }),
};

async function main() {
  wire();
  try {
    types = await loadTypes();
  } catch (e) {
    setStatus('offline', 'failed to load', e.message);
    showLoginError(`This page could not load its protocol description: ${e.message}`);
    return;
  }
  const uidParam = parseId(params.get('uid'));
  if (uidParam) $('#uid').value = String(uidParam);
  if (restore()) {
    // A reload: resume the session where it was.
    C.everConnected = true;
    showChat();
    connect();
  } else {
    showLogin();
    $('#uid').focus();
  }
}

main();
