package org.rnn4j.serve;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

/**
 * Which waiting requests run together. A pass costs about as many steps as its longest sequence, so a short
 * sequence batched with a long one pays for the long one's padding. When no more are waiting than fit, all of them
 * run (nothing is gained by leaving one to wait); when more are waiting, the oldest runs with the ones closest to it
 * in length (older first among equals): under load batches group by length, and no request waits behind a stream of
 * newer ones of another length, since the oldest always runs next.
 */
final class BatchSelection {
    private BatchSelection() {
    }

    /** Removes the next batch (at most {@code maxBatch}) from {@code waiting}, oldest first, and returns it. */
    static <T> List<T> take(List<T> waiting, int maxBatch, ToIntFunction<T> length) {
        if (waiting.size() <= maxBatch) {
            List<T> all = new ArrayList<>(waiting);
            waiting.clear();
            return all;
        }
        int oldest = length.applyAsInt(waiting.get(0));
        int[] chosen = IntStream.range(1, waiting.size()).boxed()
                .sorted(Comparator.<Integer>comparingInt(i -> Math.abs(length.applyAsInt(waiting.get(i)) - oldest))
                        .thenComparingInt(i -> i))
                .limit(maxBatch - 1L).mapToInt(Integer::intValue).sorted().toArray();
        List<T> batch = new ArrayList<>(maxBatch);
        batch.add(waiting.get(0));
        for (int i : chosen) {
            batch.add(waiting.get(i));
        }
        List<T> rest = new ArrayList<>(waiting.size() - batch.size());
        for (int i = 1, c = 0; i < waiting.size(); i++) {
            if (c < chosen.length && chosen[c] == i) {
                c++;
            } else {
                rest.add(waiting.get(i));
            }
        }
        waiting.clear();
        waiting.addAll(rest);
        return batch;
    }
}
