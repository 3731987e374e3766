package fishchat.chaos;

import fishchat.testing.EtcdServer;

import java.util.Random;

/** etcd stopped and started again on the same data dir after a pause. */
final class RestartEtcd implements Fault {
    private final EtcdServer etcd;

    RestartEtcd(EtcdServer etcd) {
        this.etcd = etcd;
    }

    @Override
    public String kind() {
        return "etcd";
    }

    @Override
    public String strike(Random random) throws Exception {
        etcd.stop();
        long down = Fault.pause(random, 1000, 4000);
        try {
            Thread.sleep(down);
        } finally {
            etcd.start();
        }
        return "etcd stopped, down " + down + " ms, started again";
    }
}
