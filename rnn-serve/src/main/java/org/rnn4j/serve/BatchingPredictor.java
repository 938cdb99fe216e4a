package org.rnn4j.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.rnn4j.api.Checks;
import org.rnn4j.nd4j.model.SequenceModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Predictor} that batches concurrent requests dynamically, as DJL Serving, TorchServe and Triton do, inside
 * the JVM: requests wait in a bounded queue; a dispatcher thread starts a pass when a pass thread is free, as soon
 * as {@code maxBatch} requests wait, the oldest has waited {@code maxDelay}, or no request has arrived for
 * {@code maxDelay / }{@value #BURST_GAP_DIVISOR} (the burst is over); the pass pads the batch
 * ({@link SequenceModel#predictTokens}/{@link SequenceModel#predictVectors}), runs the model once and answers each
 * request with its own row. Which requests run together is {@link BatchSelection}'s rule: all that wait when they fit,
 * else the oldest and those closest to it in length.
 *
 * <p><b>Results.</b> A request's row equals a {@code predict} of that sequence alone to float rounding: the same
 * sequence in batches of other sizes and companions goes through matrix products of other shapes, whose sums BLAS
 * may order differently. The difference is a few units in the last place (tests bound it by
 * {@code 1e-5 · max(1, |value|)} for float32); which rows come out bit-equal depends on the batch and the host's BLAS.
 *
 * <p><b>Failures.</b> A bad sequence fails its own future before it is queued. A full queue fails the new request with
 * {@link QueueFullException} (back-pressure; nothing grows without bound). With a {@link Builder#timeout}, a request
 * not answered in time fails with {@link TimeoutException} and is not run if its pass has not started. A pass that
 * throws fails the requests of that pass only. A future the caller cancels is skipped.
 *
 * <p><b>Threads.</b> One dispatcher and {@link Builder#threads} pass threads (default 1: one pass at a time, which
 * uses every core the engine is given; more overlap passes on a many-core host); all daemon threads. The model must
 * not be trained while the predictor serves it.
 *
 * <p><b>Shutdown.</b> {@link #close()} stops accepting, answers every accepted request and returns when all threads
 * have stopped; {@link #shutdownNow()} fails the requests that have not started instead.
 */
public final class BatchingPredictor implements Predictor {
    public static final int DEFAULT_MAX_BATCH = 32;
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(2);
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    public static final int DEFAULT_THREADS = 1;
    /**
     * A batch also starts once no request has arrived for {@code maxDelay / BURST_GAP_DIVISOR}: the burst is over,
     * and waiting longer would only idle the pass thread (a lone client's request would wait all of
     * {@code maxDelay} for companions that never come).
     */
    public static final int BURST_GAP_DIVISOR = 8;
    /** The largest {@code maxBatch}: one pass of {@link SequenceModel#predictTokens} holds this many sequences. */
    public static final int MAX_BATCH_LIMIT = SequenceModel.JAVA_BATCH;

    private static final Logger LOG = LoggerFactory.getLogger(BatchingPredictor.class);
    /** Put in the queue to wake the dispatcher at close; never counted, never run. */
    private static final Request WAKE_UP = new Request(null, 0, 0);

    private final SequenceModel model;
    private final boolean tokens;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final int queueCapacity;
    private final Duration timeout;
    private final BatchListener listener;

    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    /** Accepted requests not yet in a pass (in the queue or the dispatcher's list); bounded by the capacity. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Semaphore freePassThreads;
    private final ExecutorService passThreads;
    private final ScheduledThreadPoolExecutor timeouts;
    private final Thread dispatcher;
    private volatile boolean closed;
    private volatile boolean abandonWaiting;
    private final AtomicBoolean shutDown = new AtomicBoolean();

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchedRequests = new AtomicLong();

    private BatchingPredictor(Builder b) {
        this.model = b.model;
        this.tokens = model.embedding() != null;
        this.maxBatch = b.maxBatch;
        this.maxDelayNanos = b.maxDelay.toNanos();
        this.queueCapacity = b.queueCapacity;
        this.timeout = b.timeout;
        this.listener = b.listener;
        this.freePassThreads = new Semaphore(b.threads);
        this.passThreads = Executors.newFixedThreadPool(b.threads, daemon("rnn4j-predictor-pass"));
        if (timeout != null) {
            timeouts = new ScheduledThreadPoolExecutor(1, daemon("rnn4j-predictor-timeouts"));
            timeouts.setRemoveOnCancelPolicy(true); // an answered request's timer goes at once, not at its deadline
        } else {
            timeouts = null;
        }
        this.dispatcher = daemon("rnn4j-predictor-dispatcher").newThread(this::dispatch);
        dispatcher.start();
    }

    static Builder builder(SequenceModel model) {
        return new Builder(model);
    }

    @Override
    public CompletableFuture<float[]> predict(float[][] sequence) {
        try {
            float[][] checked = SequenceRequests.checkVectors(model, sequence);
            return accept(checked, checked.length);
        } catch (RuntimeException e) {
            rejected.incrementAndGet();
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<float[]> predict(int[] tokenIds) {
        try {
            int[] checked = SequenceRequests.checkTokens(model, tokenIds);
            return accept(checked, checked.length);
        } catch (RuntimeException e) {
            rejected.incrementAndGet();
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<float[]> accept(Object input, int length) {
        if (waiting.incrementAndGet() > queueCapacity) {
            waiting.decrementAndGet();
            throw new QueueFullException(queueCapacity);
        }
        if (closed) { // checked after counting itself in: a close that missed this request cannot miss the count
            waiting.decrementAndGet();
            queue.offer(WAKE_UP);
            throw new RejectedExecutionException("the predictor is closed");
        }
        Request request = new Request(input, length, System.nanoTime());
        if (timeouts != null) {
            request.timer = timeouts.schedule(() -> expire(request), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        accepted.incrementAndGet();
        queue.add(request);
        return request.future;
    }

    private void expire(Request request) {
        if (request.settle()) {
            timedOut.incrementAndGet();
            request.future.completeExceptionally(new TimeoutException("no answer within the predictor's timeout of "
                    + timeout.toMillis() + " ms (the request waited for a pass that had not begun, or its pass was "
                    + "still running)"));
        }
    }

    /** The dispatcher's loop: collect, choose a batch, hand it to a free pass thread; until closed and drained. */
    private void dispatch() {
        List<Request> pending = new ArrayList<>();
        try {
            while (true) {
                freePassThreads.acquire(); // requests gather while every pass thread is busy: larger batches
                if (!collect(pending)) {
                    freePassThreads.release();
                    return;
                }
                List<Request> batch = BatchSelection.take(pending, maxBatch, r -> r.length);
                running.addAndGet(batch.size());
                waiting.addAndGet(-batch.size());
                passThreads.execute(() -> {
                    try {
                        run(batch);
                    } finally {
                        running.addAndGet(-batch.size());
                        freePassThreads.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true; // no dispatcher, no passes: accept nothing more
            fail(pending, "the predictor was shut down before this request ran");
            // requests counted in before the close are a moment from the queue: fail them as they arrive
            while (waiting.get() > 0) {
                List<Request> rest = new ArrayList<>();
                drain(rest);
                if (rest.isEmpty()) {
                    Thread.onSpinWait();
                } else {
                    fail(rest, "the predictor was shut down before this request ran");
                }
            }
        }
    }

    /**
     * Waits for requests and gathers them into {@code pending} until it holds a batch's worth or its oldest has waited
     * {@code maxDelay} (at once when closing); drops what the caller or a timeout already ended. Returns false when
     * the predictor is closed and nothing waits.
     */
    private boolean collect(List<Request> pending) throws InterruptedException {
        while (true) {
            while (pending.isEmpty()) {
                if (closed && waiting.get() == 0) {
                    return false;
                }
                // once closed, a request counted in but not yet queued is a moment away: poll rather than wait
                Request r = closed ? queue.poll(1, TimeUnit.MILLISECONDS) : queue.take();
                addIfRequest(pending, r);
            }
            drain(pending);
            long deadline = pending.get(0).acceptedNanos + maxDelayNanos;
            while (pending.size() < maxBatch && !closed) {
                long burstOver = pending.get(pending.size() - 1).acceptedNanos + maxDelayNanos / BURST_GAP_DIVISOR;
                long wait = Math.min(deadline, burstOver) - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                addIfRequest(pending, queue.poll(wait, TimeUnit.NANOSECONDS));
                drain(pending);
            }
            if (abandonWaiting) {
                fail(pending, "the predictor was shut down before this request ran");
                pending.clear();
                continue;
            }
            int before = pending.size();
            pending.removeIf(this::alreadyEnded);
            waiting.addAndGet(pending.size() - before);
            if (!pending.isEmpty()) {
                return true;
            }
        }
    }

    private void drain(List<Request> pending) {
        List<Request> more = new ArrayList<>();
        queue.drainTo(more);
        more.forEach(r -> addIfRequest(pending, r));
    }

    private static void addIfRequest(List<Request> pending, Request r) {
        if (r != null && r != WAKE_UP) {
            pending.add(r);
        }
    }

    /** Whether the request's future is already complete (timed out, or cancelled by the caller); counts the latter. */
    private boolean alreadyEnded(Request r) {
        if (!r.future.isDone()) {
            return false;
        }
        if (r.settle()) {
            cancelled.incrementAndGet();
        }
        return true;
    }

    private void run(List<Request> batch) {
        long start = System.nanoTime();
        float[][] rows;
        int longest = 0;
        long steps = 0;
        try {
            List<int[]> ids = tokens ? new ArrayList<>(batch.size()) : null;
            List<float[][]> vectors = tokens ? null : new ArrayList<>(batch.size());
            for (Request r : batch) {
                if (tokens) {
                    ids.add((int[]) r.input);
                } else {
                    vectors.add((float[][]) r.input);
                }
                longest = Math.max(longest, r.length);
                steps += r.length;
            }
            rows = tokens ? model.predictTokens(ids) : model.predictVectors(vectors);
        } catch (RuntimeException | Error e) {
            LOG.warn("a pass of {} requests failed; they get its exception", batch.size(), e);
            for (Request r : batch) {
                if (r.settle()) {
                    failed.incrementAndGet();
                    r.future.completeExceptionally(e);
                }
            }
            return;
        }
        long passNanos = System.nanoTime() - start;
        batches.incrementAndGet(); // counts move before the futures complete: a caller that has its answer sees them
        batchedRequests.addAndGet(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Request r = batch.get(i);
            if (r.settle()) {
                answered.incrementAndGet();
                if (!r.future.complete(rows[i])) { // cancelled by the caller while its pass ran
                    answered.decrementAndGet();
                    cancelled.incrementAndGet();
                }
            }
        }
        if (listener != null) {
            try {
                listener.passRun(batch.size(), longest, (long) longest * batch.size() - steps,
                        start - batch.get(0).acceptedNanos, passNanos);
            } catch (RuntimeException e) {
                LOG.warn("the batch listener threw; ignored", e);
            }
        }
    }

    private void fail(List<Request> requests, String why) {
        for (Request r : requests) {
            if (r.settle()) {
                failed.incrementAndGet();
                r.future.completeExceptionally(new RejectedExecutionException(why));
            }
        }
        waiting.addAndGet(-requests.size());
    }

    /** Counts so far; a snapshot, each count read once (the counts may move while it is taken). */
    public PredictorStats stats() {
        return new PredictorStats(accepted.get(), answered.get(), failed.get(), timedOut.get(), cancelled.get(),
                rejected.get(), batches.get(), batchedRequests.get(), waiting.get(), running.get());
    }

    /**
     * Stops accepting requests (new ones fail with {@link RejectedExecutionException}), answers every accepted one,
     * and returns when the predictor's threads have stopped. Idempotent. If the calling thread is interrupted while
     * it waits, the requests are still answered and the interrupt flag is set again.
     */
    @Override
    public void close() {
        closed = true;
        queue.offer(WAKE_UP);
        awaitStop();
    }

    /**
     * Stops accepting requests, fails those that have not started (with {@link RejectedExecutionException}), lets
     * the running passes finish, and returns when the predictor's threads have stopped.
     */
    public void shutdownNow() {
        abandonWaiting = true;
        closed = true;
        dispatcher.interrupt(); // it may wait for a free pass thread: it fails the waiting requests instead
        awaitStop();
    }

    private void awaitStop() {
        boolean interrupted = false;
        while (dispatcher.isAlive()) {
            try {
                dispatcher.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (shutDown.compareAndSet(false, true)) {
            passThreads.shutdown();
        }
        while (!passThreads.isTerminated()) {
            try {
                passThreads.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (timeouts != null) {
            timeouts.shutdownNow();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One accepted request: its checked input, its length in steps, when it was accepted and its answer. */
    private static final class Request {
        final Object input;
        final int length;
        final long acceptedNanos;
        final CompletableFuture<float[]> future = new CompletableFuture<>();
        /** Set once by whoever ends the request (pass, failure, timeout, or the dispatcher seeing a cancel). */
        private final AtomicBoolean settled = new AtomicBoolean();
        volatile ScheduledFuture<?> timer;

        Request(Object input, int length, long acceptedNanos) {
            this.input = input;
            this.length = length;
            this.acceptedNanos = acceptedNanos;
        }

        /** True for the one caller that ends this request; cancels its timer. */
        boolean settle() {
            if (!settled.compareAndSet(false, true)) {
                return false;
            }
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
            return true;
        }
    }

    /**
     * Required: the model (through {@link Predictor#batching}). Optional: {@link #maxBatch} ({@value
     * #DEFAULT_MAX_BATCH}), {@link #maxDelay} (2 ms), {@link #queueCapacity} ({@value #DEFAULT_QUEUE_CAPACITY}),
     * {@link #timeout} (none), {@link #threads} ({@value #DEFAULT_THREADS}), {@link #listener} (none).
     */
    public static final class Builder {
        private final SequenceModel model;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private Duration timeout;
        private int threads = DEFAULT_THREADS;
        private BatchListener listener;

        private Builder(SequenceModel model) {
            this.model = SequenceRequests.checkModel(model);
        }

        /** The most sequences in one pass, in {@code [1, }{@value #MAX_BATCH_LIMIT}{@code ]}. */
        public Builder maxBatch(int maxBatch) {
            if (maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) {
                throw new IllegalArgumentException("maxBatch must be in [1, " + MAX_BATCH_LIMIT + "] but is "
                        + maxBatch);
            }
            this.maxBatch = maxBatch;
            return this;
        }

        /**
         * How long the oldest waiting request may wait for others to join its batch when fewer than
         * {@code maxBatch} wait ({@code >= 0}; 0: a pass starts as soon as a pass thread is free); the wait also ends
         * once no request has arrived for {@code maxDelay / }{@value #BURST_GAP_DIVISOR}.
         */
        public Builder maxDelay(Duration maxDelay) {
            Checks.notNull(maxDelay, "maxDelay");
            if (maxDelay.isNegative()) {
                throw new IllegalArgumentException("maxDelay must be >= 0 but is " + maxDelay);
            }
            this.maxDelay = maxDelay;
            return this;
        }

        /** The most accepted requests that may wait for a pass ({@code >= 1}); beyond: {@link QueueFullException}. */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = Checks.positive(queueCapacity, "queueCapacity");
            return this;
        }

        /** How long after acceptance a request fails with {@link TimeoutException} if unanswered (positive). */
        public Builder timeout(Duration timeout) {
            Checks.notNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive but is " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Passes that may run at once ({@code >= 1}). */
        public Builder threads(int threads) {
            this.threads = Checks.positive(threads, "threads");
            return this;
        }

        /** Told of every pass (for metrics); null for none. */
        public Builder listener(BatchListener listener) {
            this.listener = listener;
            return this;
        }

        /** Starts the predictor's threads. */
        public BatchingPredictor build() {
            return new BatchingPredictor(this);
        }
    }
}
