package org.rnn4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchSelectionTest {
    /** Requests named by their length; arrival order is list order. */
    private static List<Integer> waiting(Integer... lengths) {
        return new ArrayList<>(List.of(lengths));
    }

    @Test
    void allRunWhenTheyFit() {
        List<Integer> w = waiting(5, 60, 3);
        assertEquals(List.of(5, 60, 3), BatchSelection.take(w, 3, x -> x));
        assertEquals(List.of(), w);
    }

    @Test
    void theOldestRunsWithTheClosestInLengthOlderFirstAmongEquals() {
        List<Integer> w = waiting(10, 50, 11, 9, 52, 11, 30);
        // oldest 10; distances 40, 1, 1, 42, 1, 20: the three at distance 1, in arrival order
        assertEquals(List.of(10, 11, 9, 11), BatchSelection.take(w, 4, x -> x));
        assertEquals(List.of(50, 52, 30), w, "the rest keep their order");
        assertEquals(List.of(50, 52), BatchSelection.take(w, 2, x -> x));
        assertEquals(List.of(30), w);
    }

    @Test
    void aBatchOfOneIsTheOldest() {
        List<Integer> w = waiting(7, 7, 7);
        assertEquals(List.of(7), BatchSelection.take(w, 1, x -> x));
        assertEquals(2, w.size());
    }
}
