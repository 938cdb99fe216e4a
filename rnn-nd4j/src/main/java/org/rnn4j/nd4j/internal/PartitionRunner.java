package org.rnn4j.nd4j.internal;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a pass of a fused layer whose hidden units are split into partitions ({@code FusedBuffers}): a sequence of
 * stages (a step's work, the projections, the weight gradients), each done by every partition. After the stages
 * whose results another partition reads next ({@link Meetings}), the partitions meet: all finish the stage before
 * any goes on.
 *
 * <p>Why: a per-step product is too small for BLAS's own threads to gain much, while two threads that each multiply
 * by their half of {@code W_hh}'s rows (which then stays in their core's cache) and wait for each other after every
 * step come close to twice the speed (rnn-bench's README has the figures). Threads of a pass meet about once per time step, thousands of times a second, so they wait by spinning (then yielding,
 * then parking if the other thread was descheduled), not by parking at once.
 *
 * <p>Threads: {@link Backend#threads()} caps the threads of one pass. The extra threads come from one pool of daemon
 * threads shared by all layers, with at most {@code threads - 1} busy at once in the whole JVM: a pass that finds
 * them taken (another thread is running a pass) runs its partitions one after the other in its own thread, in the
 * same order, with the same result. So a service running inference in many threads gets no oversubscription from
 * rnn4j. ({@link Backend} sets BLAS to one thread when this is above 1.)
 */
public final class PartitionRunner {
    /** Fewer hidden units per partition make products too small to gain from a second thread. */
    public static final int MIN_UNITS = 64;
    private static final int THREADS = Backend.threads();
    private static final Semaphore WORKERS = new Semaphore(THREADS - 1);
    private static final AtomicInteger WORKER_NUMBER = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "rnn4j-partition-" + WORKER_NUMBER.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private PartitionRunner() {
    }

    /** One stage of one partition. */
    public interface Stage {
        void run(int partition, int stage);
    }

    /**
     * Which stages the partitions must all finish before any goes on: those whose results another partition reads
     * next. Every other meeting would only add waiting (each costs the spread between the threads' finishing times).
     */
    public interface Meetings {
        boolean after(int stage);
    }

    /** The most threads one pass uses in this JVM. */
    public static int threads() {
        return THREADS;
    }

    /** One contiguous range {@code [from, to)} of an elementwise pass. */
    public interface RangeBody {
        void run(int from, int to);
    }

    /**
     * An elementwise pass over {@code [0, length)} split into contiguous ranges of at least {@code minimumRange}
     * elements, one per thread ({@link Backend#threads()}, workers permitting; else one after the other in this
     * thread). The split depends only on {@code length} and the thread count, so results never depend on timing.
     * For the optimizers' passes over all parameters.
     */
    public static void forRanges(int length, int minimumRange, RangeBody body) {
        int ranges = Math.max(1, Math.min(THREADS, length / Math.max(1, minimumRange)));
        run(ranges, 1, (p, stage) -> body.run((int) ((long) length * p / ranges),
                (int) ((long) length * (p + 1) / ranges)), stage -> false, true);
    }

    /** The partition count for a layer of {@code hidden} units: the most threads that give each at least 64 units. */
    public static int partitions(long hidden) {
        return partitions(hidden, THREADS);
    }

    public static int partitions(long hidden, int threads) {
        for (int p = threads; p > 1; p--) {
            if (hidden % p == 0 && hidden / p >= MIN_UNITS) {
                return p;
            }
        }
        return 1;
    }

    /**
     * Runs {@code stages} stages of {@code partitions} partitions, in parallel if {@code parallel} and workers are
     * free, else in this thread (stage by stage, partition by partition: tests compare both).
     */
    public static void run(int partitions, int stages, Stage work, Meetings meetings, boolean parallel) {
        if (partitions == 1 || !parallel || !WORKERS.tryAcquire(partitions - 1)) {
            for (int s = 0; s < stages; s++) {
                for (int p = 0; p < partitions; p++) {
                    work.run(p, s);
                }
            }
            return;
        }
        try {
            new Meeting(partitions, stages, work, meetings).run();
        } finally {
            WORKERS.release(partitions - 1);
        }
    }

    /** Work that runs on {@code threads} threads of its own making (native code's, such as OpenMP's). */
    public interface ThreadedWork {
        void run(int threads);
    }

    /**
     * Runs {@code work} with as many of {@code wanted} threads as the JVM-wide cap allows now: this one plus the
     * pool workers that are free (their permits are held while it runs, so rnn4j's passes and native work started
     * here never run more threads than {@link #threads()} together).
     */
    public static void withWorkers(int wanted, ThreadedWork work) {
        int extra = Math.max(0, Math.min(wanted, THREADS) - 1);
        while (extra > 0 && !WORKERS.tryAcquire(extra)) {
            extra--;
        }
        try {
            work.run(1 + extra);
        } finally {
            if (extra > 0) {
                WORKERS.release(extra);
            }
        }
    }

    /** One parallel run: this thread is partition 0, pool threads the others; each publishes its finished stages. */
    private static final class Meeting {
        private static final int PAD = 16; // one cache line per counter: the threads write them thousands of times
        private final int partitions;
        private final int stages;
        private final Stage work;
        private final Meetings meetings;
        private final AtomicLongArray finished;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Meeting(int partitions, int stages, Stage work, Meetings meetings) {
            this.partitions = partitions;
            this.stages = stages;
            this.work = work;
            this.meetings = meetings;
            this.finished = new AtomicLongArray(partitions * PAD);
        }

        void run() {
            Future<?>[] others = new Future<?>[partitions];
            for (int p = 1; p < partitions; p++) {
                int partition = p;
                others[p] = POOL.submit(() -> runPartition(partition));
            }
            Throwable error = null;
            try {
                runPartition(0);
            } catch (Throwable t) {
                error = t;
            }
            for (int p = 1; p < partitions; p++) { // the buffers must not be touched after this pass returns
                try {
                    others[p].get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException e) {
                    if (error == null) {
                        error = e.getCause();
                    }
                }
            }
            Throwable first = failure.get();
            if (first != null || error != null) {
                Throwable cause = first != null ? first : error;
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(cause);
            }
        }

        private void runPartition(int p) {
            try {
                for (int s = 0; s < stages; s++) {
                    work.run(p, s);
                    if (meetings.after(s)) {
                        finished.set(p * PAD, s + 1L);
                        awaitAll(s + 1L);
                    }
                }
            } catch (Abandoned a) {
                // another partition failed; its exception is reported
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        private void awaitAll(long stage) {
            for (int q = 0; q < partitions; q++) {
                int spins = 0;
                while (finished.get(q * PAD) < stage) {
                    if (failure.get() != null) {
                        throw new Abandoned();
                    }
                    if (++spins < 1 << 16) {
                        Thread.onSpinWait();
                    } else if (spins < 1 << 20) {
                        Thread.yield(); // the other thread was descheduled: give it the core
                    } else {
                        LockSupport.parkNanos(50_000);
                    }
                }
            }
        }
    }

    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super(null, null, false, false);
        }
    }
}
