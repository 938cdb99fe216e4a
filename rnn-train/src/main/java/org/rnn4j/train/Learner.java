package org.rnn4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Model;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.optim.FlatOptimizer;
import org.rnn4j.train.data.SequenceDataset;

/**
 * What the {@link Trainer}'s loop needs of one kind of model and its data; the loop (epochs, schedules, clipping,
 * divergence checks, validation, early stopping, listeners, checkpoints) is the same for every kind. The trainer
 * makes its own for a {@code SequenceDataset} or a {@code Seq2SeqDataset}; {@link Trainer#fit(Learner)} takes one
 * of another source, such as rnn-spark's {@code SparkLearner}, which computes each batch's gradients on a cluster.
 *
 * <p>Lifecycle, per epoch: {@link #epoch} once; {@link #computeGradients} for each of its batches, each followed by
 * the optimizer's step on {@link #parameters()}; then {@link #validate} (if {@link #validates()}) and
 * {@link #saveCheckpoint} (if the trainer has a checkpoint file). Everything runs on the caller's thread.
 */
public interface Learner {
    Parameters parameters();

    Parameters gradients();

    /** Training examples. */
    int size();

    /** The batches of one epoch: a pure function of the arguments ({@link org.rnn4j.train.data.BatchPlan}). */
    List<int[]> epoch(int batchSize, boolean shuffle, boolean bucketByLength, long seed, long epoch);

    /**
     * Forward, loss and backward on the training examples at {@code indices}: returns the batch's loss, with
     * {@link #gradients()} set to its gradient. An exception leaves the parameters as they were.
     */
    double computeGradients(int[] indices);

    boolean validates();

    /** The validation loss and score (the metric's, or the loss again without one). */
    Validation validate(int batchSize);

    String metricName();

    boolean higherIsBetter();

    /** Writes the model, the optimizer and {@code state} atomically ({@link Checkpoint}). */
    void saveCheckpoint(Path file, FlatOptimizer optimizer, TrainingState state) throws IOException;

    /** A validation pass's loss and its score by the chosen metric (the loss when there is none). */
    record Validation(double loss, double score) {
        /** A model's validation on a {@link SequenceDataset}: its loss, and {@code metric}'s score (null: the loss). */
        public static Validation of(Model model, Loss loss, SequenceDataset data, Metric metric, int batchSize) {
            Predictions p = Predictions.of(model, data, batchSize);
            double value = loss.compute(p.predictions(), p.targets(), null).loss();
            return new Validation(value, metric == null ? value : metric.score(p.predictions(), p.targets()));
        }
    }
}
