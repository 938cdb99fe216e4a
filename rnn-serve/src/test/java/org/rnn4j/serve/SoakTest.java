package org.rnn4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.model.SequenceModel;

/**
 * 64 clients, each sending one request after another for {@code serve.soak.seconds} (5 in the normal build;
 * {@code -Dserve.soak.seconds=60} for the full soak): every request is answered once, correctly, and memory stays
 * flat.
 */
class SoakTest {
    static final int CLIENTS = 64;
    /**
     * Growth allowed between the warm-up and the end for the heap after a collection and for the native memory ND4J
     * holds.
     */
    static final long MEMORY_SLACK_BYTES = 64L << 20;
    /**
     * Growth allowed for the resident memory outside the heap (the process's resident size less the committed heap,
     * which the JVM grows toward -Xmx as it sees fit), from the warm-up to its highest sample. Measured on 2 cores:
     * 60-100 MB over 60 s (malloc's arenas and the JIT's code settling), against 300 MB in the first 5 s and 2 GB in
     * 60 s when every pass's native temporaries waited for the collector.
     */
    static final long RESIDENT_SLACK_BYTES = 128L << 20;
    static final long SAMPLE_MILLIS = 250;

    @Test
    void sixtyFourClientsEveryRequestAnsweredOnceAndMemoryFlat() throws Exception {
        long seconds = Long.getLong("serve.soak.seconds", 5);
        SequenceModel model = TestModels.tokenClassifier();
        List<int[]> pool = TestModels.tokenSequences(256, 40, 9);
        List<float[]> expected = new ArrayList<>();
        pool.forEach(s -> expected.add(model.predictTokens(List.<int[]>of(s))[0]));

        AtomicLong sent = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // answers per request id: each must end at exactly 1 (room for 60 s at 70 000 requests a second)
        AtomicLongArray answersPerId = new AtomicLongArray(1 << 22);
        AtomicInteger nextId = new AtomicInteger();
        long[] memoryAtWarmUp = new long[2];
        try (BatchingPredictor predictor = Predictor.batching(model).maxBatch(32).maxDelay(Duration.ofMillis(2))
                .timeout(Duration.ofSeconds(30)).build()) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                long seed = c;
                Thread t = new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    while (System.nanoTime() < end && failure.get() == null) {
                        int which = random.nextInt(pool.size());
                        int id = nextId.getAndIncrement();
                        sent.incrementAndGet();
                        CompletableFuture<float[]> f = predictor.predict(pool.get(which));
                        f.whenComplete((row, e) -> answersPerId.incrementAndGet(id));
                        try {
                            float[] row = f.get(60, TimeUnit.SECONDS);
                            for (int k = 0; k < row.length; k++) {
                                if (Math.abs(row[k] - expected.get(which)[k]) > BatchingPredictorTest.TOLERANCE
                                        * Math.max(1, Math.abs(expected.get(which)[k]))) {
                                    wrong.incrementAndGet();
                                }
                            }
                        } catch (Exception e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }, "soak-client-" + c);
                clients.add(t);
            }
            clients.forEach(Thread::start);
            Thread.sleep(Math.max(1000, Math.min(15_000, seconds * 250))); // a quarter of the run, 1-15 s
            memoryAtWarmUp[0] = heapAfterCollection();
            memoryAtWarmUp[1] = Nd4j.getMemoryManager().allocatedMemory(0);
            long residentAtWarmUp = Pointer.physicalBytes();
            long outsideAtWarmUp = residentOutsideHeap();
            long outsideHighest = outsideAtWarmUp;
            while (clients.stream().anyMatch(Thread::isAlive)) {
                Thread.sleep(SAMPLE_MILLIS);
                outsideHighest = Math.max(outsideHighest, residentOutsideHeap());
            }
            for (Thread t : clients) {
                t.join();
            }
            long heap = heapAfterCollection();
            long offHeap = Nd4j.getMemoryManager().allocatedMemory(0);
            long resident = Pointer.physicalBytes();
            assertEquals(null, failure.get(), "every request answered in time");
            assertEquals(0, wrong.get(), "every answer equals predicting its sequence alone");
            PredictorStats stats = predictor.stats();
            assertEquals(sent.get(), stats.accepted());
            assertEquals(sent.get(), stats.answered());
            assertEquals(0, stats.failed() + stats.timedOut() + stats.cancelled() + stats.rejected());
            assertTrue(sent.get() < answersPerId.length(), "room to count every request");
            long answeredOnce = 0;
            for (int i = 0; i < nextId.get(); i++) {
                answeredOnce += answersPerId.get(i) == 1 ? 1 : 0;
            }
            assertEquals(nextId.get(), answeredOnce, "no request lost or answered twice");
            assertTrue(heap < memoryAtWarmUp[0] + MEMORY_SLACK_BYTES, "heap flat: " + memoryAtWarmUp[0] + " -> "
                    + heap);
            assertTrue(offHeap < memoryAtWarmUp[1] + MEMORY_SLACK_BYTES, "ND4J's native memory flat: "
                    + memoryAtWarmUp[1] + " -> " + offHeap);
            System.out.printf("soak: %d s, %d clients, %d requests (%.0f/s), mean batch %.1f, heap %d -> %d MB, "
                            + "ND4J native %d -> %d MB, resident %d -> %d MB, resident outside the heap %d -> at most "
                            + "%d MB%n", seconds, CLIENTS, sent.get(), sent.get() / (double) seconds,
                    stats.meanBatchSize(), memoryAtWarmUp[0] >> 20, heap >> 20, memoryAtWarmUp[1] >> 20,
                    offHeap >> 20, residentAtWarmUp >> 20, resident >> 20, outsideAtWarmUp >> 20,
                    outsideHighest >> 20);
            assertTrue(outsideHighest < outsideAtWarmUp + RESIDENT_SLACK_BYTES, "resident memory outside the heap "
                    + "flat: " + (outsideAtWarmUp >> 20) + " MB after the warm-up, up to " + (outsideHighest >> 20)
                    + " MB");
        }
    }

    /** The process's resident size less the committed heap (whose resident part is at most that). */
    private static long residentOutsideHeap() {
        return Pointer.physicalBytes() - Runtime.getRuntime().totalMemory();
    }

    /**
     * The heap after collections until it stops shrinking: ND4J's and JavaCPP's deallocator threads free the native
     * memory of collected arrays between them, and the references they process are heap objects too.
     */
    private static long heapAfterCollection() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        long previous = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            System.gc();
            Thread.sleep(200);
            long used = r.totalMemory() - r.freeMemory();
            if (used > previous - (1 << 20)) {
                return Math.min(used, previous);
            }
            previous = used;
        }
        return previous;
    }
}
