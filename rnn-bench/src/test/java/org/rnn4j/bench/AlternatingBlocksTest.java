package org.rnn4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AlternatingBlocks}: the order of the blocks, what each round records, and the arguments it refuses. */
class AlternatingBlocksTest {
    @Test
    void blocksAlternateAfterAWarmUpRoundAndEachRoundRecordsBothSides() {
        List<String> calls = new ArrayList<>();
        AlternatingBlocks.Rounds rounds = AlternatingBlocks.time("a", () -> calls.add("a"), "b", () -> calls.add("b"),
                new AlternatingBlocks.Settings("A", 1, 2, 3));
        // warm-up (a first), then rounds 1 (b first), 2 (a first), 3 (b first), two passes per block
        assertEquals(List.of("a", "a", "b", "b", "b", "b", "a", "a", "a", "a", "b", "b", "b", "b", "a", "a"), calls);
        assertEquals(3, rounds.ratios().length);
        for (int r = 0; r < 3; r++) {
            assertTrue(rounds.a()[r] >= 0 && rounds.b()[r] >= 0, "round " + r);
            assertEquals(rounds.b()[r] / rounds.a()[r], rounds.ratios()[r], 1e-12, "round " + r);
        }
    }

    @Test
    void aPassThatReturnsNothingIsRefused() {
        assertThrows(IllegalStateException.class, () -> AlternatingBlocks.time("a", () -> "x", "b", () -> null,
                new AlternatingBlocks.Settings("A", 1, 1, 1)));
    }

    @Test
    void settingsAreParsedAndBadOnesRefusedNamingThem() {
        AlternatingBlocks.Settings s = AlternatingBlocks.Settings.parse("Main", new String[] {"B", "2", "30", "10"});
        assertArrayEquals(new Object[] {"B", 2, 30, 10}, new Object[] {s.config(), s.threads(), s.passes(), s.rounds()});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AlternatingBlocks.Settings.parse("Main",
                new String[] {"B", "2"})).getMessage().startsWith("usage: Main CONFIG THREADS PASSES_PER_BLOCK ROUNDS"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AlternatingBlocks.Settings.parse("Main",
                new String[] {"B", "0", "30", "10"})).getMessage().contains("got [B, 0, 30, 10]"));
    }
}
