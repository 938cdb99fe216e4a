package org.rnn4j.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.rnn4j.nd4j.model.SequenceModel;

class BatchingPredictorTest {
    /**
     * Float32 rows of one sequence in batches of other compositions differ by a few units in the last place (about
     * 2e-7 × max(1, |value|) here); the documented bound is 1e-5 × max(1, |value|).
     */
    static final double TOLERANCE = 1e-5;

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double bound = TOLERANCE * Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= bound, what + "[" + i + "]: " + expected[i] + " vs "
                    + actual[i]);
        }
    }

    /** Submits {@code sequences} from 8 threads at once and checks each answer against the model alone. */
    @Test
    void concurrentTokenRequestsEqualPredictingEachAlone() throws Exception {
        SequenceModel model = TestModels.tokenClassifier();
        List<int[]> sequences = TestModels.tokenSequences(200, 30, 1);
        int bitEqual = 0;
        double worst = 0;
        try (BatchingPredictor predictor = Predictor.batching(model).maxBatch(16).maxDelay(Duration.ofMillis(5))
                .build()) {
            List<CompletableFuture<float[]>> answers = submitFromThreads(8, sequences.size(),
                    i -> predictor.predict(sequences.get(i)));
            for (int i = 0; i < sequences.size(); i++) {
                float[] alone = model.predictTokens(List.<int[]>of(sequences.get(i)))[0];
                float[] batched = answers.get(i).get(10, TimeUnit.SECONDS);
                assertClose(alone, batched, "sequence " + i);
                bitEqual += java.util.Arrays.equals(alone, batched) ? 1 : 0;
                for (int k = 0; k < alone.length; k++) {
                    worst = Math.max(worst, Math.abs(alone[k] - batched[k]) / Math.max(1, Math.abs(alone[k])));
                }
            }
            PredictorStats stats = predictor.stats();
            assertEquals(200, stats.accepted());
            assertEquals(200, stats.answered());
            assertTrue(stats.batches() < 200 && stats.meanBatchSize() > 1, "requests were batched: " + stats);
        }
        System.out.println("batched rows bit-equal to predicting alone: " + bitEqual + " of 200; largest difference "
                + "relative to max(1, |value|) " + worst);
    }

    @Test
    void concurrentVectorRequestsEqualPredictingEachAlone() throws Exception {
        SequenceModel model = TestModels.vectorRegressor();
        List<float[][]> sequences = TestModels.vectorSequences(120, 25, 2);
        try (BatchingPredictor predictor = Predictor.batching(model).maxBatch(32).build()) {
            List<CompletableFuture<float[]>> answers = submitFromThreads(6, sequences.size(),
                    i -> predictor.predict(sequences.get(i)));
            for (int i = 0; i < sequences.size(); i++) {
                assertClose(model.predictVectors(List.<float[][]>of(sequences.get(i)))[0],
                        answers.get(i).get(10, TimeUnit.SECONDS), "sequence " + i);
            }
        }
    }

    /**
     * A burst runs as one batch, and a batch starts once no request has come for maxDelay / 8 rather than after the
     * whole maxDelay: a lone request is not held for companions that never come.
     */
    @Test
    void aBurstRunsTogetherAndALoneRequestDoesNotWaitTheWholeMaxDelay() throws Exception {
        Duration maxDelay = Duration.ofMillis(1600);
        try (BatchingPredictor predictor = Predictor.batching(TestModels.tokenClassifier()).maxDelay(maxDelay)
                .build()) {
            List<CompletableFuture<float[]>> burst = new ArrayList<>();
            for (int[] s : TestModels.tokenSequences(10, 8, 5)) {
                burst.add(predictor.predict(s));
            }
            for (CompletableFuture<float[]> f : burst) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertEquals(1, predictor.stats().batches(), "the burst ran as one pass");
            long start = System.nanoTime();
            predictor.predict(new int[] {1, 2, 3}).get(10, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < maxDelay.toMillis() / 2, "a lone request waited " + millis + " ms, about the "
                    + "burst gap of " + maxDelay.toMillis() / BatchingPredictor.BURST_GAP_DIVISOR + " ms, not the "
                    + "maxDelay of " + maxDelay.toMillis() + " ms");
        }
    }

    @Test
    void aBadRequestFailsAloneAndTheOthersInItsBurstAreAnswered() throws Exception {
        SequenceModel model = TestModels.tokenClassifier();
        List<int[]> good = TestModels.tokenSequences(10, 12, 3);
        try (BatchingPredictor predictor = Predictor.batching(model).maxDelay(Duration.ofMillis(20)).build()) {
            List<CompletableFuture<float[]>> answers = new ArrayList<>();
            good.forEach(s -> answers.add(predictor.predict(s)));
            CompletableFuture<float[]> unknownToken = predictor.predict(new int[] {1, 2, TestModels.VOCABULARY});
            CompletableFuture<float[]> empty = predictor.predict(new int[0]);
            CompletableFuture<float[]> wrongKind = predictor.predict(new float[][] {{1, 2, 3, 4}});
            assertFailure(unknownToken, IllegalArgumentException.class, "tokens[2] must be a token id in [0, 49] but "
                    + "is 50");
            assertFailure(empty, IllegalArgumentException.class, "tokens must have at least one token but is empty");
            assertFailure(wrongKind, IllegalStateException.class, "takes token ids");
            for (int i = 0; i < good.size(); i++) {
                assertClose(model.predictTokens(List.<int[]>of(good.get(i)))[0], answers.get(i).get(10,
                        TimeUnit.SECONDS), "sequence " + i);
            }
            assertEquals(3, predictor.stats().rejected());
            assertEquals(10, predictor.stats().accepted());
        }
        try (BatchingPredictor predictor = Predictor.batching(TestModels.vectorRegressor()).build()) {
            assertFailure(predictor.predict(new float[][] {{1, 2, 3, 4}, {1, 2, 3}}), IllegalArgumentException.class,
                    "sequence[1] must have 4 features (the model's input size) but has 3");
            assertFailure(predictor.predict(new float[][] {{1, Float.NaN, 3, 4}}), IllegalArgumentException.class,
                    "sequence[0][1] must be finite but is NaN");
            assertFailure(predictor.predict((float[][]) null), IllegalArgumentException.class,
                    "sequence must have at least one step but is null");
            assertFailure(predictor.predict(new int[] {1}), IllegalStateException.class, "takes feature vectors");
        }
    }

    @Test
    void aFullQueueRejectsNewRequestsAndAnswersTheAcceptedOnes() throws Exception {
        BlockedPasses blocked = new BlockedPasses();
        SequenceModel model = TestModels.tokenClassifier();
        try (BatchingPredictor predictor = Predictor.batching(model).maxBatch(2).maxDelay(Duration.ZERO)
                .queueCapacity(3).listener(blocked).build()) {
            CompletableFuture<float[]> first = predictor.predict(new int[] {1, 2});
            blocked.awaitFirstPass();                       // the only pass thread now hangs in the listener
            List<CompletableFuture<float[]>> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                queued.add(predictor.predict(new int[] {3, 4, 5 + i}));
            }
            CompletableFuture<float[]> overflow = predictor.predict(new int[] {6});
            assertFailure(overflow, QueueFullException.class, "queue is full: 3 requests are waiting "
                    + "(queueCapacity 3)");
            assertEquals(3, predictor.stats().waiting());
            blocked.release();
            first.get(10, TimeUnit.SECONDS);
            for (CompletableFuture<float[]> q : queued) {
                assertEquals(2, q.get(10, TimeUnit.SECONDS).length);
            }
            assertTrue(predictor.predict(new int[] {7}).get(10, TimeUnit.SECONDS).length == 2,
                    "capacity is free again once the queue drains");
            PredictorStats s = predictor.stats();
            assertEquals(1, s.rejected());
            assertEquals(5, s.answered());
        }
    }

    @Test
    void requestsNotAnsweredInTimeFailWithATimeoutAndAreNotRun() throws Exception {
        BlockedPasses blocked = new BlockedPasses();
        try (BatchingPredictor predictor = Predictor.batching(TestModels.tokenClassifier()).maxDelay(Duration.ZERO)
                .timeout(Duration.ofMillis(100)).listener(blocked).build()) {
            CompletableFuture<float[]> first = predictor.predict(new int[] {1});
            blocked.awaitFirstPass();
            CompletableFuture<float[]> late = predictor.predict(new int[] {2, 3});
            ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("timeout of 100 ms"), e.getCause().getMessage());
            blocked.release();
            assertEquals(2, first.get(10, TimeUnit.SECONDS).length, "the request answered in time keeps its answer");
            assertEquals(2, predictor.predict(new int[] {4}).get(10, TimeUnit.SECONDS).length);
            PredictorStats s = predictor.stats();
            assertEquals(1, s.timedOut());
            assertEquals(2, s.answered());
            assertEquals(2, s.batches(), "the timed-out request was not run");
        }
    }

    @Test
    void aCancelledRequestIsSkippedAndCounted() throws Exception {
        BlockedPasses blocked = new BlockedPasses();
        try (BatchingPredictor predictor = Predictor.batching(TestModels.tokenClassifier()).maxDelay(Duration.ZERO)
                .listener(blocked).build()) {
            CompletableFuture<float[]> first = predictor.predict(new int[] {1});
            blocked.awaitFirstPass();
            CompletableFuture<float[]> abandoned = predictor.predict(new int[] {2, 3});
            CompletableFuture<float[]> kept = predictor.predict(new int[] {4, 5});
            assertTrue(abandoned.cancel(false));
            blocked.release();
            first.get(10, TimeUnit.SECONDS);
            kept.get(10, TimeUnit.SECONDS);
            predictor.close();
            PredictorStats s = predictor.stats();
            assertEquals(1, s.cancelled());
            assertEquals(2, s.answered());
            assertEquals(2, s.batchedRequests(), "the cancelled request was not run");
            assertEquals(s.accepted(), s.answered() + s.failed() + s.timedOut() + s.cancelled());
        }
    }

    @Test
    void closeAnswersEveryQueuedRequestThenRejectsNewOnes() throws Exception {
        BlockedPasses blocked = new BlockedPasses();
        BatchingPredictor predictor = Predictor.batching(TestModels.tokenClassifier()).maxBatch(4)
                .maxDelay(Duration.ofSeconds(30)).listener(blocked).build();
        List<CompletableFuture<float[]>> answers = new ArrayList<>();
        answers.add(predictor.predict(new int[] {1}));
        for (int i = 0; i < 3; i++) {
            answers.add(predictor.predict(new int[] {2, 3 + i}));  // a batch of 4: runs at once
        }
        blocked.awaitFirstPass();
        for (int i = 0; i < 10; i++) {
            answers.add(predictor.predict(new int[] {5, 6, 7 + i}));
        }
        ExecutorService closer = Executors.newSingleThreadExecutor();
        Future<?> closing = closer.submit(predictor::close);
        while (predictor.predict(new int[] {1}).isCompletedExceptionally() == false) {
            Thread.sleep(1); // until close has begun: the probe requests before it are answered too
        }
        assertFailure(predictor.predict(new int[] {1}), RejectedExecutionException.class, "the predictor is closed");
        assertFalse(closing.isDone(), "close waits for the queued requests");
        blocked.release();
        closing.get(10, TimeUnit.SECONDS);
        closer.shutdown();
        for (CompletableFuture<float[]> a : answers) {
            assertEquals(2, a.getNow(null).length, "answered before close returned");
        }
        PredictorStats s = predictor.stats();
        assertEquals(s.accepted(), s.answered());
        assertEquals(0, s.waiting());
    }

    @Test
    void shutdownNowFailsTheRequestsThatHaveNotStarted() throws Exception {
        BlockedPasses blocked = new BlockedPasses();
        BatchingPredictor predictor = Predictor.batching(TestModels.tokenClassifier()).maxDelay(Duration.ZERO)
                .listener(blocked).build();
        CompletableFuture<float[]> running = predictor.predict(new int[] {1});
        blocked.awaitFirstPass();
        List<CompletableFuture<float[]>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(predictor.predict(new int[] {2, 3}));
        }
        ExecutorService closer = Executors.newSingleThreadExecutor();
        Future<?> stopping = closer.submit(predictor::shutdownNow);
        for (CompletableFuture<float[]> q : queued) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> q.get(10, TimeUnit.SECONDS));
            assertInstanceOf(RejectedExecutionException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("shut down before this request ran"));
        }
        blocked.release();
        stopping.get(10, TimeUnit.SECONDS);
        closer.shutdown();
        assertEquals(2, running.get().length, "the running pass finished");
        PredictorStats s = predictor.stats();
        assertEquals(1, s.answered());
        assertEquals(5, s.failed());
    }

    @Test
    void aModelThatPredictsEveryStepAndBadSettingsAreRefusedAtBuild() {
        SequenceModel allSteps = SequenceModel.builder()
                .recurrent(org.rnn4j.nd4j.cell.Lstm.builder(2, 3).build()).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Predictor.batching(allSteps));
        assertTrue(e.getMessage().contains("OutputMode.ALL_STEPS"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Predictor.direct(allSteps));
        BatchingPredictor.Builder b = Predictor.batching(TestModels.tokenClassifier());
        assertEquals("maxBatch must be in [1, 256] but is 0",
                assertThrows(IllegalArgumentException.class, () -> b.maxBatch(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.maxBatch(257));
        assertThrows(IllegalArgumentException.class, () -> b.maxDelay(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.queueCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> b.threads(0));
    }

    @Test
    void severalPassThreadsGiveTheSameAnswers() throws Exception {
        SequenceModel model = TestModels.tokenClassifier();
        List<int[]> sequences = TestModels.tokenSequences(150, 20, 4);
        try (BatchingPredictor predictor = Predictor.batching(model).maxBatch(8).threads(3).build()) {
            List<CompletableFuture<float[]>> answers = submitFromThreads(8, sequences.size(),
                    i -> predictor.predict(sequences.get(i)));
            for (int i = 0; i < sequences.size(); i++) {
                assertClose(model.predictTokens(List.<int[]>of(sequences.get(i)))[0],
                        answers.get(i).get(10, TimeUnit.SECONDS), "sequence " + i);
            }
        }
    }

    @Test
    void theDirectPredictorIsTheModelAlone() throws Exception {
        SequenceModel model = TestModels.tokenClassifier();
        int[] tokens = {4, 8, 15, 16, 23, 42};
        Predictor direct = Predictor.direct(model);
        assertArrayEquals(model.predictTokens(List.<int[]>of(tokens))[0], direct.predict(tokens).get());
        assertFailure(direct.predict(new int[] {99}), IllegalArgumentException.class, "tokens[0] must be a token id");
        direct.close();
        assertFailure(direct.predict(tokens), RejectedExecutionException.class, "closed");
    }

    static void assertFailure(CompletableFuture<float[]> future, Class<? extends Throwable> type, String message) {
        assertTrue(future.isDone(), "rejected at once");
        ExecutionException e = assertThrows(ExecutionException.class, future::get);
        assertInstanceOf(type, e.getCause());
        assertTrue(e.getCause().getMessage().contains(message), e.getCause().getMessage());
    }

    interface Submit {
        CompletableFuture<float[]> request(int index);
    }

    /** Request {@code i} of {@code count} submitted from one of {@code threads} threads, all started together. */
    static List<CompletableFuture<float[]>> submitFromThreads(int threads, int count, Submit submit)
            throws InterruptedException {
        List<CompletableFuture<float[]>> answers = new ArrayList<>(java.util.Collections.nCopies(count, null));
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread c = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = first; i < count; i += threads) {
                    CompletableFuture<float[]> a = submit.request(i);
                    synchronized (answers) {
                        answers.set(i, a);
                    }
                }
            });
            c.start();
            clients.add(c);
        }
        start.countDown();
        for (Thread c : clients) {
            c.join();
        }
        return answers;
    }

    /** A listener that holds the first pass's thread until released: the pass thread is busy, requests queue up. */
    static final class BlockedPasses implements BatchListener {
        private final CountDownLatch firstPass = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean first = new AtomicBoolean(true);

        @Override
        public void passRun(int requests, int longestSteps, long paddingSteps, long oldestWaitNanos,
                            long passNanos) {
            if (first.getAndSet(false)) {
                firstPass.countDown();
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void awaitFirstPass() throws InterruptedException {
            assertTrue(firstPass.await(10, TimeUnit.SECONDS));
        }

        void release() {
            released.countDown();
        }
    }
}
