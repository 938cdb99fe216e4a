package org.rnn4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Model;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.FlatOptimizer;
import org.rnn4j.train.data.Batch;
import org.rnn4j.train.data.BatchPlan;
import org.rnn4j.train.data.SequenceDataset;

/** A {@link Model} (usually a {@link SequenceModel}) learning one target per sequence from a {@link SequenceDataset}. */
final class SequenceLearner implements Learner {
    private final Model model;
    private final Loss loss;
    private final SequenceDataset train;
    private final SequenceDataset validation;
    private final Metric metric;

    SequenceLearner(Model model, Loss loss, SequenceDataset train, SequenceDataset validation, Metric metric) {
        this.model = model;
        this.loss = loss;
        this.train = train;
        this.validation = validation;
        this.metric = metric;
        checkFits(train, "train");
        if (validation != null) {
            checkFits(validation, "validation");
        }
    }

    public Parameters parameters() {
        return model.parameters();
    }

    public Parameters gradients() {
        return model.gradients();
    }

    public int size() {
        return train.size();
    }

    public List<int[]> epoch(int batchSize, boolean shuffle, boolean bucketByLength, long seed, long epoch) {
        return BatchPlan.epoch(train, batchSize, shuffle, bucketByLength, seed, epoch);
    }

    public double computeGradients(int[] indices) {
        Batch batch = train.batch(indices, model.dataType());
        return model.computeGradients(batch.input(), batch.lengths(), batch.targets(), loss);
    }

    public boolean validates() {
        return validation != null;
    }

    public Validation validate(int batchSize) {
        return Validation.of(model, loss, validation, metric, batchSize);
    }

    public String metricName() {
        return metric == null ? "validation loss" : metric.name();
    }

    public boolean higherIsBetter() {
        return metric != null && metric.higherIsBetter();
    }

    public void saveCheckpoint(Path file, FlatOptimizer optimizer, TrainingState state) throws IOException {
        Checkpoint.save(file, (SequenceModel) model, optimizer, state);
    }

    /** What can be checked of a {@link SequenceModel} before training; other models check their own inputs. */
    private void checkFits(SequenceDataset data, String name) {
        if (!(model instanceof SequenceModel sequences)) {
            return;
        }
        boolean tokens = sequences.embedding() != null;
        if (data.isTokens() != tokens) {
            throw new IllegalArgumentException(name + " holds " + (data.isTokens() ? "token ids" : "vectors")
                    + " but the model takes " + (tokens ? "token ids (it has an embedding)" : "vectors"));
        }
        if (tokens) { // every id now, not when its batch comes: a refused fit must not have trained on the others
            int vocabulary = sequences.embedding().spec().vocabularySize();
            int[] bad = data.firstTokenAtOrAbove(vocabulary);
            if (bad != null) {
                throw new IllegalArgumentException(name + (bad[0] < 0 ? "'s padding id is " + bad[2]
                        : ".sequences[" + bad[0] + "][" + bad[1] + "] is the token id " + bad[2])
                        + " but the model's vocabulary has " + vocabulary + " ids (0.." + (vocabulary - 1) + ")");
            }
        }
        if (!tokens && data.featureSize() != sequences.recurrent().inputSize()) {
            throw new IllegalArgumentException(name + " has " + data.featureSize() + " features per step but the "
                    + "model's input size is " + sequences.recurrent().inputSize());
        }
        if (sequences.outputMode() == SequenceModel.OutputMode.ALL_STEPS) {
            throw new IllegalArgumentException("the trainer trains models with one target per sequence "
                    + "(OutputMode.LAST_STEP or FINAL_HIDDEN); this model predicts every step");
        }
    }
}
