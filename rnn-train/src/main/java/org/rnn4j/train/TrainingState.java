package org.rnn4j.train;

import java.util.List;
import org.rnn4j.api.Parameters;

/**
 * Where a {@link Trainer} stands after {@code completedEpochs} epochs: what a {@link Checkpoint} saves besides the
 * model and the optimizer, so that training continues exactly as if never interrupted. The batching settings are
 * saved to refuse a resume with different ones (the epoch order depends on them). {@code bestParameters} is null
 * until validation has found a best epoch.
 */
public record TrainingState(int completedEpochs, long seed, int batchSize, boolean shuffle, boolean bucketByLength,
                            int bestEpoch, double bestScore, int epochsWithoutImprovement,
                            List<EpochSummary> history, Parameters bestParameters) {
    public TrainingState {
        history = List.copyOf(history);
    }
}
