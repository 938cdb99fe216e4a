package org.rnn4j.serve;

/**
 * Counts of a batching predictor since it was built. Every accepted request ends exactly once, as answered, failed
 * (its pass threw, or the predictor was shut down before it ran), timed out, or cancelled (its future completed by
 * the caller); so once {@code waiting} and {@code running} are 0,
 * {@code accepted == answered + failed + timedOut + cancelled}. Rejected requests (queue full, closed, bad input)
 * were never accepted.
 */
public record PredictorStats(long accepted, long answered, long failed, long timedOut, long cancelled,
                             long rejected, long batches, long batchedRequests, int waiting, int running) {
    /** Mean requests per pass, 0 before the first. */
    public double meanBatchSize() {
        return batches == 0 ? 0 : (double) batchedRequests / batches;
    }
}
