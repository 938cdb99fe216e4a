package org.rnn4j.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}: every epoch's summary (a resumed run includes the epochs before the
 * checkpoint), the best epoch by the validation metric (-1 without validation), its score, and whether early
 * stopping ended training. After {@code fit}, the model holds the best epoch's parameters when validation ran and
 * {@code restoreBest} was on (the default), else the last epoch's.
 */
public record TrainingResult(List<EpochSummary> history, int bestEpoch, double bestScore, boolean stoppedEarly) {
    public TrainingResult {
        history = List.copyOf(history);
    }

    public EpochSummary last() {
        return history.get(history.size() - 1);
    }
}
