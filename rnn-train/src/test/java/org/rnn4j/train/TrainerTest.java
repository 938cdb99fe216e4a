package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Loss;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.nd4j.optim.LearningRateSchedule;
import org.rnn4j.nd4j.optim.Sgd;
import org.rnn4j.train.data.SequenceDataset;

class TrainerTest {
    private static final SequenceDataset TRAIN = Tasks.signOfSum(800, 1);
    private static final SequenceDataset VALIDATION = Tasks.signOfSum(300, 2);

    @TempDir
    Path dir;

    @Test
    void aSmallGruLearnsTheSignOfASumToNinetyPercent() {
        SequenceModel model = Tasks.gru(3);
        TrainingResult result = Trainer.builder(model, new BinaryCrossEntropyWithLogits(), new Adam(0.01))
                .epochs(12).batchSize(32).seed(5).validation(VALIDATION, Metrics.binaryAccuracy()).build()
                .fit(TRAIN);
        double accuracy = Metrics.binaryAccuracy().score(Predictions.of(model, VALIDATION, 64).predictions(),
                Predictions.of(model, VALIDATION, 64).targets());
        assertTrue(accuracy >= 0.9, "validation accuracy " + accuracy + " (majority class is about 0.5)");
        assertEquals(result.bestScore(), accuracy, 1e-12, "the model holds the best epoch");
        assertTrue(result.history().get(0).trainLoss() > result.last().trainLoss());
        assertEquals(12, result.history().size());
        assertTrue(result.history().stream().allMatch(e -> e.examplesPerSecond() > 0));
    }

    private static Trainer.Builder stochasticTrainer(SequenceModel model, org.rnn4j.nd4j.optim.FlatOptimizer optimizer) {
        return Trainer.builder(model, new BinaryCrossEntropyWithLogits(), optimizer).epochs(4).batchSize(50)
                .seed(9).bucketByLength(true).schedule(LearningRateSchedule.exponential(0.01, 0.7))
                .clipGradientNorm(1.0).validation(VALIDATION, Metrics.binaryAccuracy()).earlyStopping(10)
                .restoreBest(false);
    }

    @Test
    void equalSeedsGiveEqualParameters() {
        SequenceModel a = Tasks.stochastic(4);
        SequenceModel b = Tasks.stochastic(4);
        stochasticTrainer(a, new Adam(0.01)).epochs(2).build().fit(TRAIN);
        stochasticTrainer(b, new Adam(0.01)).epochs(2).build().fit(TRAIN);
        assertEquals(a.parameters().flat(), b.parameters().flat());
        SequenceModel c = Tasks.stochastic(4);
        stochasticTrainer(c, new Adam(0.01)).epochs(2).seed(10).build().fit(TRAIN);
        assertNotEquals(a.parameters().flat(), c.parameters().flat(), "another epoch order");
    }

    @Test
    void resumingFromACheckpointAfterACrashEndsWithExactlyTheUninterruptedParameters() throws IOException {
        SequenceModel straight = Tasks.stochastic(4);
        TrainingResult full = stochasticTrainer(straight, new Adam(0.01)).build().fit(TRAIN);

        Path file = dir.resolve("run.rnn4j");
        SequenceModel crashed = Tasks.stochastic(4);
        TrainingListener crashAtEpoch2 = new TrainingListener() {
            @Override
            public void onBatchEnd(int epoch, int step, double loss, int examples) {
                if (epoch == 2 && step == 3) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        assertThrows(IllegalStateException.class, () -> stochasticTrainer(crashed, new Adam(0.01))
                .checkpoint(file).listener(crashAtEpoch2).build().fit(TRAIN));

        Checkpoint checkpoint = Checkpoint.load(file);
        assertEquals(2, checkpoint.state().completedEpochs());
        TrainingResult resumed = stochasticTrainer(checkpoint.model(), checkpoint.optimizer())
                .resumeFrom(checkpoint).build().fit(TRAIN);
        assertEquals(straight.parameters().flat(), checkpoint.model().parameters().flat(),
                "resumed parameters equal the uninterrupted run's, bit for bit");
        assertEquals(full.history().size(), resumed.history().size());
        assertEquals(full.bestEpoch(), resumed.bestEpoch());
        assertEquals(full.last().trainLoss(), resumed.last().trainLoss(), 0.0);
        assertEquals(full.history().get(0).metric(), resumed.history().get(0).metric(), 0.0,
                "history before the checkpoint is kept");
    }

    @Test
    void resumingWithOtherBatchingSettingsIsRefused() throws IOException {
        Path file = dir.resolve("run.rnn4j");
        stochasticTrainer(Tasks.stochastic(4), new Adam(0.01)).epochs(1).checkpoint(file).build().fit(TRAIN);
        Checkpoint checkpoint = Checkpoint.load(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> stochasticTrainer(checkpoint.model(), checkpoint.optimizer()).batchSize(10)
                        .resumeFrom(checkpoint).build());
        assertTrue(e.getMessage().contains("batchSize 50"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> stochasticTrainer(Tasks.stochastic(4), new Adam(0.01))
                .resumeFrom(checkpoint).build(), "another model than the checkpoint's");
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresTheBestEpoch() {
        double[] scores = {0.9, 0.5, 0.7, 0.8, 0.95, 0.4};
        int[] call = {0};
        Metric scripted = new Metric() {
            public String name() {
                return "scripted";
            }

            public boolean higherIsBetter() {
                return false;
            }

            public double score(INDArray predictions, INDArray targets) {
                return scores[call[0]++];
            }
        };
        List<INDArray> parametersAtEpochEnd = new ArrayList<>();
        SequenceModel model = Tasks.gru(1);
        TrainingResult result = Trainer.builder(model, new BinaryCrossEntropyWithLogits(), new Adam(0.01))
                .epochs(6).validation(VALIDATION, scripted).earlyStopping(2)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(EpochSummary summary) {
                        parametersAtEpochEnd.add(model.parameters().flat().dup());
                    }
                }).build().fit(TRAIN);
        assertTrue(result.stoppedEarly());
        assertEquals(4, result.history().size(), "epochs 2 and 3 did not improve on epoch 1: stop after epoch 3");
        assertEquals(1, result.bestEpoch());
        assertEquals(0.5, result.bestScore());
        assertEquals(parametersAtEpochEnd.get(1), model.parameters().flat());
        assertTrue(result.history().get(1).improved());
        assertFalse(result.history().get(2).improved());
    }

    @Test
    void aLossThatTurnsNanStopsWithEpochAndStepAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path file = dir.resolve("run.rnn4j");
        Loss mse = new MeanSquaredError();
        int[] calls = {0};
        int batchesPerEpoch = (TRAIN.size() + 99) / 100;
        Loss turnsNan = (predictions, targets, mask) -> {
            Loss.Value v = mse.compute(predictions, targets, mask);
            return ++calls[0] == batchesPerEpoch + 3 ? new Loss.Value(Double.NaN, v.gradient()) : v;
        };
        SequenceModel model = Tasks.gru(2);
        Trainer trainer = Trainer.builder(model, turnsNan, new Sgd(0.05)).epochs(3).batchSize(100).checkpoint(file)
                .build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.fit(TRAIN));
        assertEquals(1, e.epoch());
        assertEquals(2, e.step());
        assertTrue(e.getMessage().contains("epoch 1, step 2") && e.getMessage().contains("NaN"), e.getMessage());
        Checkpoint last = Checkpoint.load(file);
        assertEquals(1, last.state().completedEpochs(), "the checkpoint of epoch 0 is intact");
        assertFalse(model.parameters().flat().isNaN().any(), "no NaN was applied");
    }

    @Test
    void aFiniteLossThatGrowsPastTheFactorStopsBeforeItsStep() {
        Loss mse = new MeanSquaredError();
        int[] calls = {0};
        int batchesPerEpoch = (TRAIN.size() + 99) / 100;
        Loss explodes = (predictions, targets, mask) -> { // finite, but 1e6 times larger from epoch 1, step 1 on
            Loss.Value v = mse.compute(predictions, targets, mask);
            return ++calls[0] > batchesPerEpoch + 1 ? new Loss.Value(v.loss() * 1e6, v.gradient()) : v;
        };
        SequenceModel model = Tasks.gru(2);
        INDArray[] afterFirstBatchOfEpoch1 = new INDArray[1];
        Trainer trainer = Trainer.builder(model, explodes, new Sgd(0.05)).epochs(3).batchSize(100)
                .divergenceFactor(100).listener(new TrainingListener() {
                    @Override
                    public void onBatchEnd(int epoch, int step, double loss, int batchSize) {
                        if (epoch == 1 && step == 0) {
                            afterFirstBatchOfEpoch1[0] = model.parameters().flat().dup();
                        }
                    }
                }).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.fit(TRAIN));
        assertEquals(1, e.epoch());
        assertEquals(1, e.step());
        assertTrue(e.getMessage().contains("divergenceFactor") && e.getMessage().contains("100.0 times"),
                e.getMessage());
        assertEquals(afterFirstBatchOfEpoch1[0], model.parameters().flat(), "the diverging step was not applied");
        // the same run without the factor trains on (the loss stays finite)
        calls[0] = 0;
        Trainer.builder(Tasks.gru(2), explodes, new Sgd(0.05)).epochs(2).batchSize(100).build().fit(TRAIN);
        assertMessage("divergenceFactor", () -> Trainer.builder(model, mse, new Sgd(0.1)).divergenceFactor(0.5)
                .build());
        assertMessage("divergenceFactor", () -> Trainer.builder(model, mse, new Sgd(0.1))
                .divergenceFactor(Double.NaN).build());
    }

    /** A model whose third pass leaves a NaN in its gradients (as an overflow deep in a backward pass would). */
    private static final class OverflowsOnce extends DelegatingModel {
        private int calls;

        OverflowsOnce(SequenceModel inner) {
            super(inner);
        }

        @Override
        public double computeGradients(INDArray input, int[] lengths, INDArray targets, Loss loss) {
            double value = super.computeGradients(input, lengths, targets, loss);
            if (++calls == 3) {
                inner.gradients().flat().putScalar(0, Double.NaN);
            }
            return value;
        }
    }

    @Test
    void anOptimizerThatSkipsNonFiniteGradientsTrainsThroughABadBatch() {
        Adam adam = (Adam) new Adam(0.01).nonFiniteGradients(
                org.rnn4j.nd4j.optim.FlatOptimizer.NonFiniteGradients.SKIP_STEP);
        OverflowsOnce model = new OverflowsOnce(Tasks.gru(2));
        TrainingResult result = Trainer.builder(model, new MeanSquaredError(), adam).epochs(2).batchSize(100).build()
                .fit(TRAIN);
        assertEquals(2, result.history().size());
        assertEquals(1, adam.skippedSteps());
        assertEquals(2L * ((TRAIN.size() + 99) / 100) - 1, adam.steps());
        assertFalse(model.parameters().flat().isNaN().any());
        // refusing (the default), the same batch stops training before its step
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Trainer.builder(
                new OverflowsOnce(Tasks.gru(2)), new MeanSquaredError(), new Adam(0.01)).epochs(2)
                .batchSize(100).build().fit(TRAIN));
        assertEquals(2, e.step());
    }

    @Test
    void aTokenOutsideTheVocabularyInTheLastSequenceIsRefusedBeforeAnyStep() {
        SequenceModel model = SequenceModel.builder().embedding(new org.rnn4j.nd4j.layer.Embedding(10, 3, 0))
                .recurrent(org.rnn4j.nd4j.cell.Gru.builder(3, 4).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN)
                .head(org.rnn4j.nd4j.layer.Dense.builder(4, 1).build()).seed(3).build();
        List<int[]> sequences = new ArrayList<>();
        float[][] targets = new float[200][1];
        for (int i = 0; i < 200; i++) {
            sequences.add(new int[] {1 + i % 9, 2, 3});
        }
        sequences.set(199, new int[] {4, 10, 5});
        SequenceDataset data = SequenceDataset.ofTokens(sequences, targets, 0);
        INDArray before = model.parameters().flat().dup();
        Adam adam = new Adam(0.01);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model,
                new BinaryCrossEntropyWithLogits(), adam).batchSize(10).build().fit(data));
        assertTrue(e.getMessage().contains("train.sequences[199][1] is the token id 10")
                && e.getMessage().contains("10 ids"), e.getMessage());
        assertEquals(before, model.parameters().flat(), "no batch was trained");
        assertThrows(IllegalStateException.class, adam::state, "the optimizer was not even initialised");
    }

    @Test
    void badSettingsAndDataAreRefusedWithTheirNames() {
        SequenceModel model = Tasks.gru(1);
        Loss loss = new BinaryCrossEntropyWithLogits();
        assertMessage("batchSize", () -> Trainer.builder(model, loss, new Adam(0.01)).batchSize(0).build());
        assertMessage("epochs", () -> Trainer.builder(model, loss, new Adam(0.01)).epochs(0).build());
        assertMessage("learningRate", () -> new Adam(-0.1));
        assertMessage("learningRate", () -> new Adam(Double.NaN));
        assertMessage("clipGradientNorm", () -> Trainer.builder(model, loss, new Adam(0.01)).clipGradientNorm(-1)
                .build());
        assertMessage("validation data", () -> Trainer.builder(model, loss, new Adam(0.01)).earlyStopping(3).build()
                .fit(SequenceDataset.ofVectors(List.<float[][]>of(new float[][] {{1}}), new float[][] {{1}})));
        assertMessage("no examples", () -> Trainer.builder(model, loss, new Adam(0.01)).build()
                .fit(SequenceDataset.ofVectors(List.of(), new float[0][])));
        assertMessage("features per step", () -> Trainer.builder(model, loss, new Adam(0.01)).build()
                .fit(SequenceDataset.ofVectors(List.<float[][]>of(new float[][] {{1, 2}}), new float[][] {{1}})));
        assertMessage("token ids", () -> Trainer.builder(model, loss, new Adam(0.01)).build()
                .fit(SequenceDataset.ofTokens(List.of(new int[] {1, 2}), new float[][] {{1}}, 0)));
        assertMessage("class index", () -> SequenceDataset.ofVectors(List.<float[][]>of(new float[][] {{1}}),
                new float[][] {{3}}).targetsAsIndices(2));
        assertMessage("empty", () -> SequenceDataset.ofTokens(List.of(new int[0]), new float[][] {{1}}, 0));
        assertMessage("holds NaN", () -> SequenceDataset.ofVectors(List.<float[][]>of(new float[][] {{Float.NaN}}),
                new float[][] {{1}}));
        assertMessage("one row per sequence", () -> SequenceDataset.ofVectors(List.<float[][]>of(new float[][] {{1}}),
                new float[][] {{1}, {0}}));
        assertMessage("token id -1", () -> SequenceDataset.ofTokens(List.of(new int[] {-1}), new float[][] {{1}}, 0));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void checkpointsOfOtherFilesAreRefusedClearly() throws IOException {
        Path model = dir.resolve("model.rnn4j");
        org.rnn4j.nd4j.io.ModelArchive.save(model, Tasks.gru(1));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(model));
        assertTrue(e.getMessage().contains("not a training checkpoint"), e.getMessage());
    }
}
