package org.rnn4j.serve;

/**
 * Told of every pass a batching predictor runs, on the thread that ran it, after its requests are answered: where a
 * service records batch sizes and pass times for its metrics. It must be quick and must not throw (what it throws
 * is logged and dropped).
 */
@FunctionalInterface
public interface BatchListener {
    /**
     * @param requests       the sequences in the pass
     * @param longestSteps   the steps of its longest sequence (the padded length of the pass)
     * @param paddingSteps   steps of padding the pass computed: {@code requests · longestSteps − Σ lengths}
     * @param oldestWaitNanos how long its oldest request waited from acceptance to the start of the pass
     * @param passNanos      how long the pass took
     */
    void passRun(int requests, int longestSteps, long paddingSteps, long oldestWaitNanos, long passNanos);
}
