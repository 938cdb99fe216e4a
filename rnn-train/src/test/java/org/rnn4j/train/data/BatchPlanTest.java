package org.rnn4j.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class BatchPlanTest {
    private static SequenceDataset tokens(int count) {
        SplittableRandom random = new SplittableRandom(3);
        List<int[]> sequences = new ArrayList<>();
        float[][] targets = new float[count][];
        for (int i = 0; i < count; i++) {
            sequences.add(random.ints(1 + random.nextInt(40), 1, 50).toArray());
            targets[i] = new float[] {i % 2};
        }
        return SequenceDataset.ofTokens(sequences, targets, 0);
    }

    @Test
    void everyExampleOncePerEpochInASeededOrder() {
        SequenceDataset data = tokens(1003);
        for (boolean bucket : new boolean[] {false, true}) {
            List<int[]> epoch0 = BatchPlan.epoch(data, 32, true, bucket, 7, 0);
            int[] seen = epoch0.stream().flatMapToInt(Arrays::stream).sorted().toArray();
            assertArrayEquals(java.util.stream.IntStream.range(0, 1003).toArray(), seen);
            assertEquals(32, epoch0.size(), "31 full batches and one of 11");
            assertTrue(epoch0.stream().allMatch(b -> b.length == 32 || b.length == 11));
            assertArrayEquals(flat(epoch0), flat(BatchPlan.epoch(data, 32, true, bucket, 7, 0)), "replayable");
            assertNotEquals(Arrays.toString(flat(epoch0)), Arrays.toString(flat(BatchPlan.epoch(data, 32, true,
                    bucket, 7, 1))), "each epoch differs");
        }
        assertArrayEquals(java.util.stream.IntStream.range(0, 1003).toArray(),
                flat(BatchPlan.epoch(data, 32, false, false, 7, 0)), "unshuffled is in order");
    }

    @Test
    void bucketingReducesPadding() {
        SequenceDataset data = tokens(2000);
        assertTrue(padding(data, BatchPlan.epoch(data, 32, true, true, 1, 0)) * 3
                < padding(data, BatchPlan.epoch(data, 32, true, false, 1, 0)), "at least 3x less padding");
    }

    private static long padding(SequenceDataset data, List<int[]> batches) {
        long padded = 0;
        for (int[] b : batches) {
            int max = Arrays.stream(b).map(data::length).max().orElseThrow();
            for (int i : b) {
                padded += max - data.length(i);
            }
        }
        return padded;
    }

    private static int[] flat(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void batchesArePaddedTimeMajorWithTheirLengths() {
        SequenceDataset tokens = SequenceDataset.ofTokens(List.of(new int[] {4, 5, 6}, new int[] {7}),
                new float[][] {{1}, {0}}, 0);
        Batch b = tokens.batch(new int[] {1, 0}, DataType.FLOAT);
        assertArrayEquals(new long[] {3, 2}, b.input().shape());
        assertArrayEquals(new float[] {7, 4, 0, 5, 0, 6}, b.input().data().asFloat());
        assertArrayEquals(new int[] {1, 3}, b.lengths());
        assertArrayEquals(new float[] {0, 1}, b.targets().data().asFloat());

        SequenceDataset vectors = SequenceDataset.ofVectors(List.<float[][]>of(new float[][] {{1, 2}},
                new float[][] {{3, 4}, {5, 6}}), new float[][] {{0.5f}, {2}});
        Batch v = vectors.batch(new int[] {0, 1}, DataType.DOUBLE);
        assertArrayEquals(new long[] {2, 2, 2}, v.input().shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 0, 0, 5, 6}, v.input().data().asDouble());
        assertEquals(DataType.DOUBLE, v.targets().dataType());
    }

    /** A batch size past the data set, up to Integer.MAX_VALUE, with or without bucketing: one batch of everything. */
    @Test
    void hugeBatchSizesGiveOneBatch() {
        SequenceDataset data = tokens(10);
        for (int batchSize : new int[] {11, 1 << 29, Integer.MAX_VALUE}) {
            for (boolean bucket : new boolean[] {false, true}) {
                List<int[]> batches = BatchPlan.epoch(data, batchSize, true, bucket, 3, 0);
                assertEquals(1, batches.size(), batchSize + ", bucketing " + bucket);
                assertEquals(10, batches.get(0).length);
            }
        }
    }
}
