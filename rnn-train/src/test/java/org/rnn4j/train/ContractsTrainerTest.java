package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.api.Model;
import org.rnn4j.api.Optimizer;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;
import org.rnn4j.nd4j.optim.LearningRateSchedule;
import org.rnn4j.train.data.SequenceDataset;

/**
 * The trainer works on the rnn-api contracts: a model that is only a {@link Model} and an optimizer that is only an
 * {@link Optimizer}, both written here, train and learn; what needs rnn4j's own classes (checkpoints, schedules on an
 * optimizer without a learning rate) is refused up front, naming why.
 */
class ContractsTrainerTest {
    @TempDir
    Path dir;

    /** Plain gradient descent written against the contract, with no learning rate to report. */
    private static final class UserSgd implements Optimizer {
        private boolean initialised;

        @Override
        public void initialise(Parameters parameters) {
            initialised = true;
        }

        @Override
        public void step(Parameters parameters, Parameters gradients) {
            if (!initialised) {
                throw new IllegalStateException("step before initialise");
            }
            parameters.flat().subi(gradients.flat().mul(0.05));
        }

        @Override
        public void finalise() {
            initialised = false;
        }
    }

    @Test
    void aUserModelAndOptimizerTrainAndLearn() {
        SequenceDataset train = Tasks.signOfSum(400, 1);
        SequenceDataset validation = Tasks.signOfSum(200, 2);
        Model model = new DelegatingModel(Tasks.gru(3));
        TrainingResult result = Trainer.builder(model, new BinaryCrossEntropyWithLogits(), new UserSgd())
                .epochs(15).batchSize(16).validation(validation, Metrics.binaryAccuracy()).progressBar(false)
                .build().fit(train);
        assertTrue(result.bestScore() > 0.75, "best validation accuracy " + result.bestScore());
    }

    @Test
    void whatNeedsRnn4jsOwnClassesIsRefusedUpFront() {
        Model model = new DelegatingModel(Tasks.gru(3));
        IllegalArgumentException checkpoint = assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder(model, new BinaryCrossEntropyWithLogits(), new UserSgd())
                        .checkpoint(dir.resolve("c.rnn4j")).build());
        assertTrue(checkpoint.getMessage().startsWith("checkpoint: a checkpoint stores a SequenceModel"),
                checkpoint.getMessage());
        IllegalArgumentException schedule = assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder(model, new BinaryCrossEntropyWithLogits(), new UserSgd())
                        .schedule(LearningRateSchedule.exponential(0.1, 0.9)).build());
        assertTrue(schedule.getMessage().contains("reports no learning rate"), schedule.getMessage());
    }
}
