package org.rnn4j.nd4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Checks;

/**
 * Adagrad with {@code torch.optim.Adagrad}'s semantics: {@code g ← g + wd·θ; s ← s + g²;
 * θ ← θ - lr / (1 + (t-1)·lrDecay) · g / (sqrt(s) + ε)}. Defaults: no decay, ε 1e-10.
 */
public final class Adagrad extends FlatOptimizer {
    public static final double DEFAULT_EPSILON = 1e-10;
    private final double learningRateDecay;
    private final double epsilon;
    private final double weightDecay;
    private INDArray sum;
    private INDArray work;
    private INDArray denominator;

    public Adagrad(double learningRate) {
        this(learningRate, 0, 0, DEFAULT_EPSILON);
    }

    public Adagrad(double learningRate, double learningRateDecay, double weightDecay, double epsilon) {
        super(learningRate);
        this.learningRateDecay = Checks.nonNegativeFinite(learningRateDecay, "learningRateDecay");
        this.weightDecay = Checks.nonNegativeFinite(weightDecay, "weightDecay");
        this.epsilon = Checks.positiveFinite(epsilon, "epsilon");
    }

    @Override
    void allocate(INDArray zeros) {
        sum = zeros;
        work = zeros == null ? null : zeros.like().assign(0);
        denominator = zeros == null ? null : zeros.like().assign(0);
    }

    @Override
    void update(INDArray theta, INDArray g, long t) {
        if (weightDecay != 0) {
            g = work.assign(theta).muli(weightDecay).addi(g);
        }
        sum.addi(g.mul(g, denominator));
        Transforms.sqrt(denominator.assign(sum), false).addi(epsilon);
        double rate = learningRate() / (1 + (t - 1) * learningRateDecay);
        axpy(-rate, g.div(denominator, denominator), theta);
    }

    @Override
    public String kind() {
        return "adagrad";
    }

    @Override
    public Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr", learningRate());
        h.put("lr_decay", learningRateDecay);
        h.put("weight_decay", weightDecay);
        h.put("eps", epsilon);
        return h;
    }

    @Override
    Map<String, INDArray> stateBuffers() {
        return Map.of("sum", sum);
    }
}
