package org.rnn4j.nd4j.optim;

import java.lang.ref.Reference;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Checks;
import org.rnn4j.nd4j.internal.HostArray;
import org.rnn4j.nd4j.internal.PartitionRunner;

/**
 * Adam (Kingma and Ba 2015) with {@code torch.optim.Adam}'s semantics, and AdamW ({@code torch.optim.AdamW},
 * Loshchilov and Hutter 2019) when built with {@link #adamW}. Step {@code t}:
 * <pre>
 *   Adam:  g ← g + weightDecay·θ                  AdamW:  θ ← θ·(1 - lr·weightDecay)
 *   m ← β1·m + (1-β1)·g          v ← β2·v + (1-β2)·g²
 *   θ ← θ - lr / (1-β1^t) · m / (sqrt(v) / sqrt(1-β2^t) + ε)
 * </pre>
 * Works on the flat parameter buffer with preallocated state: on the CPU one Java pass over the host memory, elsewhere
 * about a dozen native calls per step, whatever the model (tested equal). Defaults (PyTorch's): β1 0.9, β2 0.999,
 * ε 1e-8, weight decay 0 (Adam) or 0.01 (AdamW).
 */
public final class Adam extends FlatOptimizer {
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;
    public static final double DEFAULT_ADAMW_WEIGHT_DECAY = 0.01;

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final boolean decoupled;
    private INDArray m;
    private INDArray v;
    private INDArray work;
    private INDArray denominator;

    public Adam(double learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, 0);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        this(learningRate, beta1, beta2, epsilon, weightDecay, false);
    }

    private Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
                 boolean decoupled) {
        super(learningRate);
        this.beta1 = unitInterval(beta1, "beta1");
        this.beta2 = unitInterval(beta2, "beta2");
        this.epsilon = Checks.positiveFinite(epsilon, "epsilon");
        this.weightDecay = Checks.nonNegativeFinite(weightDecay, "weightDecay");
        this.decoupled = decoupled;
    }

    /** AdamW: weight decay applied to the parameters, not added to the gradient. */
    public static Adam adamW(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        return new Adam(learningRate, beta1, beta2, epsilon, weightDecay, true);
    }

    public static Adam adamW(double learningRate) {
        return adamW(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, DEFAULT_ADAMW_WEIGHT_DECAY);
    }

    @Override
    void allocate(INDArray zeros) {
        m = zeros;
        v = zeros == null ? null : zeros.like().assign(0);
        work = zeros == null ? null : zeros.like().assign(0);
        denominator = zeros == null ? null : zeros.like().assign(0);
    }

    @Override
    void update(INDArray theta, INDArray g, long t) {
        if (HostArray.readable(theta, g, m, v)) {
            updateOnHost(HostArray.of(theta), HostArray.of(g), HostArray.of(m), HostArray.of(v), t);
            return;
        }
        double lr = learningRate();
        if (weightDecay != 0 && decoupled) {
            theta.muli(1 - lr * weightDecay);
        } else if (weightDecay != 0) {
            g = work.assign(theta).muli(weightDecay).addi(g);
        }
        m.muli(beta1);
        axpy(1 - beta1, g, m);
        v.muli(beta2);
        axpy(1 - beta2, g.mul(g, work), v);
        Transforms.sqrt(denominator.assign(v), false).divi(Math.sqrt(1 - Math.pow(beta2, t))).addi(epsilon);
        axpy(-lr / (1 - Math.pow(beta1, t)), m.div(denominator, work), theta);
    }

    /**
     * The update in one Java pass over the CPU host memory:
     * nothing allocated, no native call, and one pass instead of the INDArray path's eight. Typed loops, and float
     * arithmetic for float parameters ({@link FloatAdamStep}: as torch computes them, on the Vector API where the JVM
     * has it); split over the threads of a pass ({@link PartitionRunner#forRanges}) on large models.
     */
    /** Parameters per thread below which waking a second thread costs more than it saves. */
    private static final int MIN_RANGE = 1 << 16;

    private void updateOnHost(HostArray theta, HostArray g, HostArray m, HostArray v, long t) {
        double lr = learningRate();
        double keep = decoupled ? 1 - lr * weightDecay : 1;
        double l2 = decoupled ? 0 : weightDecay;
        double stepSize = lr / (1 - Math.pow(beta1, t));
        double correction = Math.sqrt(1 - Math.pow(beta2, t));
        if (theta.floats() != null) {
            FloatBuffer th = theta.floats();
            FloatBuffer gr = g.floats();
            FloatBuffer m1 = m.floats();
            FloatBuffer v1 = v.floats();
            FloatAdamStep h = new FloatAdamStep((float) beta1, (float) beta2, (float) (1 - beta1),
                    (float) (1 - beta2), (float) l2, (float) keep, (float) stepSize, (float) correction,
                    (float) epsilon);
            PartitionRunner.forRanges(th.limit(), MIN_RANGE, (from, to) -> h.run(th, gr, m1, v1, from, to));
            Reference.reachabilityFence(theta); // the loop holds only buffers, which keep no array alive
            Reference.reachabilityFence(g);
            return;
        }
        DoubleBuffer th = theta.doubles();
        DoubleBuffer gr = g.doubles();
        DoubleBuffer m1 = m.doubles();
        DoubleBuffer v1 = v.doubles();
        PartitionRunner.forRanges(th.limit(), MIN_RANGE, (from, to) -> {
            for (int i = from; i < to; i++) {
                double p = th.get(i);
                double gi = gr.get(i) + l2 * p;
                double mi = beta1 * m1.get(i) + (1 - beta1) * gi;
                double vi = beta2 * v1.get(i) + (1 - beta2) * gi * gi;
                m1.put(i, mi);
                v1.put(i, vi);
                th.put(i, p * keep - stepSize * mi / (Math.sqrt(vi) / correction + epsilon));
            }
        });
        Reference.reachabilityFence(theta);
        Reference.reachabilityFence(g);
    }

    @Override
    public String kind() {
        return decoupled ? "adamw" : "adam";
    }

    @Override
    public Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr", learningRate());
        h.put("beta1", beta1);
        h.put("beta2", beta2);
        h.put("eps", epsilon);
        h.put("weight_decay", weightDecay);
        return h;
    }

    @Override
    Map<String, INDArray> stateBuffers() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        s.put("exp_avg", m);
        s.put("exp_avg_sq", v);
        return s;
    }
}
