package org.rnn4j.train.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import org.rnn4j.api.Checks;

/**
 * The order of one epoch: which examples form each mini-batch. A pure function of (dataset lengths, batch size,
 * seed, epoch), so that an epoch replays identically, on resume too.
 * <ul>
 *   <li>Shuffled: a Fisher-Yates permutation from a generator seeded by {@code (seed, epoch)}.</li>
 *   <li>Bucketed by length: the shuffled examples are cut into pools of {@link #BUCKET_POOL_BATCHES} batches,
 *       each pool sorted by length and cut into batches, and the batches shuffled again. Batches then hold
 *       sequences of similar length, so less padding is computed (padded steps are skipped by the kernels, but the
 *       batch still runs as long as its longest sequence), while every epoch still mixes the data.</li>
 * </ul>
 */
public final class BatchPlan {
    /** Batches per sorting pool when bucketing: large enough to group lengths, small enough to stay random. */
    public static final int BUCKET_POOL_BATCHES = 50;

    private BatchPlan() {
    }

    public static List<int[]> epoch(SequenceDataset data, int batchSize, boolean shuffle, boolean bucketByLength,
                                    long seed, long epoch) {
        Checks.notNull(data, "data");
        return epoch(data.size(), data::length, batchSize, shuffle, bucketByLength, seed, epoch);
    }

    /** Source and target pairs are bucketed by their longer side, which sets the batch's work. */
    public static List<int[]> epoch(Seq2SeqDataset data, int batchSize, boolean shuffle, boolean bucketByLength,
                                    long seed, long epoch) {
        Checks.notNull(data, "data");
        return epoch(data.size(), i -> Math.max(data.sourceLength(i), data.targetLength(i)), batchSize, shuffle,
                bucketByLength, seed, epoch);
    }

    /** The plan of {@code n} examples whose lengths {@code length} gives (example index → its length). */
    public static List<int[]> epoch(int n, IntUnaryOperator length, int batchSize, boolean shuffle,
                                    boolean bucketByLength, long seed, long epoch) {
        Checks.positive(batchSize, "batchSize");
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        if (shuffle) {
            shuffle(order, random);
        }
        if (bucketByLength) {
            long pool = (long) batchSize * BUCKET_POOL_BATCHES; // long: a batch size past n is valid, and may be huge
            for (long from = 0; from < n; from += pool) {
                Arrays.sort(order, (int) from, (int) Math.min(n, from + pool), Comparator.comparingInt(length::applyAsInt));
            }
        }
        List<int[]> batches = new ArrayList<>();
        for (long from = 0; from < n; from += batchSize) { // long: from + batchSize must not wrap around
            int[] b = new int[(int) Math.min(batchSize, n - from)];
            for (int i = 0; i < b.length; i++) {
                b[i] = order[(int) from + i];
            }
            batches.add(b);
        }
        if (bucketByLength && shuffle) {
            int[][] array = batches.toArray(new int[0][]);
            shuffle(array, random);
            batches = new ArrayList<>(Arrays.asList(array));
        }
        return batches;
    }

    private static <T> void shuffle(T[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
