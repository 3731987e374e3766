// End-to-end tests of the chat page and the admin page in headless Chromium, against a running
// fishchat (started by the Java test that sets the environment; see lib.mjs and web/README.md).
// One file, so the scenarios run one after another: the resume scenario restarts the server.
import assert from 'node:assert/strict';
import { exec } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import {
  TcpClient, freshGroupId, freshUid, joinGroup, launchBrowser, login, messages, newPage,
  openConv, openPeer, screenshot, send, sleep, token, until, waitConnected, waitMessage, withDiagnostics,
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

async function page(name) {
  const p = await newPage(browser, name);
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

        // A refused send shows as failed with the server's reason.
        await b.fill('#text', 'x'.repeat(5000)); // over --max-message (4096 bytes by default)
        await b.click('#send');
        const failed = b.locator('#messages .msg.failed');
        await failed.waitFor({ state: 'visible' });
        assert.match(await failed.textContent(), /90004|too large/);
      });
    } finally {
      tcp.close();
      await closeAll();
    }
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

  test('(f) a login elsewhere over the session cap kicks the page: "signed in elsewhere", no reconnect', { timeout: 120_000 }, async () => {
    const uid = freshUid();
    const tok = token(uid);
    const tcps = [];
    let p;
    try {
      await withDiagnostics(() => [p], async () => {
        p = await page(`f:${uid}`);
        await login(p, uid, tok);
        // Newer sessions of the same user until the server closes the oldest one (the page).
        for (let i = 0; i < 20; i++) {
          const c = await TcpClient.connect();
          tcps.push(c);
          await c.login(uid, tok);
          if ((await p.getAttribute('#status', 'data-state')) === 'kicked') break;
          await sleep(200);
        }
        await p.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'kicked');
        assert.match(await p.textContent('#status'), /signed in elsewhere/);
        await sleep(2500);
        assert.equal(await p.getAttribute('#status', 'data-state'), 'kicked', 'the page does not reconnect by itself');
        assert.ok(await p.locator('#reconnect').isVisible(), 'a Reconnect button is offered');
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

        const restarting = run(process.env.FISHCHAT_RESTART_CMD, 90_000);
        // The page notices the drop.
        await b.waitForFunction(() => document.querySelector('#status')?.dataset.state !== 'connected', null, { timeout: 60_000 });
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
