package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.internal.PartitionRunner;

/** The threads of a partitioned pass: what one partition wrote before a meeting, the others see; errors surface. */
class PartitionRunnerTest {
    private static final PartitionRunner.Meetings ALWAYS = stage -> true;

    @Test
    void aMeetingPublishesEveryPartitionsWork() {
        assumeTrue(PartitionRunner.threads() > 1, "one core: partitions run one after the other");
        for (int round = 0; round < 200; round++) {
            long[] written = new long[2];
            long[] seen = new long[2];
            Thread[] threads = new Thread[2];
            PartitionRunner.run(2, 2, (p, stage) -> {
                threads[p] = Thread.currentThread();
                if (stage == 0) {
                    written[p] = 1000L + p;
                } else {
                    seen[p] = written[1 - p];
                }
            }, ALWAYS, true);
            assertArrayEquals(new long[] {1001, 1000}, seen);
            assertNotSame(threads[0], threads[1], "round " + round + " ran in one thread");
        }
    }

    @Test
    void serialRunsGoStageByStage() {
        List<String> order = new ArrayList<>();
        PartitionRunner.run(3, 2, (p, stage) -> order.add(stage + ":" + p), ALWAYS, false);
        assertEquals(List.of("0:0", "0:1", "0:2", "1:0", "1:1", "1:2"), order);
    }

    @Test
    void aFailingPartitionFailsThePassAndFreesTheWorkers() {
        for (int failing = 0; failing < 2; failing++) {
            int which = failing;
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> PartitionRunner.run(2, 50, (p, stage) -> {
                        if (p == which && stage == 7) {
                            throw new IllegalStateException("partition " + p + " failed at stage 7");
                        }
                    }, ALWAYS, true));
            assertEquals("partition " + which + " failed at stage 7", e.getMessage());
        }
        AtomicInteger stages = new AtomicInteger();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        PartitionRunner.run(2, 10, (p, stage) -> {
            stages.incrementAndGet();
            threads.add(Thread.currentThread());
        }, ALWAYS, true);
        assertEquals(20, stages.get());
        if (PartitionRunner.threads() > 1) {
            assertEquals(2, threads.size(), "the worker was not released after the failures");
        }
    }

    /** Threads running inference at once share one worker: passes that find it busy run alone, same results. */
    @Test
    void concurrentInferenceOfAPartitionedLayerMatchesSequential() throws Exception {
        RecurrentCellSpec spec = Lstm.builder(8, 128).build();
        Parameters parameters = Parameters.zeros(spec.layout(), DataType.FLOAT);
        spec.initialize(parameters, new SplittableRandom(3));
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, parameters, parameters.zerosLike(), true, 2, true);
        Nd4j.getRandom().setSeed(5);
        INDArray[] inputs = new INDArray[8];
        INDArray[] expected = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Nd4j.rand(DataType.FLOAT, 12, 3, 8).subi(0.5);
            expected[i] = layer.forward(inputs[i], new int[] {12, 5, 9}, null, false).outputs().dup();
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<INDArray>> results = new ArrayList<>();
            for (int repeat = 0; repeat < 5; repeat++) {
                for (INDArray input : inputs) {
                    results.add(pool.submit(() -> layer.forward(input, new int[] {12, 5, 9}, null, false)
                            .outputs().dup()));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals(expected[i % inputs.length], results.get(i).get(), "pass " + i);
            }
        } finally {
            pool.shutdown();
        }
    }
}
