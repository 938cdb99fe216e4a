package org.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;

/**
 * Training on Spark gives the single-machine run, in float64: padded variable-length batches, an embedding, dropout
 * between the layers and before the head, Adam, clipping and validation; per-step losses and final parameters
 * agree to 1e-9 relative in local[2] and local[4], with a task that fails once and is retried, and with uneven and
 * empty partitions.
 */
class SparkEquivalenceTest {
    static SparkRuns.Run single;

    @BeforeAll
    static void trainOnOneMachine() {
        single = SparkRuns.singleMachine();
    }

    static void assertSameRun(SparkRuns.Run spark, String where) {
        assertEquals(single.losses().size(), spark.losses().size(), where + ": steps");
        for (int i = 0; i < single.losses().size(); i++) {
            double a = single.losses().get(i);
            double b = spark.losses().get(i);
            assertTrue(Math.abs(a - b) <= 1e-9 * Math.abs(a), where + ": step " + i + " loss " + b + " vs " + a);
        }
        INDArray expected = single.model().parameters().flat();
        double scale = expected.amaxNumber().doubleValue();
        double diff = spark.model().parameters().flat().sub(expected).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-9 * scale, where + ": parameters differ by " + diff + " (largest " + scale + ")");
        assertEquals(single.result().bestEpoch(), spark.result().bestEpoch(), where + ": best epoch");
        assertEquals(single.result().last().metric(), spark.result().last().metric(), 1e-12, where);
    }

    @Test
    void localTwoAndLocalFourGiveTheSingleMachineRun() {
        assertTrue(single.result().last().trainLoss() < single.result().history().get(0).trainLoss(), "it learns");
        SparkRuns.withSpark("local[2]", spark -> {
            assertSameRun(SparkRuns.onSpark(spark, SparkSequenceData.of(spark, SparkRuns.TRAIN, 2, 0),
                    BinaryCrossEntropyWithLogits::new), "local[2]");
            return null;
        });
        SparkRuns.withSpark("local[4]", spark -> {
            assertSameRun(SparkRuns.onSpark(spark, SparkSequenceData.of(spark, SparkRuns.TRAIN, 4, 0),
                    BinaryCrossEntropyWithLogits::new), "local[4]");
            return null;
        });
    }

    @Test
    void aTaskThatFailsOnceIsRetriedToTheSameResult() {
        LossFactory failingFirstAttempt = () -> {
            TaskContext task = TaskContext.get();
            if (task != null && task.partitionId() == 1 && task.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure of partition 1's first attempt");
            }
            return new BinaryCrossEntropyWithLogits();
        };
        SparkRuns.withSpark("local[4,2]", spark -> {
            assertSameRun(SparkRuns.onSpark(spark, SparkSequenceData.of(spark, SparkRuns.TRAIN, 4, 0),
                    failingFirstAttempt), "local[4,2] with failures");
            return null;
        });
    }

    @Test
    void unevenAndEmptyPartitionsGiveTheSameResult() {
        SparkRuns.withSpark("local[2]", spark -> {
            List<SparkExample> all = new java.util.ArrayList<>();
            for (int i = 0; i < SparkRuns.TRAIN.size(); i++) {
                all.add(SparkExample.ofTokens(SparkRuns.TRAIN.tokens(i), SparkRuns.TRAIN.target(i)));
            }
            JavaRDD<SparkExample> uneven = spark.parallelize(all.subList(0, 7), 1)
                    .union(spark.emptyRDD())
                    .union(spark.parallelize(all.subList(7, 90), 2))
                    .union(spark.parallelize(List.of(), 2))
                    .union(spark.parallelize(all.subList(90, all.size()), 1));
            SparkSequenceData data = SparkSequenceData.of(uneven, 0);
            assertEquals(6, data.partitions()); // 1 + 0 + 2 + 2 empty + 1
            assertEquals(SparkRuns.TRAIN.size(), data.size());
            assertSameRun(SparkRuns.onSpark(spark, data, BinaryCrossEntropyWithLogits::new), "uneven partitions");
            return null;
        });
    }
}
