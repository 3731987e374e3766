package fishchat.access;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The per-user allowance on an injected clock (nanoseconds), without a server. */
class UserAllowancesTest {
    private static final long SECOND = 1_000_000_000L;

    private static UserAllowances allowances(int rate, int bytes, Duration grace) {
        return new UserAllowances(new AccessOptions(Math.min(4096, 2 * bytes), AccessOptions.DEFAULT_RETENTION,
                AccessOptions.DEFAULT_MAX_SESSIONS_PER_USER, rate, bytes, grace, AccessOptions.DEFAULT_MAX_GROUPS_PER_USER));
    }

    @Test
    void aBurstOfTwiceTheRateThenTheRate() {
        UserAllowances allowances = allowances(5, 1 << 20, Duration.ofSeconds(10));
        long now = 1_000 * SECOND;
        for (int i = 0; i < 10; i++) {
            assertEquals(UserAllowances.Verdict.OK, allowances.allow(1, 10, now), "send " + i);
        }
        assertEquals(UserAllowances.Verdict.LIMITED, allowances.allow(1, 10, now));
        assertEquals(UserAllowances.Verdict.OK, allowances.allow(1, 10, now + SECOND / 5), "one token a fifth of a second");
        assertEquals(UserAllowances.Verdict.LIMITED, allowances.allow(1, 10, now + SECOND / 5));
        assertEquals(UserAllowances.Verdict.OK, allowances.allow(2, 10, now), "another user has its own");
    }

    @Test
    void aSendRefusedForItsBytesTakesNoMessageToken() {
        UserAllowances allowances = allowances(1, 100, Duration.ofSeconds(10));
        long now = 1_000 * SECOND;
        assertEquals(UserAllowances.Verdict.LIMITED, allowances.allow(1, 500, now), "more bytes than the bucket holds");
        assertEquals(UserAllowances.Verdict.OK, allowances.allow(1, 10, now));
        assertEquals(UserAllowances.Verdict.OK, allowances.allow(1, 10, now), "both message tokens were still there");
    }

    @Test
    void aUserWhoKeepsPushingPastTheGraceIsCutAndAPauseEndsTheStreak() {
        UserAllowances allowances = allowances(1, 1 << 20, Duration.ofSeconds(2));
        long now = 1_000 * SECOND;
        allowances.allow(1, 1, now);
        allowances.allow(1, 1, now);
        UserAllowances.Verdict last = UserAllowances.Verdict.OK;
        for (long t = now; t <= now + 3 * SECOND; t += SECOND / 10) {
            last = allowances.allow(1, 1, t);
            if (last == UserAllowances.Verdict.CUT) {
                break;
            }
        }
        assertEquals(UserAllowances.Verdict.CUT, last);
        long later = now + 10 * SECOND;
        assertEquals(UserAllowances.Verdict.OK, allowances.allow(1, 1, later), "a quiet while ends the streak");
    }

    @Test
    void aFullAllowanceIsForgottenAndAnActiveOneKept() {
        UserAllowances allowances = allowances(10, 1 << 20, Duration.ofSeconds(10));
        long now = 1_000 * SECOND;
        allowances.allow(1, 1, now);
        for (int i = 0; i < 20; i++) {
            allowances.allow(2, 1, now);
        }
        assertEquals(2, allowances.tracked());
        // The next sweep, a second later: user 1 has refilled (nothing to remember), user 2 not yet.
        allowances.allow(3, 1, now + SECOND + SECOND / 20);
        assertEquals(2, allowances.tracked(), "user 1 forgotten; users 2 and 3 kept");
    }
}
