// End-to-end tests of the chat page and the admin page in headless Chromium, against a running
// fishchat (started by the Java test that sets the environment; see lib.mjs and web/README.md).
// One file, so the scenarios run one after another: the resume scenario restarts the server.
import assert from 'node:assert/strict';
import { exec } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import {
  DESKTOP, DROP, PHONE, TcpClient, api, chatUrl, freshGroupId, freshUid, joinGroup, launchBrowser, login, messages, newPage,
  openConv, openPeer, rewriteFromServer, screenshot, send, sleep, token, until, waitConnected, waitMessage, withDiagnostics,
} from './lib.mjs';

const configured = !!process.env.FISHCHAT_WEB;
const skipAll = configured ? false : 'FISHCHAT_WEB is not set: run these from the Java test, or set the FISHCHAT_* variables (web/README.md)';

let browser;
const open = []; // contexts to close after each test

before(async () => {
  if (skipAll) return;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function page(name, viewport = DESKTOP) {
  const p = await newPage(browser, name, viewport);
  open.push(p.context);
  return p.page;
}

async function closeAll() {
  for (const c of open.splice(0)) await c.close().catch(() => {});
}

/** Every .msg element of the open conversation appears once per seq and once per (sender, msgID). */
async function assertNoDuplicates(p, where) {
  const dup = await p.$$eval('#messages .msg', (els) => {
    const seen = new Map();
    const bad = [];
    for (const e of els) {
      for (const k of [e.dataset.seq && `seq ${e.dataset.seq}`, e.dataset.msgid && `msg ${e.dataset.from}/${e.dataset.msgid}`]) {
        if (!k) continue;
        if (seen.has(k)) bad.push(`${k} (${e.querySelector('.msg-text')?.textContent})`);
        seen.set(k, true);
      }
    }
    return bad;
  });
  assert.deepEqual(dup, [], `${where}: message elements shown twice`);
}

async function countText(p, text) {
  return p.$$eval('#messages .msg .msg-text', (els, t) => els.filter((e) => e.textContent === t).length, text);
}

/** The status line of my message with this text in the open conversation, and its data-retry. */
async function myMessage(p, text) {
  return p.$$eval('#messages .msg.mine', (els, t) => {
    const e = els.find((x) => x.querySelector('.msg-text')?.textContent === t);
    return e && { status: e.dataset.status, retry: e.dataset.retry ?? null, line: e.querySelector('.msg-status')?.textContent ?? '' };
  }, text);
}

/** The element's box, or null when it is not displayed. */
async function box(p, sel) {
  const l = p.locator(sel);
  return (await l.isVisible()) ? l.boundingBox() : null;
}

/** The size limit BrowserTest starts the server with (--max-message). */
const MAX_MESSAGE = Number(process.env.FISHCHAT_MAX_MESSAGE || 3000);

function run(cmd, ms) {
  return new Promise((resolve, reject) => {
    exec(cmd, { timeout: ms, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`"${cmd}" failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('fishchat in the browser', { skip: skipAll }, () => {
  test('(a) two browser users chat one-to-one both ways; unread badge on a closed conversation', { timeout: 120_000 }, async () => {
    const [ua, ub] = [freshUid(), freshUid()];
    let a;
    let b;
    await withDiagnostics(() => [a, b], async () => {
      a = await page(`a:${ua}`);
      b = await page(`a:${ub}`);
      await login(a, ua);
      await login(b, ub);

      await openPeer(a, ub);
      await send(a, `hello ${ub}, this is ${ua}`);

      // B has no conversation open: the new one appears with an unread badge.
      const badge = b.locator(`[data-conv="p2p:${ua}"] .unread`);
      await badge.waitFor({ state: 'visible' });
      assert.equal((await badge.textContent()).trim(), '1');

      await openConv(b, `p2p:${ua}`);
      await waitMessage(b, `hello ${ub}, this is ${ua}`, ua);
      assert.equal(await b.locator(`[data-conv="p2p:${ua}"] .unread`).count(), 0, 'badge cleared once opened');
      const got = (await messages(b)).find((m) => m.text === `hello ${ub}, this is ${ua}`);
      assert.ok(got.seq && Number(got.seq) > 0, 'a received message carries its inbox seq');

      await send(b, 'hi! how are you?');
      await waitMessage(a, 'hi! how are you?', ub);
      await send(a, 'fine, thanks: the WebSocket transport works ✓');
      await waitMessage(b, 'fine, thanks: the WebSocket transport works ✓', ua);
      await send(b, 'great — and the TCP clients still talk to us too');
      await waitMessage(a, 'great — and the TCP clients still talk to us too', ub);

      // Each side: every message once, in order.
      const expected = [`hello ${ub}, this is ${ua}`, 'hi! how are you?', 'fine, thanks: the WebSocket transport works ✓', 'great — and the TCP clients still talk to us too'];
      assert.deepEqual((await messages(a)).map((m) => m.text), expected);
      assert.deepEqual((await messages(b)).map((m) => m.text), expected);
      await assertNoDuplicates(a, 'A');
      await assertNoDuplicates(b, 'B');
      // The open conversation gets no badge.
      assert.equal(await a.locator(`[data-conv="p2p:${ub}"] .unread`).count(), 0);

      await screenshot(a, 'chat.png');

      // Markup in a message is text: it neither renders nor runs in the receiver's page.
      const markup = '<img src=x onerror="window.pwned=1"><b>not bold</b>';
      await send(a, markup);
      await waitMessage(b, markup, ua);
      assert.equal(await b.evaluate(() => window.pwned), undefined, 'a message ran script');
      assert.equal(await b.locator('#messages .msg img, #messages .msg b').count(), 0, 'a message rendered as HTML');
      expected.push(markup);

      // A reload resumes the session from sessionStorage: same history, nothing twice.
      await b.reload();
      await waitConnected(b);
      await b.waitForSelector(`[data-conv="p2p:${ua}"].active`);
      assert.deepEqual((await messages(b)).map((m) => m.text), expected, 'history after a reload');
      await send(a, 'after your reload');
      await waitMessage(b, 'after your reload', ua);
      await assertNoDuplicates(b, 'B after reload');
    });
    await closeAll();
  });

  test('(b) three users in a group see every group message once; a user who left stops receiving', { timeout: 120_000 }, async () => {
    const uids = [freshUid(), freshUid(), freshUid()];
    const gid = freshGroupId();
    const pages = [];
    await withDiagnostics(() => pages, async () => {
      for (const u of uids) {
        const p = await page(`b:${u}`);
        pages.push(p);
        await login(p, u);
        await joinGroup(p, gid);
      }
      const texts = uids.map((u) => `group hello from ${u}`);
      for (let i = 0; i < pages.length; i++) await send(pages[i], texts[i]);
      for (const [i, p] of pages.entries()) {
        for (const [j, t] of texts.entries()) await waitMessage(p, t, uids[j]);
        for (const t of texts) assert.equal(await countText(p, t), 1, `user ${uids[i]} sees "${t}" once`);
        await assertNoDuplicates(p, `user ${uids[i]}`);
      }

      // The third user leaves; later group messages reach only the other two.
      const [p0, p1, p2] = pages;
      await p2.click('#leave-group');
      await p2.waitForSelector(`[data-conv="group:${gid}"].left`);
      assert.ok(await p2.locator('#send').isDisabled(), 'no writing to a group one has left');
      await send(p0, 'after the leave');
      await waitMessage(p1, 'after the leave', uids[0]);
      await send(p1, 'after the leave, 2');
      await waitMessage(p0, 'after the leave, 2', uids[1]);
      await sleep(1500); // time for a (wrong) delivery to reach the leaver
      assert.equal(await countText(p2, 'after the leave'), 0, 'the leaver got a message sent after leaving');
      assert.equal(await countText(p2, 'after the leave, 2'), 0, 'the leaver got a message sent after leaving');
      for (const p of [p0, p1]) await assertNoDuplicates(p, p.fishName);
    });
    await closeAll();
  });

  test('(c) a browser user and a TCP user (length-prefixed protobuf) talk both ways', { timeout: 120_000 }, async () => {
    const [ub, ut] = [freshUid(), freshUid()];
    let b;
    const tcp = await TcpClient.connect();
    try {
      await withDiagnostics(() => [b], async () => {
        await tcp.login(ut);
        b = await page(`c:${ub}`);
        await login(b, ub);

        await openPeer(b, ut);
        await send(b, 'hello TCP user');
        const got = await tcp.waitFor((m) => m.msg === 'hello TCP user', 'the browser\'s message');
        assert.equal(got.sourceUID, ub);
        assert.equal(got.targetUID, ut);
        assert.equal(got.msgType, 'p2p');
        assert.ok(got.msgID.length > 0, 'the browser sends a non-empty msgID');
        assert.ok(tcp.pushes.some((p) => p.cmd === 20007), 'the TCP user was notified (ResNotify)');

        await tcp.sendP2P(ub, 'hello browser user');
        await waitMessage(b, 'hello browser user', ut);
        await tcp.sendP2P(ub, 'and a second one', 'fixed-id-1');
        await tcp.sendP2P(ub, 'and a second one', 'fixed-id-1'); // a resend: stored once
        await waitMessage(b, 'and a second one', ut);
        await sleep(500);
        assert.equal(await countText(b, 'and a second one'), 1);
        await assertNoDuplicates(b, 'browser');
        assert.equal(tcp.received().filter((m) => m.msg === 'hello TCP user').length, 1);

        // Over the server's limit (told at login): refused before sending, naming the limit,
        // and left in the box to be shortened; never shown as a send to retry.
        const big = 'é'.repeat(MAX_MESSAGE / 2 + 1); // fewer characters than the limit, more UTF-8 bytes
        const shown = (await messages(b)).length;
        await b.fill('#text', big);
        await b.locator('#composer-error').waitFor({ state: 'visible' }); // said while typing
        await b.click('#send');
        assert.match(await b.textContent('#composer-error'), new RegExp(`message too long \\(limit ${MAX_MESSAGE} bytes\\)`, 'i'));
        assert.equal(await b.inputValue('#text'), big, 'the text stays in the box');
        assert.equal((await messages(b)).length, shown, 'nothing added to the conversation');
        await sleep(500);
        assert.equal(tcp.received().filter((m) => m.msg === big).length, 0, 'nothing sent');
        await b.fill('#text', 'short again');
        assert.ok(await b.locator('#composer-error').isHidden(), 'the note goes once the text fits');
        await send(b, 'short again');
        await tcp.waitFor((m) => m.msg === 'short again', 'the shortened message');
      });
    } finally {
      tcp.close();
      await closeAll();
    }
  });

  test('(g) phone size (390×844): the list and the conversation are two screens, with a back control', { timeout: 120_000 }, async () => {
    const [u, t] = [freshUid(), freshUid()];
    const gid = freshGroupId();
    let p;
    const tcp = await TcpClient.connect();
    try {
      await withDiagnostics(() => [p], async () => {
        await tcp.login(t);
        await tcp.join(gid);
        p = await page(`g:${u}`, PHONE);
        await login(p, u);
        await tcp.sendP2P(u, 'hello phone');

        // The list screen: the list takes the whole width, no conversation beside it.
        await p.locator(`[data-conv="p2p:${t}"] .unread`).waitFor({ state: 'visible' });
        const side = await box(p, '.sidebar');
        assert.ok(side && side.width >= PHONE.width - 2, `the list takes the screen's width (${JSON.stringify(side)})`);
        assert.equal(await box(p, '#messages'), null, 'no conversation shown beside the list');
        assert.equal(await p.evaluate(() => document.documentElement.scrollWidth), PHONE.width, 'nothing wider than the screen');

        // Tap a conversation: it takes the screen, with a back control and a usable message box.
        await p.tap(`[data-conv="p2p:${t}"]`);
        await waitMessage(p, 'hello phone', t);
        assert.equal(await box(p, '.sidebar'), null, 'the list is hidden while a conversation is open');
        assert.ok(await p.locator('#back').isVisible(), 'a back control');
        const text = await box(p, '#text');
        assert.ok(text && text.width >= 250, `the message box is wide enough to write in (${text?.width} px)`);
        const sendButton = await box(p, '#send');
        assert.ok(sendButton.x + sendButton.width <= PHONE.width, 'the Send button is on screen');
        assert.equal(await p.evaluate(() => document.documentElement.scrollWidth), PHONE.width, 'nothing wider than the screen');
        await send(p, 'hi, this is my phone');
        await tcp.waitFor((m) => m.msg === 'hi, this is my phone', 'the phone\'s message');
        await tcp.sendP2P(u, 'it fits on a phone now');
        await waitMessage(p, 'it fits on a phone now', t);
        await screenshot(p, 'chat-phone.png');

        // Back to the list; a message meanwhile counts as unread there.
        await p.tap('#back');
        await p.locator('.sidebar').waitFor({ state: 'visible' });
        assert.equal(await box(p, '#messages'), null, 'back on the list screen');
        await tcp.sendP2P(u, 'while you look at the list');
        const badge = p.locator(`[data-conv="p2p:${t}"] .unread`);
        await badge.waitFor({ state: 'visible' });
        assert.equal((await badge.textContent()).trim(), '1');
        await joinGroup(p, gid); // (a group too, for the picture)
        await tcp.sendGroup(gid, 'welcome to the group!');
        await waitMessage(p, 'welcome to the group!', t);
        await p.tap('#back');
        await p.locator(`[data-conv="group:${gid}"]`).waitFor({ state: 'visible' });
        await screenshot(p, 'chat-phone-list.png');

        // The browser's back (a phone's back gesture) also leaves the conversation for the list.
        await p.tap(`[data-conv="p2p:${t}"]`);
        await waitMessage(p, 'while you look at the list', t);
        assert.equal(await p.locator(`[data-conv="p2p:${t}"] .unread`).count(), 0, 'read once opened');
        await p.goBack();
        await p.locator('.sidebar').waitFor({ state: 'visible' });
        assert.equal(await box(p, '#messages'), null, 'the browser\'s back shows the list');
        assert.match(p.url(), /^http/, 'still on the chat page');
        assert.equal(await p.getAttribute('#status', 'data-state'), 'connected');
      });
    } finally {
      tcp.close();
      await closeAll();
    }
  });

  test('(h) errors in plain words; a retry only where it can work (not a member, too fast, too long)', { timeout: 120_000 }, async () => {
    const [u, t, other] = [freshUid(), freshUid(), freshUid()];
    const gid = freshGroupId();
    let p;
    let q;
    const tcp = await TcpClient.connect(); // user t
    const device = await TcpClient.connect(); // user u on another device
    try {
      await withDiagnostics(() => [p, q], async () => {
        // A token of another uid: the sign-in form says so, in words.
        p = await page(`h:${u}`);
        await p.goto(chatUrl());
        await p.fill('#uid', String(u));
        await p.fill('#token', token(other));
        await p.click('#login');
        await p.locator('#login-error').waitFor({ state: 'visible' });
        assert.match(await p.textContent('#login-error'), new RegExp(`this token is not valid for uid ${u}`, 'i'));
        assert.doesNotMatch(await p.textContent('#login-error'), /calc token failed|93002/);

        await login(p, u);
        await tcp.login(t);
        await device.login(u);

        // Left the group on another device: the send is refused, for good, and said so.
        await joinGroup(p, gid);
        await send(p, 'while a member');
        await device.leave(gid);
        await p.fill('#text', 'after leaving on my other device');
        await p.click('#send');
        await until(async () => (await myMessage(p, 'after leaving on my other device'))?.status === 'failed', 'the refused group send');
        let m = await myMessage(p, 'after leaving on my other device');
        assert.match(m.line, new RegExp(`you are not a member of group ${gid}`));
        assert.equal(m.retry, 'no');
        assert.doesNotMatch(m.line, /retry|10001|request err/i, 'no retry offered for a permanent refusal');
        await p.click('#messages .msg.failed');
        await sleep(300);
        assert.equal((await myMessage(p, 'after leaving on my other device')).status, 'failed', 'a click does not resend it');
        assert.ok(await p.locator('#send').isDisabled(), 'no writing until joined again');
        await p.click('#rejoin-group');
        await p.waitForFunction(() => !document.querySelector('#send').disabled);
        await send(p, 'joined again');

        // Too fast: refused sends are offered again only after a pause, then go through.
        await openPeer(p, t);
        const burstAt = Date.now();
        await p.evaluate(() => {
          for (let i = 0; i < 60; i++) {
            document.querySelector('#text').value = `burst ${i}`;
            document.querySelector('#composer').requestSubmit();
          }
        });
        await p.waitForFunction(() => document.querySelectorAll('#messages .msg.pending').length === 0);
        const limited = await p.$$eval('#messages .msg.failed', (els) => els.map((e) => ({
          text: e.querySelector('.msg-text').textContent, retry: e.dataset.retry, line: e.querySelector('.msg-status').textContent,
        })));
        assert.ok(limited.length > 0, 'some of 60 sends at once are over --max-msg-rate');
        for (const f of limited) {
          assert.match(f.line, /you are sending too fast/);
          assert.doesNotMatch(f.line, /click to retry|90005|rate limited/);
          assert.equal(f.retry, 'later');
        }
        // A click too early does nothing; checked only while well inside the page's 3 s pause, so
        // that a slow machine reaching this line late cannot turn the check into a false failure.
        if (Date.now() - burstAt < 1_500) {
          await p.click('#messages .msg.failed');
          await sleep(200);
          assert.equal(await p.locator('#messages .msg.failed').count(), limited.length, 'no retry before the pause');
        }
        await p.waitForFunction(() => [...document.querySelectorAll('#messages .msg.failed')].every((e) => e.dataset.retry === 'yes'), null, { timeout: 10_000 });
        assert.match(await p.textContent('#messages .msg.failed .msg-status'), /you are sending too fast — click to retry/);
        const first = limited[0].text;
        await p.click(`#messages .msg.failed >> text="${first}"`);
        await until(async () => (await myMessage(p, first))?.status === 'sent', `"${first}" sent on the retry`);
        await tcp.waitFor((x) => x.msg === first, `"${first}" at the peer`);
        await screenshot(p, 'chat-errors.png', { docs: false });

        // A server that did not say its limit: its 90004 is shown in words, with no retry.
        q = await page(`h2:${u}`);
        await rewriteFromServer(q, (x) => (x.cmd === 20001 ? { ...x, maxMessageBytes: 0 } : undefined));
        await login(q, u);
        await openPeer(q, t);
        const big = 'x'.repeat(MAX_MESSAGE + 1);
        await q.fill('#text', big);
        assert.ok(await q.locator('#composer-error').isHidden(), 'the page does not know the limit');
        await q.click('#send');
        await until(async () => (await myMessage(q, big))?.status === 'failed', 'the refused large send');
        m = await myMessage(q, big);
        assert.equal(m.line, 'not sent: message too long');
        assert.equal(m.retry, 'no');
      });
    } finally {
      tcp.close();
      device.close();
      await closeAll();
    }
  });

  test('(i) an expired token: Reconnect asks for a new one, never sends the old one again', { timeout: 120_000 }, async () => {
    const [u, t] = [freshUid(), freshUid()];
    let p;
    await withDiagnostics(() => [p], async () => {
      p = await page(`i:${u}`); // first: on a busy machine opening a page takes seconds of the token's life
      const short = token(u, '8s');
      const expiresAt = Number(short.split('.')[1]) * 1000;
      await login(p, u, short);
      await openPeer(p, t);
      await send(p, 'before my token expired');
      await sleep(Math.max(0, expiresAt - Date.now() + 300));

      // A reload resumes the session: the server refuses the token.
      await p.reload();
      await p.locator('#login-view').waitFor({ state: 'visible' });
      await p.locator('#login-error').waitFor({ state: 'visible' });
      assert.match(await p.textContent('#login-error'), /your token has expired: paste a new one/i);
      assert.doesNotMatch(await p.textContent('#login-error'), /93004|token expired \(/);
      assert.equal(await p.inputValue('#uid'), String(u), 'the uid is kept');
      assert.equal(await p.inputValue('#token'), '', 'the old token is not offered again');

      // Reconnect asks for a token: no connection with the old one.
      const sockets = p.fishSockets;
      assert.ok(await p.locator('#reconnect').isVisible(), 'Reconnect is offered');
      await p.click('#reconnect');
      await sleep(1500);
      assert.equal(p.fishSockets, sockets, 'Reconnect opened a connection to send the expired token again');
      assert.ok(await p.evaluate(() => document.activeElement?.id === 'token'), 'Reconnect puts the cursor in the token field');
      assert.match(await p.textContent('#login-error'), /your token has expired: paste a new one/i);
      await p.reload(); // nor does a reload
      await p.locator('#login-error').waitFor({ state: 'visible' });
      await sleep(1000);
      assert.equal(p.fishSockets, sockets, 'a reload sent the expired token again');

      // A new token: signed in again, with the same history.
      await p.fill('#token', token(u));
      await p.click('#login');
      await waitConnected(p);
      await openConv(p, `p2p:${t}`);
      await waitMessage(p, 'before my token expired', u);
    });
    await closeAll();
  });

  test('(j) my messages from another device are never unread; server notices (sourceUID 0) are system lines', { timeout: 120_000 }, async () => {
    const [u, t, t2] = [freshUid(), freshUid(), freshUid()];
    const gid = freshGroupId();
    let a;
    let b;
    const tcp = await TcpClient.connect(); // user t
    try {
      await withDiagnostics(() => [a, b], async () => {
        await tcp.login(t);
        await tcp.join(gid);
        a = await page(`j:${u}:a`);
        b = await page(`j:${u}:b`);
        // b is shown entries the test rewrites in sync replies (20006) and pushes (20014): a
        // notice (sourceUID 0), in a group or not, and the copy of a one-to-one message u sent
        // from another device.
        await rewriteFromServer(b, (x) => {
          if ((x.cmd !== 20006 && x.cmd !== 20014) || !x.Msgs.length) return undefined;
          for (const o of x.Msgs) {
            if (o.msg.startsWith('NOTICE ')) o.sourceUID = 0;
            if (o.msg.startsWith('GROUP NOTICE ')) Object.assign(o, { sourceUID: 0, groupID: gid, msgType: 'group' });
            if (o.msg.startsWith('COPY ')) Object.assign(o, { sourceUID: u, targetUID: t2 });
          }
          return x;
        });
        await login(a, u);
        await login(b, u);
        await openPeer(b, t); // b has another conversation open

        // u writes in the group on device a: device b gets it as u's, not unread.
        await joinGroup(a, gid);
        await send(a, 'my group message, from device a');
        await tcp.waitFor((m) => m.msg === 'my group message, from device a', 'the group message');
        await tcp.sendP2P(u, 'a plain message first'); // once it is shown, the group message is in too
        await waitMessage(b, 'a plain message first', t);
        await b.locator(`[data-conv="group:${gid}"]`).waitFor();
        assert.equal(await b.locator(`[data-conv="group:${gid}"] .unread`).count(), 0, 'my own group message is not unread');
        assert.equal(await b.title(), 'fishchat', 'nothing unread in the title');

        await tcp.sendP2P(u, 'NOTICE the server will restart at noon');
        await tcp.sendP2P(u, 'GROUP NOTICE user 5 joined the group');
        await tcp.sendP2P(u, 'COPY what I wrote to t2 from my phone');
        await tcp.sendP2P(u, 'a plain message'); // the last: once it is shown, all are
        await waitMessage(b, 'a plain message', t);

        assert.equal(await b.locator(`[data-conv="group:${gid}"] .unread`).count(), 0, 'a group\'s system line is not unread');
        await b.locator(`[data-conv="p2p:${t2}"]`).waitFor();
        assert.equal(await b.locator(`[data-conv="p2p:${t2}"] .unread`).count(), 0, 'my own copy is not unread');
        assert.equal(await b.locator('[data-conv="p2p:0"]').count(), 0, 'no conversation with "user 0"');
        assert.equal(await b.textContent('[data-conv="system:0"] .unread'), '1', 'a notice to me is unread');
        assert.doesNotMatch(await b.textContent('#convs'), /User 0\b/);

        await openConv(b, `group:${gid}`);
        await waitMessage(b, 'my group message, from device a', u);
        assert.equal(await b.locator('#messages .msg.mine >> text="my group message, from device a"').count(), 1, 'shown as mine');
        await waitMessage(b, 'GROUP NOTICE user 5 joined the group', 0);
        assert.equal(await b.locator('#messages .msg.system').count(), 1, 'the group notice is a system line');
        assert.doesNotMatch(await b.textContent('#messages'), /User 0\b/);

        await openConv(b, `p2p:${t2}`);
        await waitMessage(b, 'COPY what I wrote to t2 from my phone', u);
        const copy = await myMessage(b, 'COPY what I wrote to t2 from my phone');
        assert.equal(copy?.status, 'sent', 'the copy is shown as mine, sent');

        await b.locator('[data-conv="system:0"]').waitFor();
        await openConv(b, 'system:0');
        await waitMessage(b, 'NOTICE the server will restart at noon', 0);
        assert.equal(await b.locator('#messages .msg.system').count(), 1);
        assert.match(await b.textContent('#conv-title'), /notices/i);
        assert.ok(await b.locator('#composer').isHidden(), 'no writing to the server');
        await screenshot(b, 'chat-notices.png', { docs: false });
      });
    } finally {
      tcp.close();
      await closeAll();
    }
  });

  test('(k) a presence dot follows the peer; my own copies and the service\'s notices come from the server; a revoked token asks for a new one', { timeout: 120_000 }, async () => {
    const [u, t] = [freshUid(), freshUid()];
    let a;
    let b;
    const tcp = await TcpClient.connect(); // user t, a FishChatServer2-style client
    try {
      await withDiagnostics(() => [a, b], async () => {
        a = await page(`k:${u}:a`);
        b = await page(`k:${u}:b`);
        await login(a, u);
        await login(b, u);
        await openPeer(a, t);
        const dot = a.locator(`[data-conv="p2p:${t}"] .presence`);
        await until(async () => (await dot.getAttribute('data-presence')) === 'offline', 'a grey dot: t is offline');
        assert.match(await dot.getAttribute('title'), /offline/);

        await tcp.login(t);
        await until(async () => (await dot.getAttribute('data-presence')) === 'online', 'a green dot once t logs in (a push, cmd 20013)');
        assert.match(await a.textContent('#conv-sub'), /online/);
        await screenshot(a, 'chat-presence.png', { docs: false });

        // What u writes on device a is in u's inbox too (its own copy): device b, which has no
        // conversation with t yet, shows it as u's, sent, not unread.
        await send(a, 'from device a, stored for my other devices');
        await tcp.waitFor((m) => m.msg === 'from device a, stored for my other devices', 'the message');
        await b.locator(`[data-conv="p2p:${t}"]`).waitFor({ state: 'attached' });
        assert.equal(await b.locator(`[data-conv="p2p:${t}"] .unread`).count(), 0, 'my own copy is not unread');
        await openConv(b, `p2p:${t}`);
        await waitMessage(b, 'from device a, stored for my other devices', u);
        assert.equal((await myMessage(b, 'from device a, stored for my other devices'))?.status, 'sent');
        await assertNoDuplicates(a, 'A (its own send came back as its copy)');
        assert.equal(tcp.received().filter((m) => m.sourceUID === t).length, 0, 'the TCP client, which did not ask, gets no own copies');

        tcp.close();
        await until(async () => (await dot.getAttribute('data-presence')) === 'offline', 'grey again once t is gone');
        assert.match(await dot.getAttribute('title'), /last seen/);

        // A notice from the service: POST /v1/messages from the system (0).
        const sent = await api('POST', '/v1/messages', { to: u, msgId: `notice-${u}`, text: 'NOTICE from the service: your order shipped' });
        assert.equal(sent.stored, true);
        await b.locator('[data-conv="system:0"]').waitFor({ state: 'attached' });
        await openConv(b, 'system:0');
        await waitMessage(b, 'NOTICE from the service: your order shipped', 0);
        assert.equal(await b.locator('#messages .msg.system').count(), 1);

        // The service revokes u's tokens: both pages are told, and ask for a new token.
        const sockets = a.fishSockets;
        await api('POST', `/v1/users/${u}/revoke`);
        for (const p of [a, b]) {
          await p.locator('#login-error').waitFor({ state: 'visible' });
          assert.match(await p.textContent('#login-error'), /revoked/i);
          assert.equal(await p.inputValue('#token'), '', 'the revoked token is not offered again');
        }
        await sleep(1500);
        assert.equal(a.fishSockets, sockets, 'no reconnect with the revoked token');
        await b.fill('#token', token(u)); // minted after the revocation
        await b.click('#login');
        await waitConnected(b);
      });
    } finally {
      tcp.close();
      await closeAll();
    }
  });

  test('(l) the page is pushed each message: delivery costs no sync, and a lost push is filled by one', { timeout: 120_000 }, async () => {
    const [ua, ub] = [freshUid(), freshUid()];
    const gid = freshGroupId();
    let a;
    let b;
    const syncs = async () => {
      const text = await (await fetch(new URL('metrics', process.env.FISHCHAT_ADMIN))).text();
      const line = text.split('\n').find((l) => l.startsWith('fishchat_syncs_total'));
      assert.ok(line, 'fishchat_syncs_total in /metrics');
      return Number(line.split(/\s+/)[1]);
    };
    let dropNextPush = false; // B's WebSocket passes through the test, which can lose a push
    await withDiagnostics(() => [a, b], async () => {
      a = await page(`l:${ua}`);
      b = await page(`l:${ub}`);
      await rewriteFromServer(b, (msg) => {
        if (!dropNextPush || msg.cmd !== 20014) return undefined;
        dropNextPush = false;
        return DROP;
      });
      await login(a, ua);
      await login(b, ub);
      await joinGroup(a, gid);
      await joinGroup(b, gid);
      await openPeer(a, ub);
      await send(a, 'first, to open the conversation');
      await openConv(b, `p2p:${ua}`);
      await waitMessage(b, 'first, to open the conversation', ua);
      await sleep(500); // let any sync of the set-up finish

      const before = await syncs();
      const texts = ['first, to open the conversation'];
      for (let i = 1; i <= 6; i++) {
        texts.push(`pushed ${i}`);
        await send(a, `pushed ${i}`);
        await waitMessage(b, `pushed ${i}`, ua);
      }
      await openConv(a, `group:${gid}`);
      await send(a, 'pushed to the group');
      await openConv(b, `group:${gid}`);
      await waitMessage(b, 'pushed to the group', ua);
      const after = await syncs();
      // With notifies, each delivery cost the receiver a sync and the sender one for its own
      // copy: 14 here. One is allowed for pushes the server may fold into a notify.
      assert.ok(after - before <= 1, `${after - before} syncs for 7 messages delivered to open pages`);

      await openConv(a, `p2p:${ub}`);
      await openConv(b, `p2p:${ua}`);
      dropNextPush = true;
      await send(a, 'its push is lost');
      await sleep(500);
      assert.equal(await countText(b, 'its push is lost'), 0, 'the push was not dropped');
      await send(a, 'after the hole');
      await waitMessage(b, 'after the hole', ua);
      await waitMessage(b, 'its push is lost', ua);
      assert.ok((await syncs()) > after, 'the page synced to fill the hole');
      assert.deepEqual((await messages(b)).map((m) => m.text), [...texts, 'its push is lost', 'after the hole']);
      await assertNoDuplicates(b, 'B after the hole');
    });
    await closeAll();
  });

  test('(e) admin page: live figures; #sessions rises with a login and falls back', { timeout: 120_000 }, async (t) => {
    if (!process.env.FISHCHAT_ADMIN) assert.fail('FISHCHAT_ADMIN is not set');
    let admin;
    let u;
    await withDiagnostics(() => [admin, u], async () => {
      admin = await page('admin');
      await admin.goto(process.env.FISHCHAT_ADMIN);
      const number = async (sel) => {
        const text = (await admin.textContent(sel)).trim().replace(/,/g, '');
        return /^[0-9]+$/.test(text) ? Number(text) : NaN;
      };
      await until(async () => Number.isFinite(await number('#sessions')), '#sessions to show a number');
      const firstUpdate = await admin.textContent('#updated');
      await until(async () => (await admin.textContent('#updated')) !== firstUpdate, '#updated to change (an event per second)');
      await until(async () => /^[0-9.]+$/.test((await admin.textContent('#msgs-in')).trim()), '#msgs-in to show a rate');
      assert.match(await admin.textContent('#etcd'), /not used|ok|failing/);
      assert.ok(Number.isFinite(await number('#users')), '#users is a number');
      // A baseline that holds still for a few events (sessions of earlier tests may be closing).
      let before = await number('#sessions');
      await until(async () => {
        await sleep(2500);
        const now = await number('#sessions');
        const stable = now === before;
        before = now;
        return stable;
      }, '#sessions to hold still', 20_000, 0);
      const storedBefore = await number('#stored-total');

      const uid = freshUid();
      u = await page(`e:${uid}`);
      await login(u, uid);
      await until(async () => (await number('#sessions')) > before, `#sessions to rise above ${before}`);
      t.diagnostic(`#sessions ${before} -> ${await number('#sessions')}`);

      await openPeer(u, freshUid());
      await send(u, 'counted by the admin page');
      await until(async () => (await number('#stored-total')) > storedBefore, '#stored-total to rise after a send');
      // A few seconds of traffic, so that the rates and the sparkline have something to show.
      for (let i = 0; i < 8; i++) {
        await send(u, `traffic ${i}`);
        await sleep(350);
      }
      await until(async () => Number((await admin.textContent('#msgs-in')).trim()) > 0, '#msgs-in to show traffic');
      await screenshot(admin, 'admin.png');

      await u.context().close();
      u = null;
      await until(async () => (await number('#sessions')) <= before, `#sessions to fall back to ${before}`);
    });
    await closeAll();
  });

  test('(f) a login elsewhere over the session cap kicks the page: "signed in elsewhere" where one sees it, no reconnect', { timeout: 120_000 }, async () => {
    const uid = freshUid();
    const tok = token(uid);
    const tcps = [];
    let p;
    let q;
    try {
      await withDiagnostics(() => [p, q], async () => {
        p = await page(`f:${uid}`);
        await login(p, uid, tok);
        await openPeer(p, freshUid());
        await send(p, 'a message before the kick');
        q = await page(`f:${uid}:phone`, PHONE);
        await login(q, uid, tok);
        const kicked = async (x) => (await x.getAttribute('#status', 'data-state')) === 'kicked';
        // Newer sessions of the same user until the server closes the oldest ones (the pages).
        for (let i = 0; i < 20; i++) {
          const c = await TcpClient.connect();
          tcps.push(c);
          await c.login(uid, tok);
          if (await kicked(p) && await kicked(q)) break;
          await sleep(200);
        }
        for (const x of [p, q]) {
          await x.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'kicked');
          assert.match(await x.textContent('#status'), /signed in elsewhere/);
        }
        await sleep(2500);
        for (const x of [p, q]) assert.equal(await x.getAttribute('#status', 'data-state'), 'kicked', 'the page does not reconnect by itself');
        assert.ok(await p.locator('#reconnect').isVisible(), 'a Reconnect button is offered');
        // Said at the top of the conversation area, not at the bottom of the list.
        const side = await box(p, '.sidebar');
        const notice = await box(p, '#notice');
        assert.ok(notice, 'the notice is shown');
        assert.match(await p.textContent('#notice'), /signed in elsewhere/i);
        assert.ok(notice.x >= side.x + side.width, `the notice is in the conversation area (${JSON.stringify(notice)})`);
        assert.ok(notice.y < 200, `the notice is at the top (${JSON.stringify(notice)})`);
        assert.ok(await p.locator('#notice-action').isVisible(), 'with a way to reconnect');
        await screenshot(p, 'chat-kicked.png', { docs: false });
        const phoneNotice = await box(q, '#notice');
        assert.ok(phoneNotice && phoneNotice.y < 200 && phoneNotice.x >= 0 && phoneNotice.x + phoneNotice.width <= PHONE.width,
          `on a phone too, at the top (${JSON.stringify(phoneNotice)})`);
        assert.match(await q.textContent('#notice'), /signed in elsewhere/i);
        assert.ok(await q.locator('#notice-action').isVisible(), 'with a way to reconnect');
        const status = await box(q, '#status');
        assert.ok(await q.$eval('#status', (e) => e.scrollWidth <= e.clientWidth), `the status is readable, not cut (${JSON.stringify(status)})`);
        await screenshot(q, 'chat-phone-kicked.png', { docs: false });

        // Reconnect here: the page signs in again (and, over the cap, pushes the oldest session out).
        await q.click('#notice-action');
        await waitConnected(q);
        assert.ok(await q.locator('#notice').isHidden(), 'the notice goes once connected again');
      });
    } finally {
      for (const c of tcps) c.close();
      await closeAll();
    }
  });

  test('(d) resume: the page reconnects after a server restart and shows what was sent meanwhile, once', { timeout: 180_000 }, async () => {
    if (!process.env.FISHCHAT_RESTART_CMD) assert.fail('FISHCHAT_RESTART_CMD is not set');
    const [ub, ut] = [freshUid(), freshUid()];
    const tokB = token(ub);
    const tokT = token(ut);
    let b;
    let admin;
    let tcp = await TcpClient.connect();
    try {
      await withDiagnostics(() => [b, admin], async () => {
        await tcp.login(ut, tokT);
        b = await page(`d:${ub}`);
        await login(b, ub, tokB);
        await openPeer(b, ut);
        await tcp.sendP2P(ub, 'before the restart 1');
        await tcp.sendP2P(ub, 'before the restart 2');
        await waitMessage(b, 'before the restart 2', ut);
        await send(b, 'reply before the restart');
        await tcp.waitFor((m) => m.msg === 'reply before the restart', 'the reply');
        if (process.env.FISHCHAT_ADMIN) {
          admin = await page('d:admin');
          await admin.goto(process.env.FISHCHAT_ADMIN);
          await admin.waitForFunction(() => document.querySelector('#conn')?.dataset.state === 'live');
        }

        const figures = admin && await admin.textContent('#sessions');
        const restarting = run(process.env.FISHCHAT_RESTART_CMD, 90_000);
        // The page notices the drop.
        await b.waitForFunction(() => document.querySelector('#status')?.dataset.state !== 'connected', null, { timeout: 60_000 });
        if (admin) {
          // The admin page keeps the node's last figures, greyed, and says since when it is unreachable.
          await admin.locator('#unreachable').waitFor({ state: 'visible', timeout: 30_000 });
          assert.match(await admin.textContent('#unreachable'), /node unreachable since \d\d:\d\d:\d\d/i);
          assert.match(await admin.textContent('#conn'), /node unreachable since \d\d:\d\d:\d\d/);
          assert.equal(await admin.getAttribute('main', 'data-stale'), 'true', 'the figures are greyed');
          const grey = await admin.$eval('#sessions', (e) => getComputedStyle(e).color);
          assert.equal(grey, 'rgb(163, 171, 184)', 'the figures are greyed');
          assert.equal(await admin.textContent('#sessions'), figures, 'the last figures stay');
          await screenshot(admin, 'admin-unreachable.png', { docs: false });
        }
        // A message typed while offline waits as pending and goes out after the resume.
        await b.fill('#text', 'typed while offline');
        await b.click('#send');
        await restarting;

        tcp.close();
        tcp = await TcpClient.connect();
        await tcp.login(ut, tokT);
        for (const i of [1, 2, 3]) await tcp.sendP2P(ub, `after the restart ${i}`);

        await waitConnected(b, 30_000);
        for (const i of [1, 2, 3]) await waitMessage(b, `after the restart ${i}`, ut);
        const log = await b.evaluate(() => window.fishchat.statusLog.join('\n'));
        assert.match(log, /reconnecting/, 'the page said it was reconnecting');
        assert.match(await b.textContent('#status'), /connected/);

        await tcp.waitFor((m) => m.msg === 'typed while offline', 'the message typed while offline');
        await b.waitForFunction(() => [...document.querySelectorAll('#messages .msg.mine')].every((e) => e.dataset.status === 'sent'));
        await sleep(1000);
        assert.equal(tcp.received().filter((m) => m.msg === 'typed while offline').length, 1, 'sent once');

        const shown = await messages(b);
        const texts = shown.map((m) => m.text);
        for (const t of ['before the restart 1', 'before the restart 2', 'reply before the restart', 'typed while offline',
          'after the restart 1', 'after the restart 2', 'after the restart 3']) {
          assert.equal(texts.filter((x) => x === t).length, 1, `"${t}" shown once (shown: ${JSON.stringify(texts)})`);
        }
        const seqs = shown.filter((m) => m.seq).map((m) => m.seq);
        assert.equal(new Set(seqs).size, seqs.length, `no seq shown twice: ${seqs}`);
        await assertNoDuplicates(b, 'after resume');

        if (admin) {
          await admin.waitForFunction(() => document.querySelector('#conn')?.dataset.state === 'live', null, { timeout: 30_000 });
          assert.ok(await admin.locator('#unreachable').isHidden(), 'the node is back: no more "unreachable"');
          assert.equal(await admin.getAttribute('main', 'data-stale'), null, 'the figures are live again');
          const connLog = await admin.evaluate(() => window.fishchatAdmin.connLog.join(' '));
          assert.match(connLog, /disconnected.*live/, `the admin page showed the drop and recovered: ${connLog}`);
        }
      });
    } finally {
      tcp.close();
      await closeAll();
    }
  });
});
