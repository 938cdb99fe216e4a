package org.rnn4j.nd4j.optim;

import org.rnn4j.api.Checks;
import org.rnn4j.api.Optimizer;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

/** Plain stochastic gradient descent, {@code θ ← θ - lr · g}, as {@code torch.optim.SGD(lr=lr)}. */
public final class Sgd implements Optimizer {
    private final double learningRate;
    private ParameterLayout layout;

    public Sgd(double learningRate) {
        this.learningRate = Checks.positiveFinite(learningRate, "learningRate");
    }

    @Override
    public void initialise(Parameters parameters) {
        this.layout = Checks.notNull(parameters, "parameters").layout();
    }

    @Override
    public void step(Parameters parameters, Parameters gradients) {
        if (layout == null) {
            throw new IllegalStateException("step called before initialise");
        }
        Checks.notNull(parameters, "parameters");
        Checks.notNull(gradients, "gradients");
        if (!layout.equals(parameters.layout()) || !layout.equals(gradients.layout())) {
            throw new IllegalArgumentException("parameters and gradients must have the initialised layout " + layout);
        }
        parameters.flat().subi(gradients.flat().mul(learningRate));
    }

    @Override
    public void finalise() {
        layout = null;
    }

    public double learningRate() {
        return learningRate;
    }
}
