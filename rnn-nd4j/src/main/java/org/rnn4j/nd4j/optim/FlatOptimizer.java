package org.rnn4j.nd4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Optimizer;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

/**
 * What the built-in optimizers share: the lifecycle checks, state buffers shaped like the flat parameter buffer, a
 * learning rate that a {@link LearningRateSchedule} may change between steps, and the export and import of their
 * configuration ({@link #kind}, {@link #hyperparameters}, rebuilt by {@link Optimizers#create}) and state
 * ({@link #state}, {@link #restore}) that checkpoints need to resume training exactly.
 */
public abstract class FlatOptimizer implements Optimizer {
    /**
     * What {@link #step} does with gradients that hold NaN or infinite values. The default refuses them; the others
     * are for training whose rare overflowing batches are expected (mixed precision, extreme data), and are
     * settings of the run, not of the optimizer's state: checkpoints do not store them.
     */
    public enum NonFiniteGradients {
        /** An {@link IllegalArgumentException} naming the first such parameter; nothing changes. */
        REFUSE,
        /** The step is skipped: parameters, state and {@link #steps()} unchanged; {@link #skippedSteps()} counts it. */
        SKIP_STEP,
        /** The step runs with each NaN or infinite gradient value taken as 0 (the caller's gradients unchanged). */
        ZERO
    }

    public static final NonFiniteGradients DEFAULT_NON_FINITE_GRADIENTS = NonFiniteGradients.REFUSE;

    private double learningRate;
    private ParameterLayout layout;
    private long steps;
    private long skippedSteps;
    private NonFiniteGradients nonFiniteGradients = DEFAULT_NON_FINITE_GRADIENTS;

    FlatOptimizer(double learningRate) {
        this.learningRate = Checks.positiveFinite(learningRate, "learningRate");
    }

    @Override
    public final void initialise(Parameters parameters) {
        Checks.notNull(parameters, "parameters");
        layout = parameters.layout();
        steps = 0;
        skippedSteps = 0;
        allocate(Nd4j.zeros(parameters.dataType(), layout.size()));
    }

    /** Called by {@link #initialise} with one zero array of the flat size; allocate more with {@code like()}. */
    abstract void allocate(INDArray zerosLikeFlat);

    @Override
    public final void step(Parameters parameters, Parameters gradients) {
        if (layout == null) {
            throw new IllegalStateException("step called before initialise");
        }
        Checks.notNull(parameters, "parameters");
        Checks.notNull(gradients, "gradients");
        if (!layout.equals(parameters.layout()) || !layout.equals(gradients.layout())) {
            throw new IllegalArgumentException("parameters and gradients must have the initialised layout " + layout);
        }
        if (gradients.dataType() != parameters.dataType()) {
            throw new IllegalArgumentException("gradients must have the parameters' data type "
                    + parameters.dataType() + " but have " + gradients.dataType());
        }
        INDArray g = gradients.flat();
        if (!Checks.isFinite(g)) {
            switch (nonFiniteGradients) {
                case REFUSE -> requireFinite(gradients);
                case SKIP_STEP -> {
                    skippedSteps++;
                    return;
                }
                case ZERO -> g = finiteOrZero(g);
            }
        }
        INDArray theta = parameters.flat();
        steps++;
        update(theta, g, steps);
        // finite gradients, but an update too large for the data type: said at once, never left silent (undoing
        // it would need copies of the parameters and state before every step, 10-18% of a config A iteration)
        if (!Checks.isFinite(theta)) {
            throw new IllegalStateException("step " + steps + " made the parameters NaN or infinite although the "
                    + "gradients were finite: the update overflows " + theta.dataType() + " (learning rate "
                    + learningRate + "); the parameters are no longer usable: restore them (a checkpoint) and "
                    + "lower the learning rate or clip the gradients");
        }
    }

    /**
     * Refuses a step on NaN or infinite gradients before anything changes (one Java scan of the buffer on the CPU),
     * naming the first parameter whose gradient holds one.
     */
    private static void requireFinite(Parameters gradients) {
        try {
            Checks.finite(gradients.flat(), "gradients");
        } catch (IllegalArgumentException notFinite) {
            String name = gradients.names().stream().filter(n -> {
                try {
                    Checks.finite(gradients.get(n), n);
                    return false;
                } catch (IllegalArgumentException e) {
                    return true;
                }
            }).findFirst().orElse("?");
            throw new IllegalArgumentException("gradients of '" + name + "' contain NaN or infinite values; the "
                    + "parameters and the optimizer state were not changed (clip the gradients or lower the learning "
                    + "rate)");
        }
    }

    /** A copy of {@code g} with every NaN and infinite value replaced by 0. */
    private static INDArray finiteOrZero(INDArray g) {
        INDArray copy = g.dup();
        org.nd4j.linalg.indexing.BooleanIndexing.replaceWhere(copy, 0.0,
                org.nd4j.linalg.indexing.conditions.Conditions.isNan());
        org.nd4j.linalg.indexing.BooleanIndexing.replaceWhere(copy, 0.0,
                org.nd4j.linalg.indexing.conditions.Conditions.isInfinite());
        return copy;
    }

    /** Sets what {@link #step} does with NaN or infinite gradients (default {@link NonFiniteGradients#REFUSE}). */
    public FlatOptimizer nonFiniteGradients(NonFiniteGradients policy) {
        this.nonFiniteGradients = Checks.notNull(policy, "policy");
        return this;
    }

    public NonFiniteGradients nonFiniteGradients() {
        return nonFiniteGradients;
    }

    /** Steps skipped under {@link NonFiniteGradients#SKIP_STEP} since {@link #initialise}. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** Updates {@code theta} in place from {@code g} (never modified) at step {@code t} (from 1). */
    abstract void update(INDArray theta, INDArray g, long t);

    @Override
    public void finalise() {
        layout = null;
        allocate(null);
    }

    /** The name of this optimizer in checkpoint files, e.g. {@code "adam"}; see {@link Optimizers#create}. */
    public abstract String kind();

    /** Every setting, by name, including the current learning rate: what {@link Optimizers#create} takes. */
    public abstract Map<String, Double> hyperparameters();

    /** The live state buffers by name (e.g. Adam's {@code exp_avg}, {@code exp_avg_sq}), after {@link #initialise}. */
    abstract Map<String, INDArray> stateBuffers();

    /** Copies of the state buffers, by name, after {@link #initialise}: with {@link #steps()} all a resume needs. */
    public final Map<String, INDArray> state() {
        requireInitialised();
        Map<String, INDArray> copies = new LinkedHashMap<>();
        stateBuffers().forEach((name, buffer) -> copies.put(name, buffer.dup()));
        return copies;
    }

    /**
     * Continues from a saved {@link #state()} and step count, after {@link #initialise} with the same layout.
     *
     * @throws IllegalArgumentException if names, lengths or data types differ from this optimizer's buffers, or a
     *                                  value is not finite
     */
    public final void restore(Map<String, INDArray> state, long steps) {
        requireInitialised();
        Checks.notNull(state, "state");
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0 but is " + steps);
        }
        Map<String, INDArray> buffers = stateBuffers();
        if (!buffers.keySet().equals(state.keySet())) {
            throw new IllegalArgumentException(kind() + " state must hold " + buffers.keySet() + " but holds "
                    + state.keySet());
        }
        for (Map.Entry<String, INDArray> e : buffers.entrySet()) {
            INDArray saved = state.get(e.getKey());
            String name = "state '" + e.getKey() + "'";
            if (saved.length() != e.getValue().length()) {
                throw new IllegalArgumentException(name + " must have " + e.getValue().length()
                        + " values (the parameter count) but has " + saved.length());
            }
            Checks.finite(saved, name);
        }
        buffers.forEach((name, buffer) -> buffer.assign(state.get(name).reshape(buffer.shape()).castTo(buffer.dataType())));
        this.steps = steps;
    }

    private void requireInitialised() {
        if (layout == null) {
            throw new IllegalStateException("the optimizer state exists only between initialise and finalise");
        }
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    /** Sets the rate used from the next step on (schedules call this). */
    @Override
    public void setLearningRate(double learningRate) {
        this.learningRate = Checks.positiveFinite(learningRate, "learningRate");
    }

    /** Steps taken since {@link #initialise}. */
    public long steps() {
        return steps;
    }

    static double unitInterval(double value, String name) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1) but is " + value);
        }
        return value;
    }

    static void axpy(double alpha, INDArray x, INDArray y) {
        Nd4j.getBlasWrapper().level1().axpy(y.length(), alpha, x, y);
    }
}
