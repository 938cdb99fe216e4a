package org.rnn4j.train;

/**
 * Hears what a {@link Trainer} does, in this order: {@code onEpochStart}, {@code onBatchEnd} per mini-batch,
 * {@code onEpochEnd} (after validation), and once {@code onTrainingEnd}. Epochs count from 0. Listeners run on the
 * training thread; an exception thrown by one stops training (checkpoints already written are kept).
 */
public interface TrainingListener {
    default void onEpochStart(int epoch, int batches) {
    }

    /** {@code loss} is the batch's mean loss; {@code examples} the batch size. */
    default void onBatchEnd(int epoch, int step, double loss, int examples) {
    }

    default void onEpochEnd(EpochSummary summary) {
    }

    default void onTrainingEnd(TrainingResult result) {
    }
}
