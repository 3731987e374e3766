// Helpers for fishchat's browser tests: environment, tokens, a Chromium launcher, page
// helpers that log in and wait, and a TCP client speaking DESIGN §2 (2-byte big-endian length
// + protobuf), as FishChatServer2's own clients do.
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { CMD, REQ_TYPE as REQ, RES_TYPE as RES } from '../src/chat/commands.js';

const here = dirname(fileURLToPath(import.meta.url));
const protoDir = resolve(here, '..', '..', 'proto');

export const WAIT_MS = Number(process.env.FISHCHAT_WAIT_MS || 15000);

// ---------------------------------------------------------------- environment

export function env(name, { required = true } = {}) {
  const v = process.env[name];
  if (required && !v) throw new Error(`environment variable ${name} is not set (see web/test/lib.mjs)`);
  return v || '';
}

export { CMD };

let rootPromise;
/** The protocol's types, parsed from ../proto/*.proto. */
export function protoRoot() {
  rootPromise ??= protobuf.load(readdirSync(protoDir).filter((f) => f.endsWith('.proto')).map((f) => join(protoDir, f)));
  return rootPromise;
}

/** A login token for uid, from `$FISHCHAT_TOKEN_CMD --uid U` (its last non-empty line); ttl: e.g. '5s'. */
export function token(uid, ttl = null) {
  const cmd = `${env('FISHCHAT_TOKEN_CMD')} --uid ${uid}${ttl ? ` --ttl ${ttl}` : ''}`;
  const out = execSync(cmd, { encoding: 'utf8', timeout: 30000, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) throw new Error(`"${cmd}" printed no token`);
  return lines[lines.length - 1];
}

/**
 * A call to the server API ($FISHCHAT_API, key $FISHCHAT_API_KEY), as the app's backend makes it;
 * resolves with the JSON answer, rejects on any status but 200.
 */
export async function api(method, path, body = null) {
  const res = await fetch(new URL(path, env('FISHCHAT_API')), {
    method,
    headers: { Authorization: `Bearer ${env('FISHCHAT_API_KEY')}`, 'Content-Type': 'application/json' },
    body: body == null ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Distinct uids for one test run, so reruns against the same data never collide. */
let nextUid = 1_000_000 + (Date.now() % 1_000_000_000) * 10;
export function freshUid() {
  return nextUid++;
}

export function freshGroupId() {
  return 500000000 + Math.floor(Math.random() * 400000000);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value; throws describe() after ms. */
export async function until(fn, what, ms = WAIT_MS, every = 100) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await sleep(every);
  }
}

// ---------------------------------------------------------------- browser

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    timeout: 60000,
  });
}

export const DESKTOP = { width: 1280, height: 800 };
/** A phone: what Playwright's iPhone 13/14 viewports are (CSS pixels). */
export const PHONE = { width: 390, height: 844 };

/**
 * A new context + page that records its console and errors, for diagnostics, and every
 * Content-Security-Policy violation (page.fishCsp: the pages must need no inline script or style).
 */
export async function newPage(browser, name, viewport = DESKTOP) {
  const phone = viewport.width < 700;
  const context = await browser.newContext({ viewport, ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.fishLog = [];
  page.fishName = name;
  page.fishCsp = [];
  const log = (line) => {
    page.fishLog.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    if (page.fishLog.length > 400) page.fishLog.shift();
  };
  page.on('console', (m) => {
    log(`console.${m.type()}: ${m.text()}`);
    if (/Content Security Policy/i.test(m.text())) page.fishCsp.push(m.text());
  });
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => log(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.fishSockets = 0;
  page.on('websocket', (ws) => {
    page.fishSockets++;
    log(`websocket open ${ws.url()}`);
    ws.on('close', () => log(`websocket closed ${ws.url()}`));
    ws.on('socketerror', (e) => log(`websocket error ${e}`));
  });
  return { context, page };
}

/** What to print when a test fails: the status, the status history and the console of each page. */
export async function diagnostics(pages) {
  const out = [];
  for (const page of pages) {
    if (!page) continue;
    let status = '(page closed)';
    let history = '';
    let state = '';
    try {
      status = await page.evaluate(() => document.querySelector('#status')?.textContent ?? '(no #status)');
      history = await page.evaluate(() => (window.fishchat?.statusLog ?? []).slice(-20).join('\n    '));
      state = await page.evaluate(() => JSON.stringify(window.fishchat?.debug?.() ?? null));
    } catch (e) {
      status += ` (${e.message.split('\n')[0]})`;
    }
    out.push(`--- page ${page.fishName}: #status = ${JSON.stringify(status)}`);
    if (history) out.push(`  status history:\n    ${history}`);
    if (state) out.push(`  state: ${state}`);
    out.push(`  console (last ${Math.min(60, page.fishLog?.length ?? 0)}):`);
    for (const l of (page.fishLog ?? []).slice(-60)) out.push(`    ${l}`);
  }
  return out.join('\n');
}

/**
 * Runs body(); on failure prints diagnostics() of the pages (a function: pages may come later)
 * and saves a screenshot of each in the test output. Then fails on any CSP violation.
 */
export async function withDiagnostics(pagesFn, body) {
  try {
    await body();
    for (const p of pagesFn()) {
      if (p?.fishCsp?.length) throw new Error(`page ${p.fishName} violated the Content-Security-Policy:\n${p.fishCsp.join('\n')}`);
    }
  } catch (e) {
    for (const p of pagesFn()) {
      if (p && !p.isClosed()) await screenshot(p, `failed-${p.fishName.replace(/[^A-Za-z0-9_-]+/g, '-')}.png`, { docs: false }).catch(() => {});
    }
    let d = '';
    try {
      d = await diagnostics(pagesFn());
    } catch (e2) {
      d = `(diagnostics failed: ${e2.message})`;
    }
    console.error(`\n===== diagnostics =====\n${d}\n=======================\n`);
    throw e;
  }
}

/** The chat page URL, with ?ws= when FISHCHAT_WS overrides what /access says. */
export function chatUrl() {
  const url = new URL(env('FISHCHAT_WEB'));
  if (process.env.FISHCHAT_WS) url.searchParams.set('ws', process.env.FISHCHAT_WS);
  return url.toString();
}

/** Opens the chat page and signs in as uid; resolves when #status says connected. */
export async function login(page, uid, tok = token(uid)) {
  await page.goto(chatUrl());
  await page.fill('#uid', String(uid));
  await page.fill('#token', tok);
  await page.click('#login');
  await waitConnected(page);
}

export async function waitConnected(page, ms = WAIT_MS) {
  await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'connected', null, { timeout: ms });
}

// (On a phone the list is hidden once a conversation is open: 'attached', not 'visible'.)
export async function openPeer(page, peer) {
  await page.fill('#peer', String(peer));
  await page.click('#open-peer');
  await page.waitForSelector(`[data-conv="p2p:${peer}"].active`, { state: 'attached' });
}

export async function openConv(page, key) {
  await page.click(`[data-conv="${key}"]`);
  await page.waitForSelector(`[data-conv="${key}"].active`, { state: 'attached' });
}

export async function joinGroup(page, gid) {
  await page.fill('#group', String(gid));
  await page.click('#join-group');
  await page.waitForSelector(`[data-conv="group:${gid}"].active`, { state: 'attached' });
}

/** Types text into the open conversation, sends it, and waits for the server's ack. */
export async function send(page, text) {
  await page.fill('#text', text);
  await page.click('#send');
  await page.waitForFunction(
    (t) => [...document.querySelectorAll('#messages .msg.mine')].some((e) => e.querySelector('.msg-text')?.textContent === t && e.dataset.status === 'sent'),
    text,
  );
}

/** Waits until the open conversation shows a message with this text (from uid, when given). */
export async function waitMessage(page, text, from) {
  await page.waitForFunction(
    ([t, f]) => [...document.querySelectorAll('#messages .msg')].some((e) => e.querySelector('.msg-text')?.textContent === t && (f == null || e.dataset.from === String(f))),
    [text, from == null ? null : String(from)],
  );
}

/** The texts of the messages shown in the open conversation, in order. */
export function messageTexts(page) {
  return page.$$eval('#messages .msg .msg-text', (els) => els.map((e) => e.textContent));
}

/** [{seq, from, text, status}] of the open conversation. */
export function messages(page) {
  return page.$$eval('#messages .msg', (els) => els.map((e) => ({
    seq: e.dataset.seq ?? null, from: e.dataset.from, text: e.querySelector('.msg-text')?.textContent, status: e.dataset.status,
  })));
}

/**
 * Saves a screenshot in the test output ($FISHCHAT_TEST_OUTPUT) and, when docs, in
 * $FISHCHAT_SCREENSHOTS too (the pictures of README.md).
 */
export async function screenshot(page, name, { docs = true } = {}) {
  const dirs = [process.env.FISHCHAT_TEST_OUTPUT, docs ? process.env.FISHCHAT_SCREENSHOTS : null].filter(Boolean);
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, name) });
  }
}

/**
 * Routes the page's WebSocket through the test (set up before the page connects): each
 * message of the server goes through rewrite(msg) with msg decoded (toObject, longs as
 * numbers); rewrite returns the object to send instead, DROP to lose the message on the
 * way (a hole the page must notice), or nothing to pass it on unchanged.
 */
export const DROP = Symbol('drop');

export async function rewriteFromServer(page, rewrite) {
  const root = await protoRoot();
  const base = root.lookupType('external.Base');
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      if (typeof m === 'string') return ws.send(m);
      const cmd = base.decode(m).cmd;
      const T = RES[cmd] && root.lookupType(`external.${RES[cmd]}`);
      if (!T) return ws.send(m);
      const changed = rewrite(T.toObject(T.decode(m), { longs: Number, defaults: true, arrays: true }));
      if (changed === DROP) return;
      ws.send(changed ? Buffer.from(T.encode(T.fromObject(changed)).finish()) : m);
    });
  });
}

// ---------------------------------------------------------------- TCP client

/**
 * A client of the access server's TCP port: frames are a 2-byte big-endian length then the
 * protobuf body. Replies come back in request order; ResNotify / ResKick / Error are pushes.
 * It keeps its own inbox: on every ResNotify past what it holds it syncs, so received() and
 * waitFor() see every message once.
 */
export class TcpClient {
  constructor(root, socket) {
    this.root = root;
    this.socket = socket;
    this.waiting = []; // FIFO of {cmd, resolve, reject}
    this.buf = Buffer.alloc(0);
    this.inbox = new Map(); // seq -> offsetMsg
    this.lastSeq = 0;
    this.closed = false;
    this.pushes = [];
    this.syncing = null;
    this.uid = 0;
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
    socket.on('close', () => this.onClose(new Error('connection closed')));
    socket.on('error', (e) => this.onClose(e));
  }

  static async connect(hostPort = env('FISHCHAT_ACCESS_TCP')) {
    const root = await protoRoot();
    const [host, port] = splitHostPort(hostPort);
    const socket = await new Promise((res, rej) => {
      const s = net.connect({ host, port }, () => res(s));
      s.once('error', rej);
      s.setTimeout(10000, () => s.destroy(new Error('connect timeout')));
    });
    socket.setTimeout(0);
    socket.removeAllListeners('error');
    return new TcpClient(root, socket);
  }

  type(name) {
    return this.root.lookupType(`external.${name}`);
  }

  encode(cmd, fields) {
    const T = this.type(REQ[cmd]);
    const body = T.encode(T.fromObject({ cmd, ...fields })).finish();
    if (body.length > 0xffff) throw new Error(`frame too large: ${body.length}`);
    const frame = Buffer.alloc(2 + body.length);
    frame.writeUInt16BE(body.length, 0);
    frame.set(body, 2);
    return frame;
  }

  decode(bytes) {
    const cmd = this.type('Base').decode(bytes).cmd;
    const name = RES[cmd];
    if (!name) return { cmd, unknown: true };
    const T = this.type(name);
    return T.toObject(T.decode(bytes), { longs: Number, defaults: true, arrays: true });
  }

  onData(d) {
    this.buf = Buffer.concat([this.buf, d]);
    while (this.buf.length >= 2) {
      const n = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + n) break;
      const body = this.buf.subarray(2, 2 + n);
      this.buf = this.buf.subarray(2 + n);
      let msg;
      try {
        msg = this.decode(body);
      } catch (e) {
        this.onClose(new Error(`undecodable frame: ${e.message}`));
        return;
      }
      this.onMessage(msg);
    }
  }

  onMessage(msg) {
    if (msg.cmd === CMD.NOTIFY || msg.cmd === CMD.KICK || (msg.cmd === CMD.ERROR && this.waiting.length === 0)) {
      this.pushes.push(msg);
      if (msg.cmd === CMD.NOTIFY && msg.currentID > this.lastSeq) this.sync().catch(() => {});
      return;
    }
    const w = this.waiting.shift();
    if (!w) {
      this.pushes.push(msg);
      return;
    }
    w.resolve(msg);
  }

  onClose(err) {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(err);
    this.socket.destroy();
  }

  /** Sends one request and resolves with its reply (rejects on timeout or a closed socket). */
  request(cmd, fields = {}, ms = WAIT_MS) {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no reply to cmd ${cmd} in ${ms} ms`));
        this.onClose(new Error('request timed out'));
      }, ms);
      this.waiting.push({
        cmd,
        resolve: (m) => { clearTimeout(timer); resolve(m); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.socket.write(this.encode(cmd, fields));
    });
  }

  async login(uid, tok = token(uid)) {
    this.uid = uid;
    const res = await this.request(CMD.LOGIN, { UID: uid, token: tok });
    if (res.errCode !== 0) throw new Error(`login of ${uid} failed: ${res.errCode} ${res.errStr}`);
    if (res.currentID > this.lastSeq) await this.sync();
    return res;
  }

  async sendP2P(target, msg, msgID = `tcp-${this.uid}-${Date.now()}-${Math.random().toString(36).slice(2)}`) {
    const res = await this.request(CMD.P2P, { sourceUID: this.uid, targetUID: target, msgID, msg });
    if (res.errCode !== 0) throw new Error(`send to ${target} failed: ${res.errCode} ${res.errStr}`);
    return res;
  }

  async sendGroup(groupID, msg, msgID = `tcp-${this.uid}-${Date.now()}-${Math.random().toString(36).slice(2)}`) {
    const res = await this.request(CMD.GROUP, { sourceUID: this.uid, groupID, msgID, msg });
    if (res.errCode !== 0) throw new Error(`send to group ${groupID} failed: ${res.errCode} ${res.errStr}`);
    return res;
  }

  async join(groupID) {
    const res = await this.request(CMD.JOIN, { UID: this.uid, groupID });
    if (res.errCode !== 0) throw new Error(`join ${groupID} failed: ${res.errCode} ${res.errStr}`);
  }

  async leave(groupID) {
    const res = await this.request(CMD.LEAVE, { UID: this.uid, groupID });
    if (res.errCode !== 0) throw new Error(`leave ${groupID} failed: ${res.errCode} ${res.errStr}`);
  }

  async ping() {
    return this.request(CMD.PING, { UID: this.uid });
  }

  /** Syncs until more=false; one sync at a time. */
  sync() {
    this.syncing ??= (async () => {
      try {
        for (let i = 0; i < 1000; i++) {
          const res = await this.request(CMD.SYNC, { UID: this.uid, currentID: this.lastSeq });
          if (res.errCode !== 0) throw new Error(`sync failed: ${res.errCode} ${res.errStr}`);
          for (const m of res.Msgs) this.inbox.set(m.seq, m);
          const advanced = res.currentID > this.lastSeq;
          if (advanced) this.lastSeq = res.currentID;
          if (!res.more || !advanced) break;
        }
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  received() {
    return [...this.inbox.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Waits until a received message matches pred (syncing on notifies meanwhile). */
  async waitFor(pred, what = 'a message', ms = WAIT_MS) {
    return until(() => this.received().find(pred), `${what} at TCP user ${this.uid}`, ms);
  }

  close() {
    this.onClose(new Error('closed by the test'));
  }
}

export function splitHostPort(hp) {
  const i = hp.lastIndexOf(':');
  if (i < 0) throw new Error(`not host:port: ${hp}`);
  return [hp.slice(0, i).replace(/^\[|\]$/g, ''), Number(hp.slice(i + 1))];
}
