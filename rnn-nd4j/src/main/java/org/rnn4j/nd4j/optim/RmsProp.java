package org.rnn4j.nd4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Checks;

/**
 * RMSProp with {@code torch.optim.RMSprop}'s semantics (no momentum, not centered):
 * {@code g ← g + wd·θ; v ← α·v + (1-α)·g²; θ ← θ - lr·g / (sqrt(v) + ε)}. Defaults: α 0.99, ε 1e-8.
 */
public final class RmsProp extends FlatOptimizer {
    public static final double DEFAULT_ALPHA = 0.99;
    public static final double DEFAULT_EPSILON = 1e-8;
    private final double alpha;
    private final double epsilon;
    private final double weightDecay;
    private INDArray v;
    private INDArray work;
    private INDArray denominator;

    public RmsProp(double learningRate) {
        this(learningRate, DEFAULT_ALPHA, DEFAULT_EPSILON, 0);
    }

    public RmsProp(double learningRate, double alpha, double epsilon, double weightDecay) {
        super(learningRate);
        this.alpha = unitInterval(alpha, "alpha");
        this.epsilon = Checks.positiveFinite(epsilon, "epsilon");
        this.weightDecay = Checks.nonNegativeFinite(weightDecay, "weightDecay");
    }

    @Override
    void allocate(INDArray zeros) {
        v = zeros;
        work = zeros == null ? null : zeros.like().assign(0);
        denominator = zeros == null ? null : zeros.like().assign(0);
    }

    @Override
    void update(INDArray theta, INDArray g, long t) {
        if (weightDecay != 0) {
            g = work.assign(theta).muli(weightDecay).addi(g);
        }
        v.muli(alpha);
        axpy(1 - alpha, g.mul(g, denominator), v);
        Transforms.sqrt(denominator.assign(v), false).addi(epsilon);
        axpy(-learningRate(), g.div(denominator, denominator), theta);
    }

    @Override
    public String kind() {
        return "rmsprop";
    }

    @Override
    public Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr", learningRate());
        h.put("alpha", alpha);
        h.put("eps", epsilon);
        h.put("weight_decay", weightDecay);
        return h;
    }

    @Override
    Map<String, INDArray> stateBuffers() {
        return Map.of("square_avg", v);
    }
}
