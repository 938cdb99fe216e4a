package org.rnn4j.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Padded pairs: time-major ids, each side padded to its own longest sequence with the padding id. */
class Seq2SeqDatasetTest {
    static final Seq2SeqDataset DATA = Seq2SeqDataset.of(List.of(new int[] {3, 4, 5}, new int[] {6}),
            List.of(new int[] {7, 2}, new int[] {8, 9, 10, 2}), 1);

    @Test
    void aBatchIsTimeMajorAndPaddedPerSide() {
        Seq2SeqBatch b = DATA.batch(new int[] {1, 0}, DataType.FLOAT);
        assertEquals(Nd4j.createFromArray(new float[][] {{6, 3}, {1, 4}, {1, 5}}), b.source());
        assertEquals(Nd4j.createFromArray(new float[][] {{8, 7}, {9, 2}, {10, 1}, {2, 1}}), b.target());
        assertArrayEquals(new int[] {1, 3}, b.sourceLengths());
        assertArrayEquals(new int[] {4, 2}, b.targetLengths());
        assertEquals(6, b.targetSteps());
        assertArrayEquals(new int[] {1, 0}, b.indices());
    }

    @Test
    void bucketingUsesTheLongerSide() {
        // lengths by the longer side: 0 -> 3, 1 -> 4; sorted within the pool, unshuffled
        assertArrayEquals(new int[] {0, 1}, BatchPlan.epoch(DATA, 2, false, true, 0, 0).get(0));
    }

    @Test
    void idsAreCheckedAgainstEachSidesVocabulary() {
        assertArrayEquals(new int[] {1, 2, 10}, DATA.firstTokenAtOrAbove(false, 10));
        assertEquals(null, DATA.firstTokenAtOrAbove(true, 7));
        assertArrayEquals(new int[] {0, 2, 5}, DATA.firstTokenAtOrAbove(true, 5));
        assertArrayEquals(new int[] {-1, -1, 1}, DATA.firstTokenAtOrAbove(true, 1));
    }

    @Test
    void badSequencesAreRefusedWithTheirPlace() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqDataset.of(List.of(new int[] {3}), List.of(new int[0]), 0));
        assertTrue(empty.getMessage().contains("targets[0] is empty"), empty.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqDataset.of(List.of(new int[] {3, -2}), List.of(new int[] {1}), 0));
        assertTrue(negative.getMessage().contains("sources[0][1] is the token id -2"), negative.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> DATA.batch(new int[] {2}, DataType.FLOAT));
    }
}
