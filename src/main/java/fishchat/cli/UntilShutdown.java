package fishchat.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a server command running until the JVM is asked to stop (SIGTERM, SIGINT), then runs the stop action. */
final class UntilShutdown {
    private UntilShutdown() {
    }

    static void await(Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.run();
            } finally {
                stopped.countDown();
            }
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
