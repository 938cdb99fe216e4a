package org.rnn4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.optim.FlatOptimizer;

/**
 * What the {@link Trainer}'s loop needs of one kind of model and its data; the loop (epochs, validation, early
 * stopping, checkpoints) is the same for every kind.
 */
interface Learner {
    Parameters parameters();

    Parameters gradients();

    /** Training examples. */
    int size();

    /** The batches of one epoch ({@link org.rnn4j.train.data.BatchPlan}). */
    List<int[]> epoch(int batchSize, boolean shuffle, boolean bucketByLength, long seed, long epoch);

    /** Forward, loss and backward on the training examples at {@code indices}: the batch's loss, gradients set. */
    double computeGradients(int[] indices);

    boolean validates();

    /** The validation loss and score (the metric's, or the loss again without one). */
    Validation validate(int batchSize);

    String metricName();

    boolean higherIsBetter();

    void saveCheckpoint(Path file, FlatOptimizer optimizer, TrainingState state) throws IOException;

    record Validation(double loss, double score) {
    }
}
