package fishchat.libnet;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class AdmissionTest {
    private static Admission capOfTwoPerAddress() {
        return new Admission(new ConnectionLimits(50, 1000, 2, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, "test"));
    }

    @Test
    void theAddressesOfOneIpv6Slash64ShareOneCap() throws Exception {
        Admission admission = capOfTwoPerAddress();
        assertNull(admission.admit(InetAddress.getByName("2001:db8:1:2::1"), 0));
        assertNull(admission.admit(InetAddress.getByName("2001:db8:1:2:ffff:1:2:3"), 1));
        Admission.Refused third = admission.admit(InetAddress.getByName("2001:db8:1:2:abcd::9"), 2);
        assertNotNull(third, "a third address of the same /64 is over the cap");
        assertEquals(Refusal.ADDRESS_CAP, third.refusal());
        assertEquals("connections from 2001:db8:1:2:0:0:0:0/64 (cap per address)", third.why());
        assertNull(admission.admit(InetAddress.getByName("2001:db8:1:3::1"), 2), "the next /64 is another subscriber");
        admission.release(InetAddress.getByName("2001:db8:1:2::1"));
        assertNull(admission.admit(InetAddress.getByName("2001:db8:1:2:abcd::9"), 2), "a place freed by any of them");
    }

    @Test
    void ipv4AddressesAreCountedOneByOne() throws Exception {
        Admission admission = capOfTwoPerAddress();
        assertNull(admission.admit(InetAddress.getByName("192.0.2.1"), 0));
        assertNull(admission.admit(InetAddress.getByName("192.0.2.1"), 1));
        assertNotNull(admission.admit(InetAddress.getByName("192.0.2.1"), 2));
        assertNull(admission.admit(InetAddress.getByName("192.0.2.2"), 2));
        assertEquals(2, admission.openFrom(InetAddress.getByName("192.0.2.1")));
    }
}
