package org.rnn4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingListener;
import org.rnn4j.train.TrainingResult;
import org.rnn4j.train.data.SequenceDataset;

/** The shared task of the Spark tests, its single-machine run, and Spark contexts started and stopped in turn. */
final class SparkRuns {
    /** Token sequences of 2 to 12 ids; label 1 when id 2 occurs more often than id 3. */
    static final SequenceDataset TRAIN = task(96, 1);
    static final SequenceDataset VALIDATION = task(32, 2);

    private SparkRuns() {
    }

    static SequenceDataset task(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> sequences = new ArrayList<>();
        float[][] labels = new float[n][];
        for (int i = 0; i < n; i++) {
            int[] ids = random.ints(2 + random.nextInt(11), 1, 8).toArray();
            long good = java.util.Arrays.stream(ids).filter(id -> id == 2).count();
            long bad = java.util.Arrays.stream(ids).filter(id -> id == 3).count();
            sequences.add(ids);
            labels[i] = new float[] {good > bad ? 1 : 0};
        }
        return SequenceDataset.ofTokens(sequences, labels, 0);
    }

    /** Embedding, a two-layer bidirectional GRU with dropout between the layers, head dropout; float64. */
    static SequenceModel model() {
        return SequenceModel.builder().embedding(new Embedding(8, 5, 0))
                .recurrent(StackedRnn.builder(Gru.builder(5, 6).build()).layers(2).bidirectional(true)
                        .dropout(0.25).seed(3).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).headDropout(0.2)
                .head(Dense.builder(12, 1).build()).dataType(DataType.DOUBLE).seed(11).build();
    }

    static Trainer.Builder trainer(SequenceModel model, List<Double> losses) {
        return Trainer.builder(model, new org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits(), new Adam(0.02))
                .epochs(3).batchSize(16).seed(5).bucketByLength(true).clipGradientNorm(2).progressBar(false)
                .listener(new TrainingListener() {
                    @Override
                    public void onBatchEnd(int epoch, int step, double loss, int examples) {
                        losses.add(loss);
                    }
                });
    }

    /** The single-machine run: its per-step losses, result and model. */
    record Run(List<Double> losses, TrainingResult result, SequenceModel model) {
    }

    static Run singleMachine() {
        SequenceModel model = model();
        List<Double> losses = new ArrayList<>();
        TrainingResult r = trainer(model, losses).validation(VALIDATION, Metrics.binaryAccuracy()).build()
                .fit(TRAIN);
        return new Run(losses, r, model);
    }

    static Run onSpark(JavaSparkContext spark, SparkSequenceData data, LossFactory loss) {
        SequenceModel model = model();
        List<Double> losses = new ArrayList<>();
        SparkLearner learner = SparkLearner.builder(spark, data, model, loss)
                .validation(VALIDATION, Metrics.binaryAccuracy()).build();
        TrainingResult r = trainer(model, losses).build().fit(learner);
        return new Run(losses, r, model);
    }

    static <T> T withSpark(String master, Function<JavaSparkContext, T> body) {
        return withSpark(conf(master), body);
    }

    static SparkConf conf(String master) {
        return new SparkConf().setMaster(master).setAppName("rnn4j-test").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    }

    static <T> T withSpark(SparkConf conf, Function<JavaSparkContext, T> body) {
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            return body.apply(spark);
        }
    }
}
