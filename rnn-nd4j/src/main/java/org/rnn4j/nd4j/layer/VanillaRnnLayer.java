package org.rnn4j.nd4j.layer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.Activations;
import org.rnn4j.nd4j.Backend;
import org.rnn4j.nd4j.cell.CellChecks;
import org.rnn4j.nd4j.cell.VanillaRnn;

/**
 * The fused sequence kernel of {@link VanillaRnn}: the same equations as {@link org.rnn4j.nd4j.cell.VanillaRnnCell},
 * arranged so that a step costs two native calls.
 * <ul>
 *   <li>forward: the input projection of all {@code T} steps is one GEMM into the {@code [T*B, H]} buffer of
 *       pre-activations (biases added once); each step then adds {@code h_{t-1} · W_hhᵀ} into its own row block with
 *       one GEMM ({@code beta = 1}) and applies the activation in place, so the buffer ends up holding every
 *       {@code h_t};</li>
 *   <li>backward: the activation derivatives of all steps come from the cached outputs in one or two calls; each step
 *       multiplies its row block of {@code dL/dpre} by them and pushes it into the previous block with one GEMM;
 *       the weight gradients of the whole sequence are then one GEMM per weight and {@code dL/dx} is one GEMM.</li>
 * </ul>
 * Nothing of the forward pass is recomputed in the backward pass.
 */
public final class VanillaRnnLayer implements SequenceLayer {
    private final VanillaRnn spec;
    private final Parameters parameters;
    private final Parameters gradients;

    public VanillaRnnLayer(VanillaRnn spec, Parameters parameters, Parameters gradients) {
        Backend.ensureReady();
        this.spec = spec;
        this.parameters = CellChecks.layout(parameters, spec.layout(), "parameters");
        this.gradients = CellChecks.sameLayout(gradients, parameters, "gradients");
    }

    @Override
    public Trace forward(INDArray input, State initial) {
        Inputs.sequence(input, "input", spec.inputSize(), dataType());
        long steps = input.size(0);
        long batch = input.size(1);
        Inputs.state(initial, "initial", 1, batch, spec.hiddenSize(), dataType());

        INDArray x = Inputs.contiguous(input).reshape('c', steps * batch, spec.inputSize());
        INDArray hs = Nd4j.create(dataType(), new long[] {steps * batch, spec.hiddenSize()}, 'c');
        Nd4j.gemm(x, w("weight_ih"), hs, false, true, 1.0, 0.0);
        if (spec.bias()) {
            hs.addiRowVector(w("bias_ih").add(w("bias_hh")));
        }
        INDArray previous = initial == null ? null : initial.hidden();
        for (long t = 0; t < steps; t++) {
            INDArray rows = rows(hs, t, batch);
            if (previous != null) {
                Nd4j.gemm(previous, w("weight_hh"), rows, false, true, 1.0, 1.0);
            }
            Activations.applyInPlace(spec.activation(), rows);
            previous = rows;
        }
        return new FusedTrace(this, x, initial == null ? null : initial.hidden(), hs, steps, batch);
    }

    @Override
    public Gradient backward(Trace trace, INDArray outputGradients, State finalStateGradient) {
        FusedTrace f = FusedTrace.from(trace, this);
        long steps = f.steps;
        long batch = f.batch;
        long hidden = spec.hiddenSize();
        Inputs.gradient(outputGradients, "outputGradients", "[time, batch, outputSize]", dataType(),
                steps, batch, hidden);
        Inputs.state(finalStateGradient, "finalStateGradient", 1, batch, hidden, dataType());

        INDArray dPre = outputGradients == null
                ? Nd4j.zeros(dataType(), steps * batch, hidden)
                : outputGradients.dup('c').reshape('c', steps * batch, hidden);
        if (finalStateGradient != null) {
            rows(dPre, steps - 1, batch).addi(finalStateGradient.hidden());
        }
        INDArray derivative = Activations.derivativeFromOutput(spec.activation(), f.hs);
        for (long t = steps - 1; t >= 0; t--) {
            INDArray d = rows(dPre, t, batch);
            if (derivative != null) {
                d.muli(rows(derivative, t, batch));
            }
            if (t > 0) {
                Nd4j.gemm(d, w("weight_hh"), rows(dPre, t - 1, batch), false, false, 1.0, 1.0);
            }
        }

        INDArray first = rows(dPre, 0, batch);
        Nd4j.gemm(dPre, f.x, g("weight_ih"), true, false, 1.0, 1.0);
        if (steps > 1) {
            INDArray later = dPre.get(NDArrayIndex.interval(batch, steps * batch), NDArrayIndex.all());
            INDArray earlier = f.hs.get(NDArrayIndex.interval(0, (steps - 1) * batch), NDArrayIndex.all());
            Nd4j.gemm(later, earlier, g("weight_hh"), true, false, 1.0, 1.0);
        }
        if (f.h0 != null) {
            Nd4j.gemm(first, f.h0, g("weight_hh"), true, false, 1.0, 1.0);
        }
        if (spec.bias()) {
            INDArray db = dPre.sum(0);
            g("bias_ih").addi(db);
            g("bias_hh").addi(db);
        }
        INDArray dx = Nd4j.create(dataType(), new long[] {steps * batch, spec.inputSize()}, 'c');
        Nd4j.gemm(dPre, w("weight_ih"), dx, false, false, 1.0, 0.0);
        INDArray dh0 = Nd4j.create(dataType(), new long[] {batch, hidden}, 'c');
        Nd4j.gemm(first, w("weight_hh"), dh0, false, false, 1.0, 0.0);
        return new Gradient(dx.reshape('c', steps, batch, spec.inputSize()), State.of(dh0));
    }

    /** Row block {@code t} ({@code [batch, features]}) of a {@code [T*batch, features]} c-order buffer: a view. */
    static INDArray rows(INDArray buffer, long t, long batch) {
        return buffer.get(NDArrayIndex.interval(t * batch, (t + 1) * batch), NDArrayIndex.all());
    }

    private INDArray w(String name) {
        return parameters.get(name);
    }

    private INDArray g(String name) {
        return gradients.get(name);
    }

    public VanillaRnn spec() {
        return spec;
    }

    @Override
    public int inputSize() {
        return spec.inputSize();
    }

    @Override
    public int hiddenSize() {
        return spec.hiddenSize();
    }

    @Override
    public int outputSize() {
        return spec.hiddenSize();
    }

    @Override
    public int stateArity() {
        return 1;
    }

    @Override
    public DataType dataType() {
        return parameters.dataType();
    }

    @Override
    public Parameters parameters() {
        return parameters;
    }

    @Override
    public Parameters gradients() {
        return gradients;
    }

    /** Holds the inputs as {@code [T*B, I]}, the initial hidden state and every {@code h_t} as {@code [T*B, H]}. */
    private record FusedTrace(VanillaRnnLayer owner, INDArray x, INDArray h0, INDArray hs, long steps, long batch)
            implements Trace {
        static FusedTrace from(Trace trace, VanillaRnnLayer owner) {
            if (!(trace instanceof FusedTrace t) || t.owner != owner) {
                throw new IllegalArgumentException("trace must come from this layer's forward");
            }
            return t;
        }

        @Override
        public INDArray outputs() {
            return hs.reshape('c', steps, batch, hs.size(1));
        }

        @Override
        public State finalState() {
            return State.of(rows(hs, steps - 1, batch));
        }
    }
}
