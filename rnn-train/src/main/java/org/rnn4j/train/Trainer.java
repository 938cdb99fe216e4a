package org.rnn4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Model;
import org.rnn4j.api.Optimizer;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.FlatOptimizer;
import org.rnn4j.nd4j.optim.GradientClipping;
import org.rnn4j.nd4j.optim.LearningRateSchedule;
import org.rnn4j.train.data.Batch;
import org.rnn4j.train.data.BatchPlan;
import org.rnn4j.train.data.SequenceDataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link Model} (usually a {@link SequenceModel}) with an {@link Optimizer} over epochs of padded
 * mini-batches ({@link BatchPlan}), with validation, early stopping, checkpoints and listeners. Per epoch:
 * <ol>
 *   <li>the learning rate from the schedule, if any ({@code schedule.rate(epoch)});</li>
 *   <li>for each batch: {@code computeGradients}; a NaN or infinite loss or gradient norm (or, with
 *       {@link Builder#divergenceFactor}, a loss that many times the best epoch's) stops training with a
 *       {@link TrainingDivergedException} naming the epoch and step, before the step is applied (an optimizer set to
 *       skip or zero non-finite gradients, {@link FlatOptimizer.NonFiniteGradients}, decides on those instead);
 *       optional clipping by global norm; {@code optimizer.step};</li>
 *   <li>validation (loss and the chosen metric) if validation data was given; a better score keeps a copy of the
 *       parameters;</li>
 *   <li>a {@link Checkpoint} if a path was given (atomic, so a crash mid-save keeps the previous one);</li>
 *   <li>early stopping after {@code patience} epochs without improvement.</li>
 * </ol>
 * At the end the model holds the best parameters (with validation and {@code restoreBest}, the default).
 * Everything random (epoch order, dropout) is a function of the seeds and the position in training, so equal
 * settings give equal parameters, and a run resumed from a checkpoint ({@link Builder#resumeFrom}) ends with
 * exactly the parameters of the uninterrupted run.
 *
 * <p>Defaults: 10 epochs, batch size 32, seed 0, shuffled, no bucketing, no schedule, no clipping, no early
 * stopping, restore best, progress bar only when a console is attached.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    public static final int DEFAULT_EPOCHS = 10;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final long DEFAULT_SEED = 0;

    private final Model model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final boolean bucketByLength;
    private final LearningRateSchedule schedule;
    private final double clipNorm;
    private final double divergenceFactor;
    private final SequenceDataset validation;
    private final Metric metric;
    private final int patience;
    private final boolean restoreBest;
    private final Path checkpoint;
    private final List<TrainingListener> listeners;
    private final TrainingState resumeFrom;

    private Trainer(Builder b) {
        this.model = b.model;
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.epochs = Checks.positive(b.epochs, "epochs");
        this.batchSize = Checks.positive(b.batchSize, "batchSize");
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.bucketByLength = b.bucketByLength;
        this.schedule = b.schedule;
        if (b.clipNorm != 0) {
            Checks.positiveFinite(b.clipNorm, "clipGradientNorm");
        }
        this.clipNorm = b.clipNorm;
        if (b.divergenceFactor != 0 && !(b.divergenceFactor > 1 && Double.isFinite(b.divergenceFactor))) {
            throw new IllegalArgumentException("divergenceFactor must be finite and > 1 (0: off) but is "
                    + b.divergenceFactor);
        }
        this.divergenceFactor = b.divergenceFactor;
        this.validation = b.validation;
        this.metric = b.metric;
        if (b.patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0 (0: no early stopping) but is " + b.patience);
        }
        if (b.checkpoint != null && !(model instanceof SequenceModel && optimizer instanceof FlatOptimizer)) {
            throw new IllegalArgumentException("checkpoint: a checkpoint stores a SequenceModel and one of rnn4j's "
                    + "optimizers (Adam, Sgd, RmsProp, Adagrad), not " + model.getClass().getName() + " and "
                    + optimizer.getClass().getName());
        }
        if (b.schedule != null && Double.isNaN(optimizer.learningRate())) {
            throw new IllegalArgumentException("schedule: " + optimizer.getClass().getName() + " reports no "
                    + "learning rate (Optimizer.learningRate() is NaN), so a schedule cannot set one");
        }
        if (b.patience > 0 && validation == null) {
            throw new IllegalArgumentException("early stopping (patience " + b.patience + ") needs validation data");
        }
        this.patience = b.patience;
        this.restoreBest = b.restoreBest;
        this.checkpoint = b.checkpoint;
        this.listeners = new ArrayList<>(b.listeners);
        if (b.progressBar) {
            listeners.add(0, new ConsoleProgressBar(epochs));
        }
        if (b.resumeFrom != null) {
            TrainingState s = b.resumeFrom.state();
            if (b.resumeFrom.model() != model || b.resumeFrom.optimizer() != optimizer) {
                throw new IllegalArgumentException("resumeFrom: train the checkpoint's own model and optimizer "
                        + "(Trainer.builder(checkpoint.model(), loss, checkpoint.optimizer()))");
            }
            mustEqual("seed", s.seed(), seed);
            mustEqual("batchSize", s.batchSize(), batchSize);
            mustEqual("shuffle", s.shuffle(), shuffle);
            mustEqual("bucketByLength", s.bucketByLength(), bucketByLength);
            this.resumeFrom = s;
        } else {
            this.resumeFrom = null;
        }
    }

    private static void mustEqual(String name, Object saved, Object now) {
        if (!saved.equals(now)) {
            throw new IllegalArgumentException("resumeFrom: the checkpoint was trained with " + name + " " + saved
                    + " but this trainer has " + now + "; an exact resume needs the same value");
        }
    }

    /**
     * Required: the model, the loss and the optimizer (not yet initialised, unless resuming): any implementations of
     * the {@code rnn-api} contracts. Checkpoints ({@link Builder#checkpoint}) need rnn4j's own {@link SequenceModel}
     * and {@link FlatOptimizer}s (their file formats); a schedule needs an optimizer with a learning rate.
     */
    public static Builder builder(Model model, Loss loss, Optimizer optimizer) {
        return new Builder(model, loss, optimizer);
    }

    /**
     * Trains on {@code train}; see the class comment for the order of events.
     *
     * @throws IllegalArgumentException    if {@code train} has no examples or does not fit the model
     * @throws TrainingDivergedException   if the loss or gradients stop being finite
     * @throws UncheckedIOException        if a checkpoint cannot be written
     */
    public TrainingResult fit(SequenceDataset train) {
        Checks.notNull(train, "train");
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training data has no examples, so there are no batches to train "
                    + "on");
        }
        checkFits(train, "train");
        if (validation != null) {
            checkFits(validation, "validation");
        }
        List<EpochSummary> history = new ArrayList<>();
        int startEpoch = 0;
        int bestEpoch = -1;
        double bestScore = Double.NaN;
        int withoutImprovement = 0;
        Parameters best = null;
        if (resumeFrom != null) {
            history.addAll(resumeFrom.history());
            startEpoch = resumeFrom.completedEpochs();
            bestEpoch = resumeFrom.bestEpoch();
            bestScore = resumeFrom.bestScore();
            withoutImprovement = resumeFrom.epochsWithoutImprovement();
            best = resumeFrom.bestParameters();
        } else {
            optimizer.initialise(model.parameters());
        }
        boolean stoppedEarly = patience > 0 && withoutImprovement >= patience;
        for (int epoch = startEpoch; epoch < epochs && !stoppedEarly; epoch++) {
            if (schedule != null) {
                optimizer.setLearningRate(schedule.rate(epoch));
            }
            List<int[]> batches = BatchPlan.epoch(train, batchSize, shuffle, bucketByLength, seed, epoch);
            for (TrainingListener l : listeners) {
                l.onEpochStart(epoch, batches.size());
            }
            long start = System.nanoTime();
            double lossSum = 0;
            double bestTrainLoss = history.stream().mapToDouble(EpochSummary::trainLoss).filter(Double::isFinite)
                    .min().orElse(Double.NaN);
            for (int step = 0; step < batches.size(); step++) {
                double value = iteration(train, batches.get(step), epoch, step, bestTrainLoss);
                int size = batches.get(step).length;
                lossSum += value * size;
                for (TrainingListener l : listeners) {
                    l.onBatchEnd(epoch, step, value, size);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double validationLoss = Double.NaN;
            double score = Double.NaN;
            boolean improved = false;
            if (validation != null) {
                Predictions p = Predictions.of(model, validation, batchSize);
                validationLoss = loss.compute(p.predictions(), p.targets(), null).loss();
                score = metric == null ? validationLoss : metric.score(p.predictions(), p.targets());
                boolean higher = metric != null && metric.higherIsBetter();
                improved = Double.isFinite(score) && (bestEpoch < 0 || (higher ? score > bestScore : score < bestScore));
                if (improved) {
                    bestEpoch = epoch;
                    bestScore = score;
                    best = model.parameters().copy();
                    withoutImprovement = 0;
                } else {
                    withoutImprovement++;
                }
            }
            EpochSummary summary = new EpochSummary(epoch, lossSum / train.size(), validationLoss,
                    validation == null ? null : metricName(), score, optimizer.learningRate(), seconds,
                    train.size() / seconds, improved);
            history.add(summary);
            log(summary);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(summary);
            }
            if (checkpoint != null) {
                TrainingState state = new TrainingState(epoch + 1, seed, batchSize, shuffle, bucketByLength,
                        bestEpoch, bestScore, withoutImprovement, history, best);
                try {
                    Checkpoint.save(checkpoint, (SequenceModel) model, (FlatOptimizer) optimizer, state);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not write the checkpoint " + checkpoint, e);
                }
            }
            stoppedEarly = patience > 0 && withoutImprovement >= patience;
            if (stoppedEarly) {
                LOG.info("early stopping after epoch {}: no better {} for {} epochs (best {} at epoch {})",
                        epoch + 1, metricName(), patience, fmt(bestScore), bestEpoch + 1);
            }
        }
        if (restoreBest && best != null) {
            model.parameters().assign(best);
        }
        TrainingResult result = new TrainingResult(history, bestEpoch, bestScore, stoppedEarly);
        for (TrainingListener l : listeners) {
            l.onTrainingEnd(result);
        }
        return result;
    }

    /** One optimizer step; returns the batch's loss. */
    private double iteration(SequenceDataset train, int[] indices, int epoch, int step, double bestTrainLoss) {
        Batch batch = train.batch(indices, model.dataType());
        double value = model.computeGradients(batch.input(), batch.lengths(), batch.targets(), loss);
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException(epoch, step, "the loss is " + value);
        }
        if (divergenceFactor > 0 && bestTrainLoss > 0 && value > divergenceFactor * bestTrainLoss) {
            throw new TrainingDivergedException(epoch, step, "the loss " + value + " is more than "
                    + divergenceFactor + " times the best epoch's mean training loss " + bestTrainLoss
                    + " (divergenceFactor)");
        }
        double norm = clipNorm > 0 ? GradientClipping.byGlobalNorm(model.gradients(), clipNorm)
                : model.gradients().flat().norm2Number().doubleValue();
        boolean optimizerDecides = optimizer instanceof FlatOptimizer f
                && f.nonFiniteGradients() != FlatOptimizer.NonFiniteGradients.REFUSE;
        if (!Double.isFinite(norm) && !optimizerDecides) {
            throw new TrainingDivergedException(epoch, step, "the gradient norm is " + norm);
        }
        try {
            optimizer.step(model.parameters(), model.gradients());
        } catch (IllegalStateException overflow) { // rnn4j's optimizers refuse a step that overflows, changing nothing
            if (optimizer instanceof org.rnn4j.nd4j.optim.FlatOptimizer) {
                throw new TrainingDivergedException(epoch, step, overflow.getMessage());
            }
            throw overflow;
        }
        return value;
    }

    private String metricName() {
        return metric == null ? "validation loss" : metric.name();
    }

    /** Logs epochs counted from 1, as people count them; {@link EpochSummary#epoch} counts from 0. */
    private void log(EpochSummary s) {
        if (validation == null) {
            LOG.info("epoch {}/{}: train loss {}, {} examples/s", s.epoch() + 1, epochs, fmt(s.trainLoss()),
                    Math.round(s.examplesPerSecond()));
        } else {
            LOG.info("epoch {}/{}: train loss {}, validation loss {}, {} {}{}, {} examples/s", s.epoch() + 1,
                    epochs, fmt(s.trainLoss()), fmt(s.validationLoss()), s.metricName(), fmt(s.metric()),
                    s.improved() ? " (best)" : "", Math.round(s.examplesPerSecond()));
        }
    }

    private static String fmt(double v) {
        return String.format("%.4f", v);
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

    /**
     * Required settings are the builder's arguments; everything else is optional with the defaults of
     * {@link Trainer}.
     */
    public static final class Builder {
        private final Model model;
        private final Loss loss;
        private final Optimizer optimizer;
        private int epochs = DEFAULT_EPOCHS;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private long seed = DEFAULT_SEED;
        private boolean shuffle = true;
        private boolean bucketByLength;
        private LearningRateSchedule schedule;
        private double clipNorm;
        private double divergenceFactor;
        private SequenceDataset validation;
        private Metric metric;
        private int patience;
        private boolean restoreBest = true;
        private Path checkpoint;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private boolean progressBar = System.console() != null;
        private Checkpoint resumeFrom;

        private Builder(Model model, Loss loss, Optimizer optimizer) {
            this.model = Checks.notNull(model, "model");
            this.loss = Checks.notNull(loss, "loss");
            this.optimizer = Checks.notNull(optimizer, "optimizer");
        }

        /** Total epochs, counting those before a checkpoint when resuming. */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Seed of the epoch order (the model's own seeds drive its initialisation and dropout). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Groups sequences of similar length into batches ({@link BatchPlan}): less padding, same results. */
        public Builder bucketByLength(boolean bucketByLength) {
            this.bucketByLength = bucketByLength;
            return this;
        }

        /** The learning rate per epoch, set at the start of each epoch. */
        public Builder schedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Scales the gradients down when their global L2 norm exceeds {@code maxNorm} (0: off). */
        public Builder clipGradientNorm(double maxNorm) {
            this.clipNorm = maxNorm;
            return this;
        }

        /**
         * Stops training with a {@link TrainingDivergedException}, before the step, when a batch's loss exceeds
         * {@code factor} times the lowest mean training loss of a completed epoch (a loss growing without bound
         * while still finite). Checked from the second epoch on, and only while that best mean is positive.
         * Default 0: off (NaN and infinite losses and gradients stop training regardless).
         */
        public Builder divergenceFactor(double factor) {
            this.divergenceFactor = factor;
            return this;
        }

        /**
         * Validation after every epoch, scored by {@code metric} (null: the validation loss); the best epoch by
         * that score is the one kept.
         */
        public Builder validation(SequenceDataset validation, Metric metric) {
            this.validation = Checks.notNull(validation, "validation");
            if (validation.size() == 0) {
                throw new IllegalArgumentException("validation data has no examples");
            }
            this.metric = metric;
            return this;
        }

        /** Stops after {@code patience} epochs without a better validation score (0: never). */
        public Builder earlyStopping(int patience) {
            this.patience = patience;
            return this;
        }

        /** Whether {@code fit} ends with the best epoch's parameters (default) or the last epoch's. */
        public Builder restoreBest(boolean restoreBest) {
            this.restoreBest = restoreBest;
            return this;
        }

        /** Writes a {@link Checkpoint} to {@code file} after every epoch (atomically, replacing the previous). */
        public Builder checkpoint(Path file) {
            this.checkpoint = file;
            return this;
        }

        public Builder listener(TrainingListener listener) {
            listeners.add(Checks.notNull(listener, "listener"));
            return this;
        }

        /** A console progress bar per epoch (default: only when a console is attached). */
        public Builder progressBar(boolean progressBar) {
            this.progressBar = progressBar;
            return this;
        }

        /**
         * Continues from a checkpoint loaded with {@link Checkpoint#load}; the builder's model and optimizer must
         * be the checkpoint's, and seed, batch size, shuffling and bucketing equal to the saved ones.
         */
        public Builder resumeFrom(Checkpoint checkpoint) {
            this.resumeFrom = Checks.notNull(checkpoint, "checkpoint");
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
