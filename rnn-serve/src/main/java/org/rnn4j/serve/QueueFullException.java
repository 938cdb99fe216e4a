package org.rnn4j.serve;

import java.util.concurrent.RejectedExecutionException;

/**
 * A batching predictor's queue already holds as many waiting requests as its capacity allows: the request was not
 * accepted. Back-pressure: a service answers it with "busy, retry later" (HTTP 503) rather than letting the queue,
 * and every request's latency, grow without bound.
 */
public final class QueueFullException extends RejectedExecutionException {
    private static final long serialVersionUID = 1L;

    QueueFullException(int capacity) {
        super("the predictor's queue is full: " + capacity + " requests are waiting (queueCapacity " + capacity
                + "); retry later, or build the predictor with a larger queueCapacity");
    }
}
