package org.rnn4j.nd4j.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;

/**
 * Stochastic gradient descent with {@code torch.optim.SGD}'s semantics:
 * <pre>
 *   g ← g + weightDecay·θ
 *   b ← g (first step), else μ·b + (1 - dampening)·g          (with momentum μ > 0)
 *   g ← g + μ·b (Nesterov) or b
 *   θ ← θ - lr·g
 * </pre>
 * Defaults: no momentum, no dampening, no Nesterov, no weight decay.
 */
public final class Sgd extends FlatOptimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;
    private INDArray buffer;
    private INDArray work;

    public Sgd(double learningRate) {
        this(learningRate, 0, 0, false, 0);
    }

    public Sgd(double learningRate, double momentum, double dampening, boolean nesterov, double weightDecay) {
        super(learningRate);
        this.momentum = unitInterval(momentum, "momentum");
        this.dampening = unitInterval(dampening, "dampening");
        this.weightDecay = Checks.nonNegativeFinite(weightDecay, "weightDecay");
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov needs momentum > 0 and dampening = 0");
        }
        this.nesterov = nesterov;
    }

    @Override
    void allocate(INDArray zeros) {
        buffer = zeros == null ? null : zeros.like().assign(0);
        work = zeros;
    }

    @Override
    void update(INDArray theta, INDArray g, long t) {
        INDArray d = g;
        if (weightDecay != 0) {
            d = work.assign(theta).muli(weightDecay).addi(g);
        }
        if (momentum != 0) {
            if (t == 1) {
                buffer.assign(d);
            } else {
                buffer.muli(momentum);
                axpy(1 - dampening, d, buffer);
            }
            if (nesterov) {
                d = (d == work ? work : work.assign(d));
                axpy(momentum, buffer, d);
            } else {
                d = buffer;
            }
        }
        axpy(-learningRate(), d, theta);
    }

    @Override
    public String kind() {
        return "sgd";
    }

    @Override
    public Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr", learningRate());
        h.put("momentum", momentum);
        h.put("dampening", dampening);
        h.put("nesterov", nesterov ? 1.0 : 0.0);
        h.put("weight_decay", weightDecay);
        return h;
    }

    @Override
    Map<String, INDArray> stateBuffers() {
        return Map.of("momentum_buffer", buffer);
    }
}
