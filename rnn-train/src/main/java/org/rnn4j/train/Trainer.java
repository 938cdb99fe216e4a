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
import org.rnn4j.nd4j.model.EncoderDecoder;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.FlatOptimizer;
import org.rnn4j.nd4j.optim.GradientClipping;
import org.rnn4j.nd4j.optim.LearningRateSchedule;
import org.rnn4j.train.data.BatchPlan;
import org.rnn4j.train.data.Seq2SeqDataset;
import org.rnn4j.train.data.SequenceDataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link Model} (usually a {@link SequenceModel}) on a {@link SequenceDataset}, or an {@link EncoderDecoder}
 * on a {@link Seq2SeqDataset} (teacher-forced), with an {@link Optimizer} over epochs of padded mini-batches
 * ({@link BatchPlan}), with validation, early stopping, checkpoints and listeners. Per epoch:
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

    /** A sequence model and its loss, or (null, null) for an encoder-decoder. */
    private final Model model;
    private final Loss loss;
    /** An encoder-decoder and the token its decoder reads first, or null. */
    private final EncoderDecoder encoderDecoder;
    private final int bos;
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
    private final Seq2SeqDataset pairValidation;
    private final Metric metric;
    private final int patience;
    private final boolean restoreBest;
    private final Path checkpoint;
    private final List<TrainingListener> listeners;
    private final TrainingState resumeFrom;

    private Trainer(Builder b) {
        this.model = b.model;
        this.loss = b.loss;
        this.encoderDecoder = b.encoderDecoder;
        this.bos = b.bos;
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
        this.pairValidation = b.pairValidation;
        this.metric = b.metric;
        if (encoderDecoder != null && validation != null) {
            throw new IllegalArgumentException("validation: an encoder-decoder validates on source and target pairs "
                    + "(validation(Seq2SeqDataset)), not on a SequenceDataset");
        }
        if (model != null && pairValidation != null) {
            throw new IllegalArgumentException("validation: a Seq2SeqDataset validates an EncoderDecoder; this "
                    + "trainer trains " + model.getClass().getName());
        }
        if (b.patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0 (0: no early stopping) but is " + b.patience);
        }
        if (b.checkpoint != null && !((model instanceof SequenceModel || encoderDecoder != null)
                && optimizer instanceof FlatOptimizer)) {
            throw new IllegalArgumentException("checkpoint: a checkpoint stores a SequenceModel or an EncoderDecoder "
                    + "and one of rnn4j's optimizers (Adam, Sgd, RmsProp, Adagrad), not "
                    + (model != null ? model : encoderDecoder).getClass().getName() + " and "
                    + optimizer.getClass().getName());
        }
        if (b.schedule != null && Double.isNaN(optimizer.learningRate())) {
            throw new IllegalArgumentException("schedule: " + optimizer.getClass().getName() + " reports no "
                    + "learning rate (Optimizer.learningRate() is NaN), so a schedule cannot set one");
        }
        this.patience = b.patience;
        this.restoreBest = b.restoreBest;
        this.checkpoint = b.checkpoint;
        this.listeners = new ArrayList<>(b.listeners);
        if (b.progressBar) {
            listeners.add(0, new ConsoleProgressBar(epochs));
        }
        if (b.resumeState != null) {
            TrainingState s = b.resumeState;
            if (b.resumeModel != (model != null ? model : encoderDecoder) || b.resumeOptimizer != optimizer) {
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
        return new Builder(Checks.notNull(model, "model"), Checks.notNull(loss, "loss"), null, 0, optimizer);
    }

    /**
     * Required for an encoder-decoder: the model, the token its decoder reads before the first target token (the
     * one {@link org.rnn4j.nd4j.model.Decoding} will start from), and the optimizer. The loss is the model's own: the
     * softmax cross-entropy of every valid target step.
     */
    public static Builder builder(EncoderDecoder model, int bos, Optimizer optimizer) {
        Checks.notNull(model, "model");
        if (bos < 0 || bos >= model.config().targetVocabularySize()) {
            throw new IllegalArgumentException("bos must be a target token id in [0, "
                    + model.config().targetVocabularySize() + ") but is " + bos);
        }
        return new Builder(null, null, model, bos, optimizer);
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
        if (model == null) {
            throw new IllegalArgumentException("train: this trainer trains an EncoderDecoder on source and target "
                    + "pairs (fit(Seq2SeqDataset)), not on a SequenceDataset");
        }
        requireExamples(train.size());
        return run(new SequenceLearner(model, loss, train, validation, metric));
    }

    /**
     * Trains an encoder-decoder on {@code train}, teacher-forced; the same order of events as for a sequence model.
     *
     * @throws IllegalArgumentException  if {@code train} has no examples, or an id is outside the model's
     *                                   vocabularies (checked before the first step)
     * @throws TrainingDivergedException if the loss or gradients stop being finite
     * @throws UncheckedIOException      if a checkpoint cannot be written
     */
    public TrainingResult fit(Seq2SeqDataset train) {
        Checks.notNull(train, "train");
        if (encoderDecoder == null) {
            throw new IllegalArgumentException("train: this trainer trains " + model.getClass().getName()
                    + " on a SequenceDataset; source and target pairs train an EncoderDecoder");
        }
        requireExamples(train.size());
        return run(new EncoderDecoderLearner(encoderDecoder, bos, train, pairValidation));
    }

    private static void requireExamples(int size) {
        if (size == 0) {
            throw new IllegalArgumentException("the training data has no examples, so there are no batches to train "
                    + "on");
        }
    }

    /**
     * Trains through a learner of another data source (rnn-spark's {@code SparkLearner}), on this trainer's model:
     * the learner computes each batch's gradients and the validation (give validation data to the learner, not to
     * this builder); everything else is this trainer's, as for the other {@code fit} methods.
     *
     * @throws IllegalArgumentException if the learner trains another model's parameters, or this builder was given
     *                                  validation data
     */
    public TrainingResult fit(Learner learner) {
        Checks.notNull(learner, "learner");
        Parameters own = model != null ? model.parameters() : encoderDecoder.parameters();
        if (learner.parameters() != own) {
            throw new IllegalArgumentException("learner: it must train this trainer's model (its parameters are "
                    + "another model's)");
        }
        if (validation != null || pairValidation != null) {
            throw new IllegalArgumentException("validation: with fit(Learner) the learner validates; give it the "
                    + "validation data instead of the trainer");
        }
        requireExamples(learner.size());
        return run(learner);
    }

    private TrainingResult run(Learner learner) {
        if (patience > 0 && !learner.validates()) {
            throw new IllegalArgumentException("early stopping (patience " + patience + ") needs validation data");
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
            optimizer.initialise(learner.parameters());
        }
        boolean stoppedEarly = patience > 0 && withoutImprovement >= patience;
        for (int epoch = startEpoch; epoch < epochs && !stoppedEarly; epoch++) {
            if (schedule != null) {
                optimizer.setLearningRate(schedule.rate(epoch));
            }
            List<int[]> batches = learner.epoch(batchSize, shuffle, bucketByLength, seed, epoch);
            for (TrainingListener l : listeners) {
                l.onEpochStart(epoch, batches.size());
            }
            long start = System.nanoTime();
            double lossSum = 0;
            double bestTrainLoss = history.stream().mapToDouble(EpochSummary::trainLoss).filter(Double::isFinite)
                    .min().orElse(Double.NaN);
            for (int step = 0; step < batches.size(); step++) {
                double value = iteration(learner, batches.get(step), epoch, step, bestTrainLoss);
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
            if (learner.validates()) {
                Learner.Validation v = learner.validate(batchSize);
                validationLoss = v.loss();
                score = v.score();
                boolean higher = learner.higherIsBetter();
                improved = Double.isFinite(score) && (bestEpoch < 0 || (higher ? score > bestScore : score < bestScore));
                if (improved) {
                    bestEpoch = epoch;
                    bestScore = score;
                    best = learner.parameters().copy();
                    withoutImprovement = 0;
                } else {
                    withoutImprovement++;
                }
            }
            EpochSummary summary = new EpochSummary(epoch, lossSum / learner.size(), validationLoss,
                    learner.validates() ? learner.metricName() : null, score, optimizer.learningRate(), seconds,
                    learner.size() / seconds, improved);
            history.add(summary);
            log(summary);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(summary);
            }
            if (checkpoint != null) {
                TrainingState state = new TrainingState(epoch + 1, seed, batchSize, shuffle, bucketByLength,
                        bestEpoch, bestScore, withoutImprovement, history, best);
                try {
                    learner.saveCheckpoint(checkpoint, (FlatOptimizer) optimizer, state);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not write the checkpoint " + checkpoint, e);
                }
            }
            stoppedEarly = patience > 0 && withoutImprovement >= patience;
            if (stoppedEarly) {
                LOG.info("early stopping after epoch {}: no better {} for {} epochs (best {} at epoch {})",
                        epoch + 1, learner.metricName(), patience, fmt(bestScore), bestEpoch + 1);
            }
        }
        if (restoreBest && best != null) {
            learner.parameters().assign(best);
        }
        TrainingResult result = new TrainingResult(history, bestEpoch, bestScore, stoppedEarly);
        for (TrainingListener l : listeners) {
            l.onTrainingEnd(result);
        }
        return result;
    }

    /** One optimizer step; returns the batch's loss. */
    private double iteration(Learner learner, int[] indices, int epoch, int step, double bestTrainLoss) {
        double value = learner.computeGradients(indices);
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException(epoch, step, "the loss is " + value);
        }
        if (divergenceFactor > 0 && bestTrainLoss > 0 && value > divergenceFactor * bestTrainLoss) {
            throw new TrainingDivergedException(epoch, step, "the loss " + value + " is more than "
                    + divergenceFactor + " times the best epoch's mean training loss " + bestTrainLoss
                    + " (divergenceFactor)");
        }
        double norm = clipNorm > 0 ? GradientClipping.byGlobalNorm(learner.gradients(), clipNorm)
                : learner.gradients().flat().norm2Number().doubleValue();
        boolean optimizerDecides = optimizer instanceof FlatOptimizer f
                && f.nonFiniteGradients() != FlatOptimizer.NonFiniteGradients.REFUSE;
        if (!Double.isFinite(norm) && !optimizerDecides) {
            throw new TrainingDivergedException(epoch, step, "the gradient norm is " + norm);
        }
        try {
            optimizer.step(learner.parameters(), learner.gradients());
        } catch (IllegalStateException overflow) { // rnn4j's optimizers refuse a step that overflows, changing nothing
            if (optimizer instanceof org.rnn4j.nd4j.optim.FlatOptimizer) {
                throw new TrainingDivergedException(epoch, step, overflow.getMessage());
            }
            throw overflow;
        }
        return value;
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

    /**
     * Required settings are the builder's arguments; everything else is optional with the defaults of
     * {@link Trainer}.
     */
    public static final class Builder {
        private final Model model;
        private final Loss loss;
        private final EncoderDecoder encoderDecoder;
        private final int bos;
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
        private Seq2SeqDataset pairValidation;
        private Metric metric;
        private int patience;
        private boolean restoreBest = true;
        private Path checkpoint;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private boolean progressBar = System.console() != null;
        private Object resumeModel;
        private FlatOptimizer resumeOptimizer;
        private TrainingState resumeState;

        private Builder(Model model, Loss loss, EncoderDecoder encoderDecoder, int bos, Optimizer optimizer) {
            this.model = model;
            this.loss = loss;
            this.encoderDecoder = encoderDecoder;
            this.bos = bos;
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

        /** Validation of an encoder-decoder after every epoch, scored by its loss on {@code validation}. */
        public Builder validation(Seq2SeqDataset validation) {
            this.pairValidation = Checks.notNull(validation, "validation");
            if (validation.size() == 0) {
                throw new IllegalArgumentException("validation data has no examples");
            }
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
            Checks.notNull(checkpoint, "checkpoint");
            return resume(checkpoint.model(), checkpoint.optimizer(), checkpoint.state());
        }

        /** Continues an encoder-decoder's training from a checkpoint, as {@link #resumeFrom(Checkpoint)}. */
        public Builder resumeFrom(EncoderDecoderCheckpoint checkpoint) {
            Checks.notNull(checkpoint, "checkpoint");
            return resume(checkpoint.model(), checkpoint.optimizer(), checkpoint.state());
        }

        private Builder resume(Object model, FlatOptimizer optimizer, TrainingState state) {
            this.resumeModel = model;
            this.resumeOptimizer = optimizer;
            this.resumeState = state;
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
