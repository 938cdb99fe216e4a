package org.rnn4j.examples.serving;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.rnn4j.examples.sentiment.SentenceCorpus;
import org.rnn4j.examples.sentiment.SentimentModel;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.serve.BatchingPredictor;
import org.rnn4j.serve.Predictor;

/**
 * One case of {@link ServingLoad}, alone in its JVM: {@code clients} threads each send a request, wait for its
 * answer and send the next, for {@code warmup} unmeasured seconds and then {@code seconds} measured ones. Prints
 * one result line.
 * <pre>
 *   LoadRun sentiment|lstm-a direct|batching CLIENTS WARMUP SECONDS SENTIMENT_MODEL_FILE MAX_DELAY_US PASS_THREADS
 * </pre>
 */
public final class LoadRun {
    /** Distinct requests cycled through: enough that no answer is served from a cache the model might have. */
    static final int LSTM_A_REQUESTS = 64;

    private LoadRun() {
    }

    /** What the clients send: request {@code i} of a fixed pool, for a predictor. */
    private interface Workload {
        int size();

        java.util.concurrent.CompletableFuture<float[]> send(Predictor predictor, int i);
    }

    public static void main(String[] args) throws Exception {
        String workloadName = args[0];
        boolean batching = args[1].equals("batching");
        int clients = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        SequenceModel model;
        Workload workload;
        if (workloadName.equals("sentiment")) {
            SentimentModel sentiment = SentimentModel.load(Path.of(args[5]));
            model = sentiment.network();
            List<int[]> ids = new ArrayList<>();
            SentenceCorpus.shipped().forEach(s -> ids.add(sentiment.encode(s.text())));
            workload = pool(ids.size(), i -> ids.get(i), null);
        } else if (workloadName.equals("lstm-a")) {
            model = SequenceModel.builder().recurrent(Lstm.builder(64, 256).build()).head(Dense.builder(256, 1).build())
                    .outputMode(SequenceModel.OutputMode.LAST_STEP).seed(1).build();
            SplittableRandom random = new SplittableRandom(2);
            List<float[][]> sequences = new ArrayList<>();
            for (int i = 0; i < LSTM_A_REQUESTS; i++) {
                float[][] s = new float[50][64];
                for (float[] step : s) {
                    for (int k = 0; k < step.length; k++) {
                        step[k] = (float) random.nextGaussian();
                    }
                }
                sequences.add(s);
            }
            workload = pool(sequences.size(), null, i -> sequences.get(i));
        } else {
            throw new IllegalArgumentException("workload must be sentiment or lstm-a but is " + workloadName);
        }
        long maxDelayMicros = Long.parseLong(args[6]);
        int passThreads = Integer.parseInt(args[7]);
        Predictor predictor = batching ? Predictor.batching(model).maxBatch(32)
                .maxDelay(Duration.ofNanos(maxDelayMicros * 1000)).threads(passThreads).build()
                : Predictor.direct(model);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(new Thread(() -> {
                SplittableRandom random = new SplittableRandom(client);
                long[] mine = new long[1 << 16];
                int n = 0;
                try {
                    for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                        workload.send(predictor, random.nextInt(workload.size())).get(30, TimeUnit.SECONDS);
                        long done = System.nanoTime();
                        if (now >= measureFrom && done <= end) {
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = done - now;
                        }
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
                latencies[client] = mine;
                counts[client] = n;
            }, "load-client-" + c));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a request failed", failure.get());
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        for (int c = 0, at = 0; c < clients; c++) {
            System.arraycopy(latencies[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        double meanBatch = predictor instanceof BatchingPredictor b ? b.stats().meanBatchSize() : 1;
        predictor.close();
        System.out.printf(Locale.ROOT, "requests_per_second=%.1f p50_ms=%.3f p99_ms=%.3f mean_batch=%.2f "
                        + "requests=%d%n", total / (double) seconds, percentile(all, 0.50) / 1e6,
                percentile(all, 0.99) / 1e6, meanBatch, total);
        System.exit(0);
    }

    private static Workload pool(int size, IntFunction<int[]> tokens, IntFunction<float[][]> vectors) {
        return new Workload() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public java.util.concurrent.CompletableFuture<float[]> send(Predictor predictor, int i) {
                return tokens != null ? predictor.predict(tokens.apply(i)) : predictor.predict(vectors.apply(i));
            }
        };
    }

    /** The nearest-rank percentile of sorted values. */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
