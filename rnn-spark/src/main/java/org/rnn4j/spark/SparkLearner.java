package org.rnn4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.io.ModelConfigJson;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.FlatOptimizer;
import org.rnn4j.train.Checkpoint;
import org.rnn4j.train.Learner;
import org.rnn4j.train.Metric;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingState;
import org.rnn4j.train.data.BatchPlan;
import org.rnn4j.train.data.SequenceDataset;

/**
 * Synchronous data-parallel training of a {@link SequenceModel} on Spark, through {@link Trainer#fit(Learner)}: the
 * trainer's loop (epoch order, schedules, clipping, divergence checks, listeners, progress, checkpoints, early
 * stopping) runs on the driver unchanged, and each global batch's gradient is computed by the cluster. Per step:
 * <ol>
 *   <li>the driver broadcasts the parameters and sends the batch's global indices and the step's pass number;</li>
 *   <li>every partition computes, for the batch's examples it holds (padded to their own longest sequence), the sum
 *       of their losses and of their gradients with a model of the same configuration built once per executor
 *       thread, dropout masks drawn as the whole batch would draw them ({@link org.rnn4j.nd4j.layer.DropoutFrame}),
 *       so a retried task computes exactly what the first attempt did;</li>
 *   <li>the driver adds the partitions' sums in partition order (not in the order tasks finish) and divides by the
 *       batch size: the mean loss and gradient of the whole batch, to rounding, as one machine computes them.</li>
 * </ol>
 * Validation runs on the driver on a {@link SequenceDataset}. The loss must reduce by the mean over the batch's
 * examples (every rnn4j loss does for one target per sequence); custom cells must be registered on the executors too.
 */
public final class SparkLearner implements Learner {
    private final JavaSparkContext spark;
    private final SparkSequenceData data;
    private final SequenceModel model;
    private final LossFactory lossFactory;
    private final Loss loss;
    private final SequenceDataset validation;
    private final Metric metric;
    private final String configuration;
    private StepTimes lastStep;

    private SparkLearner(Builder b) {
        this.spark = b.spark;
        this.data = b.data;
        this.model = b.model;
        this.lossFactory = b.lossFactory;
        this.loss = b.lossFactory.get();
        this.validation = b.validation;
        this.metric = b.metric;
        this.configuration = ModelConfigJson.write(model.config()).toString();
        check();
    }

    /** Required: the Spark context, the examples, the model (the driver's, which the trainer steps) and the loss. */
    public static Builder builder(JavaSparkContext spark, SparkSequenceData data, SequenceModel model,
                                  LossFactory loss) {
        return new Builder(spark, data, model, loss);
    }

    private void check() {
        boolean tokens = model.embedding() != null;
        if (data.isTokens() != tokens) {
            throw new IllegalArgumentException("data holds " + (data.isTokens() ? "token ids" : "vectors")
                    + " but the model takes " + (tokens ? "token ids (it has an embedding)" : "vectors"));
        }
        if (!tokens && data.featureSize() != model.recurrent().inputSize()) {
            throw new IllegalArgumentException("data has " + data.featureSize() + " features per step but the "
                    + "model's input size is " + model.recurrent().inputSize());
        }
        if (model.outputMode() == SequenceModel.OutputMode.ALL_STEPS) {
            throw new IllegalArgumentException("the Spark learner trains models with one target per sequence "
                    + "(OutputMode.LAST_STEP or FINAL_HIDDEN); this model predicts every step");
        }
        if (tokens) {
            int vocabulary = model.embedding().spec().vocabularySize();
            long bad = data.firstIndexWhere(e -> java.util.Arrays.stream(e.tokens()).anyMatch(id -> id >= vocabulary));
            if (bad >= 0 || data.paddingId() >= vocabulary) {
                throw new IllegalArgumentException("data holds token ids outside the model's vocabulary of "
                        + vocabulary + " ids (0.." + (vocabulary - 1) + "): " + (bad >= 0 ? "example " + bad
                        + " has one" : "the padding id " + data.paddingId()));
            }
        }
    }

    /** The loss the driver validates with (the factory's). */
    public Loss loss() {
        return loss;
    }

    @Override
    public Parameters parameters() {
        return model.parameters();
    }

    @Override
    public Parameters gradients() {
        return model.gradients();
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public List<int[]> epoch(int batchSize, boolean shuffle, boolean bucketByLength, long seed, long epoch) {
        return BatchPlan.epoch(data.size(), data::length, batchSize, shuffle, bucketByLength, seed, epoch);
    }

    /**
     * Where the last step's time went, in seconds: the parameters' broadcast on the driver, the job (broadcast
     * fetch, the tasks, returning their sums), of which the slowest task's own computation, and adding the sums.
     * {@code job - slowestTask} is what Spark adds to the step's compute.
     */
    public record StepTimes(double broadcast, double job, double slowestTask, double combine) {
    }

    /** The last step's {@link StepTimes}, or null before the first. */
    public StepTimes lastStep() {
        return lastStep;
    }

    @Override
    public double computeGradients(int[] indices) {
        long t0 = System.nanoTime();
        int steps = 0;
        for (int i : indices) {
            steps = Math.max(steps, data.length(i));
        }
        long pass = model.trainingPasses();
        boolean single = model.dataType() == DataType.FLOAT;
        INDArray flat = model.parameters().flat();
        Broadcast<Object> parameters = spark.broadcast(single ? flat.toFloatVector() : flat.toDoubleVector());
        ShareComputation step = new ShareComputation(configuration, indices, steps, pass, data.paddingId(),
                data.classes(), lossFactory, parameters);
        List<Share> shares;
        long t1 = System.nanoTime();
        try {
            shares = Jobs.run(() -> data.blocks().mapPartitionsWithIndex(step::compute, false).collect());
        } finally {
            parameters.destroy();
        }
        long t2 = System.nanoTime();
        double[] sum = new double[Math.toIntExact(flat.length())];
        double lossSum = 0;
        int count = 0;
        for (Share s : shares) { // collect() returns them in partition order: a fixed order of summation
            count += s.count();
            lossSum += s.lossSum();
            s.addTo(sum);
        }
        if (count != indices.length) {
            throw new IllegalStateException("the partitions computed " + count + " of the batch's " + indices.length
                    + " examples");
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= count;
        }
        model.gradients().flat().assign(Nd4j.createFromArray(sum).castTo(model.dataType()));
        model.setTrainingPasses(pass + 1);
        lastStep = new StepTimes((t1 - t0) / 1e9, (t2 - t1) / 1e9,
                shares.stream().mapToDouble(Share::seconds).max().orElse(0), (System.nanoTime() - t2) / 1e9);
        return lossSum / count;
    }

    @Override
    public boolean validates() {
        return validation != null;
    }

    @Override
    public Validation validate(int batchSize) {
        return Validation.of(model, loss, validation, metric, batchSize);
    }

    @Override
    public String metricName() {
        return metric == null ? "validation loss" : metric.name();
    }

    @Override
    public boolean higherIsBetter() {
        return metric != null && metric.higherIsBetter();
    }

    @Override
    public void saveCheckpoint(Path file, FlatOptimizer optimizer, TrainingState state) throws IOException {
        Checkpoint.save(file, model, optimizer, state);
    }

    /** Required settings are the builder's arguments; validation is optional. */
    public static final class Builder {
        private final JavaSparkContext spark;
        private final SparkSequenceData data;
        private final SequenceModel model;
        private final LossFactory lossFactory;
        private SequenceDataset validation;
        private Metric metric;

        private Builder(JavaSparkContext spark, SparkSequenceData data, SequenceModel model, LossFactory loss) {
            this.spark = Checks.notNull(spark, "spark");
            this.data = Checks.notNull(data, "data");
            this.model = Checks.notNull(model, "model");
            this.lossFactory = Checks.notNull(loss, "loss");
        }

        /** Validation on the driver after every epoch, scored by {@code metric} (null: the validation loss). */
        public Builder validation(SequenceDataset validation, Metric metric) {
            this.validation = Checks.notNull(validation, "validation");
            if (validation.size() == 0) {
                throw new IllegalArgumentException("validation data has no examples");
            }
            this.metric = metric;
            return this;
        }

        public SparkLearner build() {
            return new SparkLearner(this);
        }
    }
}
