package org.rnn4j.nd4j.optim;

import org.rnn4j.api.Checks;

/**
 * The learning rate as a function of the epoch (or any step count the trainer uses), starting at 0, with
 * {@code torch.optim.lr_scheduler}'s formulas. Apply it with {@link FlatOptimizer#setLearningRate} before each epoch.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    double rate(long epoch);

    /** {@code StepLR}: {@code base · γ^⌊epoch / stepSize⌋}. */
    static LearningRateSchedule step(double base, long stepSize, double gamma) {
        Checks.positiveFinite(base, "base");
        positive(stepSize, "stepSize");
        Checks.positiveFinite(gamma, "gamma");
        return epoch -> base * Math.pow(gamma, Math.floorDiv(epoch, stepSize));
    }

    /** {@code ExponentialLR}: {@code base · γ^epoch}. */
    static LearningRateSchedule exponential(double base, double gamma) {
        Checks.positiveFinite(base, "base");
        Checks.positiveFinite(gamma, "gamma");
        return epoch -> base * Math.pow(gamma, epoch);
    }

    /** {@code CosineAnnealingLR}: {@code min + (base - min)(1 + cos(π·epoch/period))/2}. */
    static LearningRateSchedule cosine(double base, long period, double min) {
        Checks.positiveFinite(base, "base");
        positive(period, "period");
        Checks.nonNegativeFinite(min, "min");
        return epoch -> min + (base - min) * (1 + Math.cos(Math.PI * epoch / period)) / 2;
    }

    /** {@code LinearLR} warm-up: from {@code base·startFactor} to {@code base} over {@code steps}, then flat. */
    static LearningRateSchedule linearWarmup(double base, double startFactor, long steps) {
        Checks.positiveFinite(base, "base");
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("startFactor must be in (0, 1] but is " + startFactor);
        }
        positive(steps, "steps");
        return epoch -> base * (startFactor + (1 - startFactor) * Math.min(epoch, steps) / (double) steps);
    }

    /** Any positive {@code long} is a valid length (Math.toIntExact refused those past 2^31 with an overflow). */
    private static void positive(long value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive but is " + value);
        }
    }
}
