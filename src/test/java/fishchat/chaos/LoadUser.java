package fishchat.chaos;

import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One user of the chaos load: logs in through the gateway, sends one-to-one messages to
 * random other users at a steady rate, each with a msgID of its own, and files every
 * errCode-0 answer in the ledger. A failed send is resent with the SAME msgID (the store
 * dedups it), a bounded number of times; a broken connection is replaced, with backoff.
 */
final class LoadUser implements Runnable {
    /** A message is given up after this many sends or this long, so a stuck server cannot hang the round. */
    private static final int MAX_ATTEMPTS = 40;
    private static final long MESSAGE_DEADLINE_NANOS = 60_000_000_000L;
    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final long uid;
    private final int users;
    private final Deployment deployment;
    private final Ledger ledger;
    private final Random random;
    private final long periodNanos;
    private final AtomicBoolean stopping;
    private final AtomicLong logins;
    private volatile ChatClient client;
    private long backoffMillis = MIN_BACKOFF_MILLIS;

    /** Users are uids 1..users; {@code stopping} ends the load after the message in hand. */
    LoadUser(long uid, int users, Deployment deployment, Ledger ledger, long seed, double ratePerSecond,
             AtomicBoolean stopping, AtomicLong logins) {
        this.uid = uid;
        this.users = users;
        this.deployment = deployment;
        this.ledger = ledger;
        this.random = new Random(seed * 1_000_003 + uid);
        this.periodNanos = (long) (1e9 / ratePerSecond);
        this.stopping = stopping;
        this.logins = logins;
    }

    @Override
    public void run() {
        long next = System.nanoTime();
        try {
            for (long n = 1; !stopping.get(); n++) {
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } else if (-wait > periodNanos) {
                    next = System.nanoTime(); // fell behind during an outage: go on at the rate, no catch-up burst
                }
                sendOne(n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ChatClient c = client;
            if (c != null) {
                c.close();
            }
        }
    }

    /** Cuts this user's connection with a TCP reset, if it has one; true when one was cut. */
    boolean cut() {
        ChatClient c = client;
        if (c == null || c.isClosed()) {
            return false;
        }
        c.abort();
        return true;
    }

    private void sendOne(long n) throws InterruptedException {
        String msgId = "u" + uid + "-" + n;
        long target = 1 + random.nextInt(users - 1);
        if (target >= uid) {
            target++; // anyone but ourselves
        }
        String text = msgId + " for " + target;
        ledger.sent();
        long deadline = System.nanoTime() + MESSAGE_DEADLINE_NANOS;
        for (int attempt = 0; attempt < MAX_ATTEMPTS && System.nanoTime() < deadline; ) {
            ChatClient c = connected();
            if (c == null) {
                continue; // connected() backed off already; a failed connect is not a send
            }
            attempt++;
            ledger.attempt();
            ErrorCode code;
            try {
                code = c.sendP2P(target, msgId, text);
            } catch (IOException e) {
                ledger.failed("io"); // the answer is lost: maybe stored, maybe not; resend decides
                c.close();
                backOff();
                continue;
            }
            if (code == ErrorCode.OK) {
                ledger.acknowledged(target, new Ledger.Entry(uid, msgId, text));
                backoffMillis = MIN_BACKOFF_MILLIS;
                return;
            }
            ledger.failed(code == null ? "unknown" : String.valueOf(code.code()));
            backOff();
        }
        ledger.abandoned();
    }

    /** The live connection, or a new one logged in through the gateway; null (after a backoff) when that failed. */
    private ChatClient connected() throws InterruptedException {
        ChatClient c = client;
        if (c != null && !c.isClosed()) {
            return c;
        }
        ChatClient fresh = null;
        try {
            InetSocketAddress access = ChatClient.askGateway(deployment.gateway(), null);
            fresh = ChatClient.connect(access, null, message -> { });
            fresh.login(uid, deployment.token(uid), ChatClient.FROM_NEWEST);
            client = fresh;
            logins.incrementAndGet();
            return fresh;
        } catch (IOException e) {
            if (fresh != null) {
                fresh.close();
            }
            backOff();
            return null;
        }
    }

    /** Exponential backoff with jitter, so cut users do not come back in lockstep. */
    private void backOff() throws InterruptedException {
        Thread.sleep(backoffMillis / 2 + random.nextLong(backoffMillis / 2 + 1));
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    }
}
