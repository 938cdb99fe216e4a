package org.rnn4j.serve;

import java.util.concurrent.CompletableFuture;
import org.rnn4j.nd4j.model.SequenceModel;

/**
 * Predictions for one sequence at a time, from any number of threads: what a service calls per request.
 *
 * <p>Every outcome arrives through the returned future, never as an exception from the call itself: the row of
 * predictions ({@code [outputs]}, what {@link SequenceModel#predictTokens} or {@link SequenceModel#predictVectors}
 * gives for that sequence), or a failure: {@link IllegalArgumentException} for a bad sequence (checked in the
 * caller's thread before the request is accepted; it affects no other request), {@link IllegalStateException} for
 * input of the wrong kind (vectors for a model that takes token ids, or the reverse),
 * {@link java.util.concurrent.RejectedExecutionException} once the predictor is closed (and its subclass
 * {@link QueueFullException} when a batching predictor's queue is full).
 *
 * <p>Lifecycle: build, call {@code predict} from any threads, {@link #close()} once: it stops accepting requests and
 * returns after answering every request it had accepted.
 */
public interface Predictor extends AutoCloseable {
    /** The predictions for one sequence of feature vectors ({@code [steps][inputSize]}); models without embedding. */
    CompletableFuture<float[]> predict(float[][] sequence);

    /** The predictions for one sequence of token ids (each in {@code [0, vocabularySize)}); models with embedding. */
    CompletableFuture<float[]> predict(int[] tokens);

    /** Stops accepting requests and returns once every accepted request is answered. */
    @Override
    void close();

    /**
     * A predictor that runs each request alone, in the calling thread (the future is complete when {@code predict}
     * returns): the baseline that {@link #batching} is measured against, and the right choice when requests never
     * overlap.
     *
     * @throws IllegalArgumentException if the model predicts every step ({@link SequenceModel.OutputMode#ALL_STEPS})
     */
    static Predictor direct(SequenceModel model) {
        return new DirectPredictor(model);
    }

    /**
     * A builder of a predictor that collects concurrent requests into batches and runs each batch as one pass
     * (the {@link BatchingPredictor.Builder}'s defaults apply to what is not set).
     */
    static BatchingPredictor.Builder batching(SequenceModel model) {
        return BatchingPredictor.builder(model);
    }
}
