package org.rnn4j.nd4j.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Optimizer;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

/**
 * Adam (Kingma and Ba 2015) with {@code torch.optim.Adam}'s semantics, including its L2 {@code weight_decay} (added
 * to the gradient). Step {@code t}:
 * <pre>
 *   g ← g + weightDecay·θ
 *   m ← β1·m + (1-β1)·g          v ← β2·v + (1-β2)·g²
 *   θ ← θ - lr / (1-β1^t) · m / (sqrt(v) / sqrt(1-β2^t) + ε)
 * </pre>
 * Works on the flat parameter buffer with preallocated state: about a dozen native calls per step, whatever the
 * model. Defaults (PyTorch's): β1 0.9, β2 0.999, ε 1e-8, no weight decay.
 */
public final class Adam implements Optimizer {
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private ParameterLayout layout;
    private INDArray m;
    private INDArray v;
    private INDArray work;
    private INDArray denominator;
    private long step;

    public Adam(double learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, 0);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        this.learningRate = Checks.positiveFinite(learningRate, "learningRate");
        this.beta1 = unitInterval(beta1, "beta1");
        this.beta2 = unitInterval(beta2, "beta2");
        this.epsilon = Checks.positiveFinite(epsilon, "epsilon");
        this.weightDecay = Checks.nonNegativeFinite(weightDecay, "weightDecay");
    }

    private static double unitInterval(double value, String name) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1) but is " + value);
        }
        return value;
    }

    @Override
    public void initialise(Parameters parameters) {
        Checks.notNull(parameters, "parameters");
        layout = parameters.layout();
        m = Nd4j.zeros(parameters.dataType(), layout.size());
        v = Nd4j.zeros(parameters.dataType(), layout.size());
        work = Nd4j.zeros(parameters.dataType(), layout.size());
        denominator = Nd4j.zeros(parameters.dataType(), layout.size());
        step = 0;
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
        step++;
        INDArray theta = parameters.flat();
        INDArray g = gradients.flat();
        long n = theta.length();
        if (weightDecay != 0) {
            g = work.assign(theta).muli(weightDecay).addi(g);
        }
        m.muli(beta1);
        Nd4j.getBlasWrapper().level1().axpy(n, 1 - beta1, g, m);
        v.muli(beta2);
        INDArray square = g.mul(g, work);
        Nd4j.getBlasWrapper().level1().axpy(n, 1 - beta2, square, v);
        Transforms.sqrt(denominator.assign(v), false).divi(Math.sqrt(1 - Math.pow(beta2, step))).addi(epsilon);
        INDArray direction = m.div(denominator, work);
        Nd4j.getBlasWrapper().level1().axpy(n, -learningRate / (1 - Math.pow(beta1, step)), direction, theta);
    }

    @Override
    public void finalise() {
        layout = null;
        m = null;
        v = null;
        work = null;
        denominator = null;
    }

    /** Steps taken since {@link #initialise}. */
    public long steps() {
        return step;
    }
}
