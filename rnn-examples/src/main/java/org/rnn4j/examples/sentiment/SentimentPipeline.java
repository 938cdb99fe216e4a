package org.rnn4j.examples.sentiment;

import java.util.ArrayList;
import java.util.List;
import org.rnn4j.api.Checks;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.eval.ClassificationMetrics;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingResult;
import org.rnn4j.train.data.SequenceDataset;

/**
 * Sentences → split (stratified by source and label) → tokens → vocabulary of the training part → embedding →
 * GRU or LSTM (optionally bidirectional; the final hidden states feed the head) → one logit; trained with binary
 * cross-entropy and Adam, early-stopped on validation accuracy; scored on the test part next to the majority class
 * and a bag-of-words logistic regression trained on the same training part.
 */
public final class SentimentPipeline {
    /** The shares of the stratified split; the rest is the test set. */
    public static final double TRAIN_SHARE = 0.7;
    public static final double VALIDATION_SHARE = 0.15;
    private SentimentPipeline() {
    }

    /** Everything the demo lets the user choose. */
    public record Settings(String cell, int embeddingSize, int hiddenSize, boolean bidirectional, int epochs,
                           int batchSize, double learningRate, double dropout, int patience, int maxLength,
                           int minCount, long seed, boolean progressBar) {
        public Settings {
            if (!cell.equals("gru") && !cell.equals("lstm")) {
                throw new IllegalArgumentException("--cell must be gru or lstm but is '" + cell + "'");
            }
            Checks.positive(embeddingSize, "--embedding");
            Checks.positive(hiddenSize, "--hidden");
            Checks.positive(epochs, "--epochs");
            Checks.positive(batchSize, "--batch-size");
            Checks.positive(maxLength, "--max-length");
            Checks.positive(minCount, "--min-count");
            Checks.positiveFinite(learningRate, "--lr");
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("--dropout must be in [0, 1) but is " + dropout);
            }
            if (patience < 0) {
                throw new IllegalArgumentException("--patience must be >= 0 but is " + patience);
            }
        }
    }

    public record Scores(double accuracy, double f1) {
        static Scores of(int[] actual, double[] probabilities) {
            int[] predicted = new int[actual.length];
            for (int i = 0; i < actual.length; i++) {
                predicted[i] = probabilities[i] > 0.5 ? 1 : 0;
            }
            ClassificationMetrics m = ClassificationMetrics.of(actual, predicted, 2);
            return new Scores(m.accuracy(), m.f1(1));
        }
    }

    public record Report(int trainSize, int validationSize, int testSize, int vocabularySize, Scores rnn,
                         double rnnRocAuc, Scores majority, Scores bagOfWords, double bagOfWordsRocAuc,
                         TrainingResult training, SentimentModel model, double seconds) {
    }

    public static Report run(List<Sentence> sentences, Settings s) {
        return run(sentences, s, null);
    }

    /**
     * @param sparkMaster null to train on this machine; else the Spark master to train on ({@code local[2]},
     *                    {@code spark://host:7077}, or {@code submit} for the one {@code spark-submit} set), with
     *                    the same loss curve
     */
    public static Report run(List<Sentence> sentences, Settings s, String sparkMaster) {
        long start = System.nanoTime();
        StratifiedSplit split = StratifiedSplit.of(sentences, TRAIN_SHARE, VALIDATION_SHARE, s.seed());
        List<List<String>> trainTokens = tokens(split.train());
        Vocabulary vocabulary = Vocabulary.build(trainTokens, s.minCount());
        List<int[]> trainIds = new ArrayList<>();
        trainTokens.forEach(t -> trainIds.add(vocabulary.encode(t, s.maxLength())));
        List<int[]> validationIds = encode(split.validation(), vocabulary, s.maxLength());
        List<int[]> testIds = encode(split.test(), vocabulary, s.maxLength());
        int[] trainLabels = labels(split.train());
        int[] testLabels = labels(split.test());

        SequenceModel network = network(s, vocabulary.size());
        Trainer.Builder trainer = Trainer.builder(network, new BinaryCrossEntropyWithLogits(),
                        new Adam(s.learningRate()))
                .epochs(s.epochs()).batchSize(s.batchSize()).seed(s.seed()).bucketByLength(true)
                .clipGradientNorm(5).earlyStopping(s.patience()).progressBar(s.progressBar());
        SequenceDataset validation = dataset(validationIds, labels(split.validation()));
        TrainingResult training = sparkMaster == null
                ? trainer.validation(validation, Metrics.binaryAccuracy()).build().fit(dataset(trainIds, trainLabels))
                : SparkSentiment.fit(sparkMaster, trainer, network, dataset(trainIds, trainLabels), validation);
        SentimentModel model = new SentimentModel(network, vocabulary, s.maxLength());
        double[] rnn = model.probabilitiesOfIds(testIds);

        int positives = java.util.Arrays.stream(trainLabels).sum();
        double majorityProbability = positives * 2 >= trainLabels.length ? 1 : 0;
        double[] majority = new double[testLabels.length];
        java.util.Arrays.fill(majority, majorityProbability);

        BagOfWordsLogisticRegression bow = BagOfWordsLogisticRegression.train(trainIds, trainLabels, vocabulary.size(),
                300, 2.0, 1e-4);
        double[] bowProbabilities = testIds.stream().mapToDouble(bow::probability).toArray();

        return new Report(split.train().size(), split.validation().size(), split.test().size(), vocabulary.size(),
                Scores.of(testLabels, rnn), ClassificationMetrics.rocAuc(testLabels, rnn),
                Scores.of(testLabels, majority), Scores.of(testLabels, bowProbabilities),
                ClassificationMetrics.rocAuc(testLabels, bowProbabilities), training, model,
                (System.nanoTime() - start) / 1e9);
    }

    static SequenceModel network(Settings s, int vocabularySize) {
        RecurrentCellSpec cell = s.cell().equals("gru") ? Gru.builder(s.embeddingSize(), s.hiddenSize()).build()
                : Lstm.builder(s.embeddingSize(), s.hiddenSize()).build();
        int directions = s.bidirectional() ? 2 : 1;
        return SequenceModel.builder()
                .embedding(new Embedding(vocabularySize, s.embeddingSize(), Vocabulary.PADDING))
                .recurrent(StackedRnn.builder(cell).bidirectional(s.bidirectional()).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN)
                .headDropout(s.dropout())
                .head(Dense.builder(directions * s.hiddenSize(), 1).build())
                .seed(s.seed()).build();
    }

    static List<List<String>> tokens(List<Sentence> sentences) {
        List<List<String>> out = new ArrayList<>();
        sentences.forEach(x -> out.add(Tokenizer.tokens(x.text())));
        return out;
    }

    static List<int[]> encode(List<Sentence> sentences, Vocabulary vocabulary, int maxLength) {
        List<int[]> out = new ArrayList<>();
        sentences.forEach(x -> out.add(vocabulary.encode(Tokenizer.tokens(x.text()), maxLength)));
        return out;
    }

    static int[] labels(List<Sentence> sentences) {
        return sentences.stream().mapToInt(Sentence::label).toArray();
    }

    static SequenceDataset dataset(List<int[]> ids, int[] labels) {
        float[][] targets = new float[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            targets[i] = new float[] {labels[i]};
        }
        return SequenceDataset.ofTokens(ids, targets, Vocabulary.PADDING);
    }
}
