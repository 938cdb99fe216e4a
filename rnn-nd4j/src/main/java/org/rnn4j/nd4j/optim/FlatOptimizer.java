package org.rnn4j.nd4j.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Optimizer;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

/**
 * What the optimizers share: the lifecycle checks and state buffers shaped like the flat parameter buffer, and a
 * learning rate that a {@link LearningRateSchedule} may change between steps.
 */
abstract class FlatOptimizer implements Optimizer {
    private double learningRate;
    private ParameterLayout layout;
    private long steps;

    FlatOptimizer(double learningRate) {
        this.learningRate = Checks.positiveFinite(learningRate, "learningRate");
    }

    @Override
    public final void initialise(Parameters parameters) {
        Checks.notNull(parameters, "parameters");
        layout = parameters.layout();
        steps = 0;
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
        steps++;
        update(parameters.flat(), gradients.flat(), steps);
    }

    /** Updates {@code theta} in place from {@code g} (never modified) at step {@code t} (from 1). */
    abstract void update(INDArray theta, INDArray g, long t);

    @Override
    public void finalise() {
        layout = null;
        allocate(null);
    }

    public double learningRate() {
        return learningRate;
    }

    /** Sets the rate used from the next step on (schedules call this). */
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
