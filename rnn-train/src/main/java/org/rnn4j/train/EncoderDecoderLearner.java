package org.rnn4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.model.EncoderDecoder;
import org.rnn4j.nd4j.optim.FlatOptimizer;
import org.rnn4j.train.data.BatchPlan;
import org.rnn4j.train.data.Seq2SeqBatch;
import org.rnn4j.train.data.Seq2SeqDataset;

/**
 * An {@link EncoderDecoder} learning, teacher-forced, from source and target pairs. Its validation score is the
 * validation loss: the mean cross-entropy over every valid target step of the validation set.
 */
final class EncoderDecoderLearner implements Learner {
    private final EncoderDecoder model;
    private final int bos;
    private final Seq2SeqDataset train;
    private final Seq2SeqDataset validation;

    EncoderDecoderLearner(EncoderDecoder model, int bos, Seq2SeqDataset train, Seq2SeqDataset validation) {
        this.model = model;
        this.bos = bos;
        this.train = train;
        this.validation = validation;
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
        Seq2SeqBatch b = train.batch(indices, model.dataType());
        return model.computeGradients(b.source(), b.sourceLengths(), b.target(), b.targetLengths(), bos);
    }

    public boolean validates() {
        return validation != null;
    }

    public Validation validate(int batchSize) {
        double sum = 0;
        long steps = 0;
        for (int from = 0; from < validation.size(); from += batchSize) {
            int[] indices = new int[Math.min(batchSize, validation.size() - from)];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = from + i;
            }
            Seq2SeqBatch b = validation.batch(indices, model.dataType());
            sum += model.loss(b.source(), b.sourceLengths(), b.target(), b.targetLengths(), bos) * b.targetSteps();
            steps += b.targetSteps();
        }
        double loss = sum / steps;
        return new Validation(loss, loss);
    }

    public String metricName() {
        return "validation loss";
    }

    public boolean higherIsBetter() {
        return false;
    }

    public void saveCheckpoint(Path file, FlatOptimizer optimizer, TrainingState state) throws IOException {
        EncoderDecoderCheckpoint.save(file, model, optimizer, state);
    }

    /** Every id of both sides against the model's vocabularies now, before a batch is trained on. */
    private void checkFits(Seq2SeqDataset data, String name) {
        check(data, true, model.config().sourceEmbedding().vocabularySize(), name, "sources", "source");
        check(data, false, model.config().targetVocabularySize(), name, "targets", "target");
    }

    private static void check(Seq2SeqDataset data, boolean source, int vocabulary, String name, String side,
                              String which) {
        int[] bad = data.firstTokenAtOrAbove(source, vocabulary);
        if (bad != null) {
            throw new IllegalArgumentException(name + (bad[0] < 0 ? "'s padding id is " + bad[2]
                    : "." + side + "[" + bad[0] + "][" + bad[1] + "] is the token id " + bad[2])
                    + " but the model's " + which + " vocabulary has " + vocabulary + " ids (0.." + (vocabulary - 1)
                    + ")");
        }
    }
}
