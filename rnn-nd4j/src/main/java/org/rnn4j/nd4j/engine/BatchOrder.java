package org.rnn4j.nd4j.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The batch sorted by decreasing length, as PyTorch's packed sequences are: then at step {@code t} the sequences
 * still running are the first {@code active(t)} rows of the step's block, so every per-step operation works on one
 * contiguous row range and padded steps cost nothing. Sequences of equal length form contiguous groups, whose final
 * states sit in one block each.
 */
final class BatchOrder {
    /** One run of sorted rows {@code [start, end)} whose sequences all have {@code length} steps. */
    record Group(long start, long end, int length) {
    }

    private final int steps;
    private final int batch;
    private final int[] sortedToOriginal;
    private final int[] originalToSorted;
    private final long[] active;
    private final List<Group> groups = new ArrayList<>();
    private final boolean identity;

    private BatchOrder(int[] lengths, int steps, int batch) {
        this.steps = steps;
        this.batch = batch;
        int[] len = lengths == null ? filled(batch, steps) : lengths;
        this.sortedToOriginal = IntStream.range(0, batch).boxed()
                .sorted(Comparator.comparingInt((Integer b) -> -len[b])).mapToInt(Integer::intValue).toArray();
        this.originalToSorted = new int[batch];
        boolean same = true;
        for (int j = 0; j < batch; j++) {
            originalToSorted[sortedToOriginal[j]] = j;
            same &= sortedToOriginal[j] == j;
        }
        this.identity = same;
        this.active = new long[steps];
        for (int j = 0; j < batch; j++) {
            int l = len[sortedToOriginal[j]];
            for (int t = 0; t < l; t++) {
                active[t]++;
            }
            if (groups.isEmpty() || groups.get(groups.size() - 1).length() != l) {
                groups.add(new Group(j, j + 1, l));
            } else {
                Group last = groups.remove(groups.size() - 1);
                groups.add(new Group(last.start(), j + 1, l));
            }
        }
    }

    static BatchOrder of(int[] lengths, long steps, long batch) {
        return new BatchOrder(lengths, Math.toIntExact(steps), Math.toIntExact(batch));
    }

    /** Rows of step {@code t} that hold a running sequence: {@code [0, active(t))}. */
    long active(int t) {
        return active[t];
    }

    List<Group> groups() {
        return groups;
    }

    /** Whether every sequence runs all {@code T} steps (no padding). */
    boolean full() {
        return groups.size() == 1 && groups.get(0).length() == steps;
    }

    /** The original batch index of sorted row {@code sorted}. */
    int originalIndex(int sorted) {
        return sortedToOriginal[sorted];
    }

    /** Whether sorting changes nothing (lengths already non-increasing). */
    boolean identity() {
        return identity;
    }

    /** {@code [T*B, F]} rows in original batch order → sorted order (the array itself when identity). */
    INDArray sortSteps(INDArray rows) {
        return identity ? rows : gather(rows, stepIndex(sortedToOriginal));
    }

    /** {@code [T*B, F]} rows in sorted order → original batch order (new array). */
    INDArray unsortSteps(INDArray rows) {
        return identity ? rows.dup('c') : gather(rows, stepIndex(originalToSorted));
    }

    /** {@code [B, F]} rows in original order → sorted. */
    INDArray sortBatch(INDArray rows) {
        return identity ? rows : gather(rows, sortedToOriginal);
    }

    /** {@code [B, F]} rows in sorted order → original (new array). */
    INDArray unsortBatch(INDArray rows) {
        return identity ? rows.dup('c') : gather(rows, originalToSorted);
    }

    private int[] stepIndex(int[] map) {
        int[] index = new int[steps * batch];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                index[t * batch + b] = t * batch + map[b];
            }
        }
        return index;
    }

    private static INDArray gather(INDArray rows, int[] index) {
        return Nd4j.pullRows(rows, 1, index, 'c');
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }
}
