// fishchat browser client: one WebSocket to the access server, one protobuf message per binary
// WebSocket message (DESIGN §2 without the 2-byte length prefix). Replies come back in request
// order; ResNotify / ResKick / Error are pushes. Messages are pulled by sequence (ReqSyncMsg)
// whenever the server says there are newer ones, and deduplicated by seq and (sender, msgID).
/* global protobuf */

import { CMD, REQ_TYPE, RES_TYPE } from './commands.js';

// Every errCode a person may meet, in plain words (the wire keeps FishChatServer2's errStr, which
// the page shows only as a tooltip), and whether sending the same request again can help:
// 'never' (it would be refused again: the page offers no retry), 'now' (a passing failure) or
// 'pause' (after RATE_PAUSE_MS). x: what the failed request was about ({uid, groupID, limit, send}).
const ERRORS = {
  10001: {
    retry: 'never',
    text: (x) => (x.groupID ? `you are not a member of group ${x.groupID}` : x.send ? 'the server refused this message' : 'the server refused this request'),
  },
  90001: { retry: 'now', text: () => 'the server had a problem' },
  90004: { retry: 'never', text: (x) => (x.limit ? `message too long (limit ${x.limit} bytes)` : 'message too long') },
  90005: { retry: 'pause', text: () => 'you are sending too fast' },
  92001: { retry: 'now', text: () => 'no chat server is available' },
  93001: { retry: 'never', text: () => 'a token is needed: paste one' },
  93002: { retry: 'never', text: (x) => `this token is not valid for uid ${x.uid}` },
  93003: { retry: 'now', text: () => 'this connection is not signed in' },
  93004: { retry: 'never', text: () => 'your token has expired: paste a new one' },
  93005: { retry: 'never', text: (x) => `this request was not for uid ${x.uid}, the user signed in here` },
  93006: { retry: 'never', text: () => 'signed in elsewhere' },
};
const AUTH_ERRORS = new Set([93001, 93002, 93004, 93005]); // a login refused for its token: ask for another

const PING_EVERY_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
const OPEN_TIMEOUT_MS = 10_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const MAX_FRAME_TEXT = 60_000; // bytes of text that surely fit in one 64 KiB frame
const RATE_PAUSE_MS = 3_000; // after "sending too fast", a retry is offered this much later
const KEEP_PER_CONV = 300; // messages kept per conversation in sessionStorage
const STORE_KEY = 'fishchat.session';
const SYSTEM_CONV = 'system:0'; // notices from the server (sourceUID 0) that belong to no group

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

const REVOKED = 'token revoked'; // errStr of 93002 when the service revoked the user's tokens

/** An error answer in plain words: {code, text, retry, wire}; x as for ERRORS. */
function problem(code, errStr, x = {}) {
  if (code === 93002 && errStr === REVOKED) {
    return { code, text: 'your sign-in was revoked by the service: paste a new token', retry: 'never', wire: `error ${code}: ${errStr}` };
  }
  const e = ERRORS[code];
  const wire = `error ${code}${errStr && errStr !== 'ok' ? `: ${errStr}` : ''}`;
  const text = e ? e.text({ uid: S.uid, limit: S.maxBytes, ...x }) : `the server answered ${wire}`;
  return { code, text, retry: e?.retry ?? 'never', wire };
}

function capital(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function utf8Length(text) {
  return new TextEncoder().encode(text).length;
}

/** The largest message text this page sends: the server's limit, within what one frame holds. */
function sendLimit() {
  return S.maxBytes ? Math.min(S.maxBytes, MAX_FRAME_TEXT) : MAX_FRAME_TEXT;
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
  token: '', // '' once the server refused it (needToken): never sent again
  needToken: false, // the login was refused for the token: Reconnect asks for a new one
  tokenNote: '', // why (in plain words), said again when the page asks for a new token
  maxBytes: 0, // the server's message size limit (ResLogin.maxMessageBytes; 0 = not told)
  lastSeq: 0, // newest inbox seq held
  convs: new Map(), // key -> {key, kind: 'p2p'|'group'|'system', id, unread, last, lastText, left}
  msgs: new Map(), // conv key -> [message]
  seqs: new Set(), // inbox seqs held
  byMsgKey: new Map(), // `${from}:${msgID}` -> message
  pending: [], // my messages not yet acknowledged, oldest first
  current: null, // open conversation key
  presence: new Map(), // uid -> {online, devices, since} of one-to-one peers (cmd 20012/20013; not saved)
};

function convOf(key) {
  let c = S.convs.get(key);
  if (!c) {
    const [kind, id] = key.split(':');
    c = { key, kind, id: Number(id), unread: 0, last: 0, lastText: '', left: false };
    S.convs.set(key, c);
    S.msgs.set(key, []);
    if (kind === 'p2p') watchPresence();
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

/**
 * An offsetMsg from a sync reply: shown once, whatever path it took. Two kinds need care:
 * sourceUID 0 is a notice from the server itself (a system line, in its group or in the
 * notices conversation); sourceUID = me is mine, sent from another device (a one-to-one copy
 * belongs to the conversation with its targetUID), and never unread.
 */
function ingest(o) {
  if (o.seq && S.seqs.has(o.seq)) return;
  const isGroup = o.msgType === 'group' || (o.groupID && o.msgType !== 'p2p');
  const system = o.sourceUID === 0;
  const mine = !system && o.sourceUID === S.uid;
  const conv = isGroup ? `group:${o.groupID}` : system ? SYSTEM_CONV : `p2p:${mine ? o.targetUID : o.sourceUID}`;
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
  const m = {
    seq: o.seq || 0, from: o.sourceUID, conv, msgID: o.msgID, text: o.msg,
    time: o.sentAtMillis || Date.now(), status: mine ? 'sent' : 'received', err: '',
  };
  const c = addMessage(m);
  if (isGroup && c.left && !mine && !system) c.left = false; // we are a member again somewhere else
  // Unread: what others wrote, and the server's own notices to me; not a group's system lines.
  if (!mine && !(system && isGroup) && (conv !== S.current || document.hidden)) c.unread++;
}

/** m's state: 'pending', 'sent' or 'failed' with problem p (see problem()). */
function settle(m, status, p = null) {
  m.status = status;
  m.err = p ? p.text : '';
  m.wire = p ? p.wire : '';
  m.retry = p ? p.retry : '';
  m.retryAt = p && p.retry === 'pause' ? Date.now() + RATE_PAUSE_MS : 0;
  const i = S.pending.indexOf(m);
  if (i >= 0 && status !== 'pending') S.pending.splice(i, 1);
  if (m.retryAt) setTimeout(render, RATE_PAUSE_MS + 20);
}

/** Whether a failed message may be sent again now; older sessions stored no retry kind. */
function retryable(m) {
  return m.status === 'failed' && m.retry !== 'never' && Date.now() >= (m.retryAt || 0);
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
      v: 1, uid: S.uid, token: S.token, tokenNote: S.tokenNote, maxBytes: S.maxBytes, lastSeq: S.lastSeq, current: S.current,
      convs: [...S.convs.values()],
      msgs: msgs.map(({ seq, from, conv, msgID, text, time, status, err, wire, retry, retryAt }) => ({
        seq, from, conv, msgID, text, time, status, err, wire, retry, retryAt,
      })),
    };
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(data));
    } catch (e) {
      console.warn('sessionStorage full or unavailable:', e.message);
    }
  }, 200);
}

/** 'resume' (a session to resume), 'token' (a session whose token was refused), or false. */
function restore() {
  let data;
  try {
    data = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
  } catch {
    data = null;
  }
  if (!data || data.v !== 1 || !data.uid) return false;
  S.uid = data.uid;
  S.token = data.token || '';
  S.needToken = !S.token;
  S.tokenNote = data.tokenNote || '';
  S.maxBytes = data.maxBytes || 0;
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
  return S.needToken ? 'token' : 'resume';
}

function clearSession() {
  sessionStorage.removeItem(STORE_KEY);
  S.uid = 0;
  S.token = '';
  S.needToken = false;
  S.tokenNote = '';
  S.maxBytes = 0;
  S.lastSeq = 0;
  S.convs.clear();
  S.msgs.clear();
  S.seqs.clear();
  S.byMsgKey.clear();
  S.pending.length = 0;
  S.current = null;
  S.presence.clear();
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
  kickReason: '', // the server's words when it closed this session for a newer login
  watching: '', // the uids last sent in a presence request (comma-joined), '' after a new login
  watchTimer: null,
};

const statusLog = [];
function setStatus(state, text, title = '', log = true) {
  const el = $('#status');
  el.dataset.state = state;
  document.body.dataset.state = state;
  el.textContent = text;
  el.title = title;
  if (!log) return;
  const line = `${new Date().toISOString().slice(11, 23)} ${state}: ${text}${title ? ` (${title})` : ''}`;
  if (statusLog.at(-1)?.slice(13) !== line.slice(13)) statusLog.push(line);
  if (statusLog.length > 200) statusLog.shift();
  $('#reconnect').hidden = !(state === 'kicked' || state === 'offline');
  renderNotice();
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
  if (!S.token) return askForToken();
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
    // ownCopies: what this user sends from another device (or the service sends as this user)
    // comes back in the inbox, so every device shows the whole conversation. pushMessages: each
    // new entry arrives itself (cmd 20014) instead of a notify that costs a sync round trip.
    res = await request(CMD.LOGIN, { UID: S.uid, token: S.token, ownCopies: true, pushMessages: true });
  } catch (e) {
    return; // the connection went away; onclose reconnects
  }
  if (C.ws !== ws) return;
  if (res.errCode !== 0) {
    const p = problem(res.errCode, res.errStr);
    if (AUTH_ERRORS.has(res.errCode)) {
      // This token will never be accepted again: forget it, so that no retry, reload or
      // Reconnect sends it again, and ask for a new one (same uid: the history stays).
      C.stopped = true;
      C.everConnected = false;
      S.token = '';
      S.needToken = true;
      ws.close(1000, 'sign-in refused');
      setStatus('offline', 'sign-in refused', p.text);
      askForToken(`${capital(p.text)}.`);
      return;
    }
    if (res.retryAfterMs) C.minDelay = res.retryAfterMs; // refused for opening too fast: the server's hint
    ws.close(1000, 'sign-in failed');
    if (!C.everConnected) showLoginError(`Sign-in failed: ${p.text}; retrying`);
    return; // onclose schedules the retry
  }
  S.maxBytes = res.maxMessageBytes || 0;
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
  C.watching = '';
  watchPresence();
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
    case CMD.MESSAGE_PUSH:
      onPush(msg);
      return;
    case CMD.KICK:
      C.stopped = true;
      if (msg.errCode === 93002) {
        // The service revoked this user's tokens: this one will never work again.
        const p = problem(msg.errCode, msg.errStr);
        S.token = '';
        S.needToken = true;
        C.ws?.close(1000, 'token revoked');
        setStatus('offline', 'sign-in revoked', p.text);
        askForToken(`${capital(p.text)}.`);
        return;
      }
      C.kickReason = msg.reason || '';
      setStatus('kicked', 'signed in elsewhere', msg.reason || problem(msg.errCode, msg.errStr).wire);
      C.ws?.close(1000, 'kicked');
      return;
    case CMD.PRESENCE_CHANGE:
      for (const u of msg.users || []) S.presence.set(u.UID, u);
      render();
      return;
    case CMD.ERROR:
      if (C.waiting.length > 0) break; // the answer to a request the server could not take
      console.warn(`server error push: ${problem(msg.errCode, msg.errStr).wire}`);
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

const MAX_WATCHED = 1000; // the server's limit on one presence request

/**
 * Asks the server for the presence of every one-to-one peer (the most recent 1000), and from then
 * on for a push (cmd 20013) when one changes. Sent again, shortly after, when a conversation with
 * a new peer appears; a server without presence answers with an error and the dots stay away.
 */
function watchPresence() {
  if (C.watchTimer) return;
  C.watchTimer = setTimeout(async () => {
    C.watchTimer = null;
    if (!C.loggedIn) return;
    const uids = [...S.convs.values()].filter((c) => c.kind === 'p2p' && c.id !== S.uid)
      .sort((a, b) => b.last - a.last).slice(0, MAX_WATCHED).map((c) => c.id);
    const key = uids.join(',');
    if (key === C.watching) return;
    C.watching = key;
    try {
      const res = await request(CMD.PRESENCE, { UIDs: uids });
      if (res.cmd !== CMD.PRESENCE || res.errCode !== 0) {
        console.info(`no presence from this server: ${problem(res.errCode, res.errStr).wire}`);
        return;
      }
      for (const u of res.users || []) S.presence.set(u.UID, u);
      render();
    } catch (e) {
      C.watching = ''; // asked again after the next login
    }
  }, 50);
}

/** A peer's presence in words, for the dot's title and the conversation's subtitle; null when unknown. */
function presenceText(uid) {
  const p = S.presence.get(uid);
  if (!p) return null;
  if (p.online) return p.devices > 1 ? `online on ${p.devices} devices` : 'online';
  return p.since ? `offline, last seen ${when(p.since)}` : 'offline';
}

/**
 * A pushed inbox entry: shown at once when it follows the newest seq held (an entry with no
 * message, the user's own copy it is not shown, only moves the seq on); after a hole (entries
 * missed, or pushes the server folded into one notify) a sync fetches from the newest seq held.
 */
function onPush(msg) {
  const msgs = msg.Msgs || [];
  const upTo = Math.max(msg.currentID || 0, ...msgs.map((o) => o.seq || 0));
  if (upTo <= S.lastSeq) return; // a sync got there first
  const first = msgs.length ? msgs[0].seq : upTo;
  if (first !== S.lastSeq + 1) {
    sync();
    return;
  }
  for (const o of msgs) ingest(o);
  S.lastSeq = upTo;
  render();
  save();
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
        console.warn(`sync failed: ${problem(res.errCode, res.errStr).wire}`);
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
  if (utf8Length(m.text) > sendLimit()) {
    // Typed before this server told its limit (e.g. while offline): it would only be refused.
    settle(m, 'failed', problem(90004, '', { limit: sendLimit() }));
    render();
    save();
    return;
  }
  m.inflight = true;
  try {
    const res = c.kind === 'group'
      ? await request(CMD.GROUP, { sourceUID: S.uid, groupID: c.id, msgID: m.msgID, msg: m.text })
      : await request(CMD.P2P, { sourceUID: S.uid, targetUID: c.id, msgID: m.msgID, msg: m.text });
    if (res.errCode === 0) {
      if (m.status !== 'sent') settle(m, 'sent');
    } else {
      settle(m, 'failed', problem(res.errCode, res.errStr, c.kind === 'group' ? { groupID: c.id } : { send: true }));
      // Not a member (any more): e.g. left from another device. Writing here needs a join.
      if (c.kind === 'group' && res.errCode === 10001) c.left = true;
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

/** Sends text to the open conversation; false (nothing sent) when it is over the size limit. */
function sendText(text) {
  const c = S.convs.get(S.current);
  if (!c || !text.trim() || !canWrite(c)) return false;
  if (utf8Length(text) > sendLimit()) return false; // refused here: it could never be sent
  const m = { seq: 0, from: S.uid, conv: c.key, msgID: uuid(), text, time: Date.now(), status: 'pending', err: '' };
  addMessage(m);
  S.pending.push(m);
  render({ scroll: true });
  save();
  transmit(m);
  return true;
}

function retry(m) {
  if (!retryable(m)) return;
  settle(m, 'pending');
  S.pending.push(m);
  render();
  transmit(m);
}

/** The composer's note when the text is over the limit ('' when it is fine). */
function tooLongNote(text) {
  const n = utf8Length(text);
  const limit = sendLimit();
  return n > limit ? `Message too long (limit ${limit} bytes): this one is ${n} bytes. Shorten it to send it.` : '';
}

function composerError(text) {
  const e = $('#composer-error');
  if (e.textContent !== text) e.textContent = text;
  e.hidden = !text;
  $('#text').setAttribute('aria-invalid', text ? 'true' : 'false');
}

const narrow = window.matchMedia('(max-width: 700px)');

function openConv(key) {
  const c = convOf(key);
  const was = S.current;
  S.current = key;
  c.unread = 0;
  // On a phone the list and the conversation are two screens: the browser's back (a phone's
  // back gesture) goes back to the list.
  if (narrow.matches) {
    if (!was) history.pushState({ fishchatConv: key }, '');
    else history.replaceState({ fishchatConv: key }, '');
  }
  render({ scroll: true });
  save();
  if (!narrow.matches) $('#text').focus(); // on a phone that would pop the keyboard up at once
}

/** Back to the conversation list (the phone layout's back control). */
function closeConv() {
  if (S.current && history.state?.fishchatConv === S.current) {
    history.back(); // popstate closes it
    return;
  }
  S.current = null;
  render();
  save();
}

async function joinGroup(gid) {
  sideError('');
  try {
    const res = await request(CMD.JOIN, { UID: S.uid, groupID: gid });
    if (res.errCode !== 0) return sideError(`Could not join group ${gid}: ${problem(res.errCode, res.errStr).text}`);
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
    if (res.errCode !== 0) return sideError(`Could not leave group ${c.id}: ${problem(res.errCode, res.errStr).text}`);
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

/**
 * The server refused the token (expired, not this uid's...): the sign-in form, with the uid
 * filled in, asks for a new one. Reconnect comes here too: the old token is never sent again.
 */
function askForToken(note = S.tokenNote || 'Paste a new token to sign in again.') {
  C.stopped = true;
  S.tokenNote = note;
  C.everConnected = false;
  save();
  showLogin();
  if (S.uid) $('#uid').value = String(S.uid);
  $('#token').value = '';
  showLoginError(note);
  $('#token').focus();
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

/** "Signed in elsewhere": said at the top of the conversation area, with a way back. */
function renderNotice() {
  const kicked = $('#status').dataset.state === 'kicked';
  $('#notice').hidden = !kicked;
  if (!kicked) return;
  $('#notice-title').textContent = 'Signed in elsewhere';
  $('#notice-text').textContent = `User ${S.uid} signed in on another device${C.kickReason ? ` (${C.kickReason})` : ''}, `
    + 'so the server closed this page\'s connection. This page will not reconnect by itself: '
    + 'reconnect here if you want to go on chatting in this window.';
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
function when(ms) {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString() ? timeFmt.format(d) : dayFmt.format(d);
}

/** An element; every text goes in as text (textContent), never as markup. */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'role') e.setAttribute(k, v);
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
  return c.kind === 'group' ? `Group ${c.id}` : c.kind === 'system' ? 'Server notices' : `User ${c.id}`;
}

function canWrite(c) {
  return !!c && c.kind !== 'system' && !(c.kind === 'group' && c.left);
}

function failedText(m) {
  if (m.retry === 'never') return `not sent: ${m.err}`;
  return `not sent: ${m.err} — ${retryable(m) ? 'click to retry' : 'you can retry in a moment'}`;
}

function renderNow(forceScroll) {
  // Conversation list, most recent first.
  const list = $('#convs');
  const convs = [...S.convs.values()].sort((a, b) => b.last - a.last || a.key.localeCompare(b.key));
  list.replaceChildren(...convs.map((c) => el('li', {
    class: `conv${c.key === S.current ? ' active' : ''}${c.left ? ' left' : ''}`,
    'data-conv': c.key,
    tabIndex: 0,
    role: 'button',
    title: convTitle(c),
  },
  el('span', { class: `avatar ${c.kind}`, text: c.kind === 'group' ? '#' : c.kind === 'system' ? 'i' : String(c.id).slice(-2) },
    c.kind === 'p2p' && S.presence.has(c.id) ? el('span', {
      class: `presence ${S.presence.get(c.id).online ? 'online' : 'offline'}`,
      'data-presence': S.presence.get(c.id).online ? 'online' : 'offline',
      title: presenceText(c.id),
      'aria-label': presenceText(c.id),
      role: 'img',
    }) : null),
  el('span', { class: 'conv-body' },
    el('span', { class: 'conv-name', text: convTitle(c) + (c.left ? ' (left)' : '') }),
    el('span', { class: 'conv-last', text: c.lastText || (c.kind === 'group' ? 'joined' : c.kind === 'system' ? '' : 'new chat') })),
  c.unread > 0 ? el('span', { class: 'unread', text: String(c.unread), 'aria-label': `${c.unread} unread` }) : null)));
  $('#no-convs').hidden = convs.length > 0;

  const totalUnread = convs.reduce((n, c) => n + c.unread, 0);
  document.title = totalUnread ? `(${totalUnread}) fishchat` : 'fishchat';

  // Open conversation. Under 700 px wide the list and the conversation are two screens.
  const c = S.current && S.convs.get(S.current);
  $('#chat-view').dataset.screen = c ? 'conv' : 'list';
  const otherUnread = totalUnread - (c ? c.unread : 0);
  $('#back-unread').textContent = otherUnread > 0 ? String(otherUnread) : '';
  $('#back-unread').hidden = !(otherUnread > 0);
  $('#conv-title').textContent = c ? convTitle(c) : 'No conversation selected';
  $('#conv-sub').textContent = !c ? 'Pick a conversation on the left, or start one.'
    : c.kind === 'group' ? (c.left ? 'You are not a member of this group (any more): join it again to write.' : 'Group chat')
      : c.kind === 'system' ? 'Notices from the server'
        : `One-to-one chat${presenceText(c.id) ? ` · ${presenceText(c.id)}` : ''}`;
  $('#leave-group').hidden = !(c && c.kind === 'group' && !c.left);
  $('#rejoin-group').hidden = !(c && c.kind === 'group' && c.left);
  const writable = canWrite(c);
  $('#text').disabled = !writable;
  $('#send').disabled = !writable;
  $('#composer').hidden = !!c && c.kind === 'system';

  const box = $('#messages');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const msgs = c ? S.msgs.get(c.key) : [];
  box.replaceChildren(...msgs.map((m) => {
    const system = m.from === 0;
    const mine = !system && m.from === S.uid;
    const failed = m.status === 'failed';
    const again = failed && retryable(m);
    const statusText = !mine ? null : m.status === 'pending' ? 'sending…' : failed ? failedText(m) : 'sent';
    const li = el('li', {
      class: `msg ${system ? 'system' : mine ? 'mine' : 'theirs'} ${m.status}${again ? ' retryable' : ''}`,
      'data-seq': m.seq ? String(m.seq) : null,
      'data-from': String(m.from),
      'data-msgid': m.msgID || null,
      'data-status': m.status,
      'data-retry': failed ? (m.retry === 'never' ? 'no' : again ? 'yes' : 'later') : null,
      title: failed && m.wire ? m.wire : null,
      tabIndex: again ? 0 : null,
      role: again ? 'button' : null,
    },
    system ? el('div', { class: 'msg-from', text: 'Server notice' })
      : c.kind === 'group' && !mine ? el('div', { class: 'msg-from', text: `User ${m.from}` }) : null,
    el('div', { class: 'msg-text', text: m.text }),
    el('div', { class: 'msg-meta' },
      el('time', { text: when(m.time), dateTime: new Date(m.time).toISOString() }),
      statusText ? el('span', { class: 'msg-status', text: statusText }) : null));
    if (again) {
      li.addEventListener('click', () => retry(m));
      li.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          retry(m);
        }
      });
    }
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
    S.needToken = false;
    S.tokenNote = '';
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
  $('#back').addEventListener('click', closeConv);
  window.addEventListener('popstate', () => {
    if (!narrow.matches) return; // two screens only on a phone
    const key = history.state?.fishchatConv;
    const next = key && S.convs.has(key) ? key : null;
    if (next === S.current) return;
    S.current = next;
    if (next) S.convs.get(next).unread = 0;
    render({ scroll: true });
    save();
  });
  $('#leave-group').addEventListener('click', leaveGroup);
  $('#rejoin-group').addEventListener('click', () => {
    const c = S.convs.get(S.current);
    if (c?.kind === 'group') joinGroup(c.id);
  });
  $('#composer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('#text');
    if (!t.value.trim()) return;
    const note = tooLongNote(t.value);
    composerError(note);
    if (note) return; // kept in the box, to be shortened
    sendText(t.value);
    t.value = '';
    autosize();
  });
  const autosize = () => {
    const t = $('#text');
    t.style.height = 'auto';
    t.style.height = `${Math.min(160, t.scrollHeight)}px`;
  };
  $('#text').addEventListener('input', () => {
    autosize();
    composerError(tooLongNote($('#text').value));
  });
  $('#text').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      $('#composer').requestSubmit();
    }
  });
  $('#logout').addEventListener('click', signOut);
  const reconnect = () => {
    if (S.needToken || !S.token) return askForToken();
    C.attempt = 0;
    if (S.uid) connect();
  };
  $('#reconnect').addEventListener('click', reconnect);
  $('#notice-action').addEventListener('click', reconnect);
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
    needToken: S.needToken, maxBytes: S.maxBytes,
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
  const restored = restore();
  if (restored === 'resume') {
    // A reload: resume the session where it was.
    C.everConnected = true;
    showChat();
    connect();
  } else if (restored === 'token') {
    // A reload after the server refused the token: it is not tried again.
    setStatus('offline', 'sign-in refused', S.tokenNote);
    askForToken();
  } else {
    showLogin();
    $('#uid').focus();
  }
}

main();
