package fishchat.common;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogBudgetTest {
    @Test
    void linesOverTheBudgetAreCountedAndSaidByTheNextLineLetThrough() {
        LogBudget budget = new LogBudget(2, 1_000);
        assertEquals(0, budget.take(10_000));
        assertEquals(0, budget.take(10_100));
        assertEquals(-1, budget.take(10_200));
        assertEquals(-1, budget.take(10_999));
        assertEquals(2, budget.take(11_000), "a new window: the line says two were left out");
        assertEquals(0, budget.take(11_001));
        assertEquals(-1, budget.take(11_002));
    }

    @Test
    void aClockThatStartsBelowZeroStartsAWindowToo() {
        LogBudget budget = new LogBudget(1, 1_000);
        assertEquals(0, budget.take(-5_000_000));
        assertEquals(-1, budget.take(-4_999_500));
        assertEquals(1, budget.take(-4_999_000));
    }

    @Test
    void theLineLetThroughSaysHowManyWereLeftOutOrNothing() {
        assertEquals("", LogBudget.leftOutNote(0, "refused logins"));
        assertEquals(" (3 more refused logins not logged)", LogBudget.leftOutNote(3, "refused logins"));
    }
}
