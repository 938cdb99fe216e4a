package org.rnn4j.train;

/**
 * The loss or the gradients stopped being finite. Thrown before the optimizer applies the step, so the model keeps
 * the parameters it had before the failing batch, and no checkpoint is written from them.
 */
public final class TrainingDivergedException extends RuntimeException {
    private final int epoch;
    private final int step;

    TrainingDivergedException(int epoch, int step, String what) {
        super("training diverged at epoch " + epoch + ", step " + step + ": " + what
                + "; lower the learning rate, clip gradients (clipGradientNorm) or check the data for extreme values");
        this.epoch = epoch;
        this.step = step;
    }

    public int epoch() {
        return epoch;
    }

    public int step() {
        return step;
    }
}
