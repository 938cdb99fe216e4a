package org.rnn4j.nd4j.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.engine.FusedRecurrentLayer;
import org.rnn4j.nd4j.internal.Inputs;
import org.rnn4j.nd4j.internal.ParameterOwner;
import org.rnn4j.nd4j.internal.Stepper;

/** The {@link SequenceLayer} of a {@link StackedRnn}: one {@link RecurrentLayer} per (layer, direction). */
public final class StackedRnnLayer extends ParameterOwner implements SequenceLayer {
    private final StackedRnn spec;
    private final SequenceLayer[][] layers;
    private final int cellArity;
    private final Dropout dropout;

    StackedRnnLayer(StackedRnn spec, Parameters parameters, Parameters gradients) {
        super(parameters, gradients, spec.layout());
        this.spec = spec;
        this.cellArity = spec.cell().stateArity();
        this.layers = new SequenceLayer[spec.layers()][spec.directions()];
        for (int k = 0; k < spec.layers(); k++) {
            for (int d = 0; d < spec.directions(); d++) {
                String prefix = StackedRnn.prefix(k, d);
                layers[k][d] = RecurrentLayer.of(spec.layerCell(k)).create(parameters.part(prefix), gradients.part(prefix));
            }
        }
        this.dropout = spec.dropout() > 0 ? new Dropout(spec.dropout(), spec.seed()) : null;
    }

    /** Makes the dropout masks of the next training pass those of pass {@code pass} (see {@link Dropout}). */
    public void startTrainingPass(long pass) {
        startTrainingPass(pass, null);
    }

    /** As {@link #startTrainingPass(long)}, for a pass that computes the rows of {@code frame} of a larger batch. */
    public void startTrainingPass(long pass, DropoutFrame frame) {
        if (dropout != null) {
            dropout.startPass(pass, frame);
        }
    }

    /** The layer of stack level {@code k}, direction {@code d} (0 forward, 1 reverse). */
    public SequenceLayer layer(int k, int d) {
        return layers[k][d];
    }

    @Override
    public Trace forward(INDArray input, int[] lengths, State initial, boolean training) {
        Inputs.sequence(input, "input", spec.inputSize(), dataType());
        long steps = input.size(0);
        long batch = input.size(1);
        Inputs.lengths(lengths, steps, batch);
        Inputs.state(initial, "initial", stateArity(), batch, hiddenSize(), dataType());
        int[] reversal = spec.bidirectional() ? reversalIndex(lengths, steps, batch) : null;

        StackTrace trace = new StackTrace(this, lengths, reversal, spec.layers(), spec.directions());
        INDArray x = Inputs.contiguous(input);
        for (int k = 0; k < spec.layers(); k++) {
            Trace forward = layers[k][0].forward(x, lengths, initialPart(initial, k, 0), training);
            trace.traces[k][0] = forward;
            INDArray out = forward.outputs();
            if (spec.bidirectional()) {
                Trace reverse = layers[k][1].forward(reorder(x, reversal), lengths, initialPart(initial, k, 1),
                        training);
                trace.traces[k][1] = reverse;
                INDArray back = reorder(reverse.outputs(), reversal);
                out = spec.merge() == StackedRnn.Merge.CONCAT ? Nd4j.concat(2, out, back) : out.add(back);
            }
            if (training && spec.dropout() > 0 && k < spec.layers() - 1) {
                trace.dropoutMasks[k] = dropout.mask(out.shape(), dataType());
                out = out.mul(trace.dropoutMasks[k]);
            }
            x = out;
        }
        trace.outputs = x;
        return trace;
    }

    @Override
    public Gradient backward(Trace trace, INDArray outputGradients, State finalStateGradient) {
        return backward(trace, outputGradients, finalStateGradient, true);
    }

    @Override
    public void backwardParameters(Trace trace, INDArray outputGradients, State finalStateGradient) {
        backward(trace, outputGradients, finalStateGradient, false);
    }

    /** With {@code inputGradients} false the first layer computes only its parameter gradients (returns null). */
    private Gradient backward(Trace trace, INDArray outputGradients, State finalStateGradient,
                              boolean inputGradients) {
        StackTrace s = StackTrace.from(trace, this);
        long steps = s.outputs.size(0);
        long batch = s.outputs.size(1);
        Inputs.gradient(outputGradients, "outputGradients", "[time, batch, outputSize]", dataType(),
                steps, batch, outputSize());
        Inputs.state(finalStateGradient, "finalStateGradient", stateArity(), batch, hiddenSize(), dataType());
        long width = spec.cell().outputSize(); // one direction's outputs
        INDArray d = outputGradients == null ? null : Inputs.contiguous(outputGradients); // null: zero
        INDArray[] initialGradients = new INDArray[stateArity()];
        for (int k = spec.layers() - 1; k >= 0; k--) {
            if (s.dropoutMasks[k] != null && d != null) {
                d = d.mul(s.dropoutMasks[k]);
            }
            INDArray dForward = d;
            INDArray dReverse = d;
            if (d != null && spec.bidirectional() && spec.merge() == StackedRnn.Merge.CONCAT) {
                dForward = d.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, width)).dup('c');
                dReverse = d.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(width, 2 * width))
                        .dup('c');
            }
            if (k == 0 && !inputGradients) {
                layers[0][0].backwardParameters(s.traces[0][0], dForward, finalPart(finalStateGradient, 0, 0));
                if (spec.bidirectional()) {
                    layers[0][1].backwardParameters(s.traces[0][1], dReverse == null ? null
                            : reorder(dReverse, s.reversal), finalPart(finalStateGradient, 0, 1));
                }
                return null;
            }
            Gradient gf = layers[k][0].backward(s.traces[k][0], dForward, finalPart(finalStateGradient, k, 0));
            store(initialGradients, gf.initialStateGradient(), k, 0);
            INDArray dx = gf.inputGradients();
            if (spec.bidirectional()) {
                Gradient gr = layers[k][1].backward(s.traces[k][1], dReverse == null ? null
                                : reorder(dReverse, s.reversal),
                        finalPart(finalStateGradient, k, 1));
                store(initialGradients, gr.initialStateGradient(), k, 1);
                dx = dx.addi(reorder(gr.inputGradients(), s.reversal));
            }
            d = dx;
        }
        return new Gradient(d, State.of(initialGradients));
    }

    /**
     * A {@link Stepper} through every layer, for streaming; {@code null} when a layer has no stepper or the stack is
     * bidirectional (the reverse direction needs the whole sequence).
     */
    public Stepper stepper(long batch) {
        if (spec.bidirectional()) {
            return null;
        }
        Stepper[] steppers = new Stepper[spec.layers()];
        for (int k = 0; k < steppers.length; k++) {
            if (!(layers[k][0] instanceof FusedRecurrentLayer fused)) {
                return null;
            }
            steppers[k] = fused.stepper(batch);
        }
        return new Stepper() {
            @Override
            public INDArray step(INDArray x) {
                INDArray out = x;
                for (Stepper s : steppers) {
                    out = s.step(out);
                }
                return out;
            }

            @Override
            public State state() {
                INDArray[] parts = new INDArray[stateArity()];
                for (int k = 0; k < steppers.length; k++) {
                    store(parts, steppers[k].state(), k, 0);
                }
                return State.of(parts);
            }

            @Override
            public void reset() {
                for (Stepper s : steppers) {
                    s.reset();
                }
            }
        };
    }

    /**
     * Row (t, b) of the reversed sequence reads row (len_b - 1 - t, b); padded rows stay in place. Applying the
     * same permutation twice gives the original order back.
     */
    private static int[] reversalIndex(int[] lengths, long steps, long batch) {
        int[] index = new int[Math.toIntExact(steps * batch)];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                int len = lengths == null ? (int) steps : lengths[b];
                int source = t < len ? len - 1 - t : t;
                index[Math.toIntExact(t * batch + b)] = Math.toIntExact(source * batch + b);
            }
        }
        return index;
    }

    private static INDArray reorder(INDArray sequence, int[] index) {
        long[] shape = sequence.shape();
        INDArray rows = Inputs.contiguous(sequence).reshape('c', shape[0] * shape[1], shape[2]);
        return Nd4j.pullRows(rows, 1, index, 'c').reshape('c', shape);
    }

    private State initialPart(State initial, int k, int d) {
        return initial == null ? null : slice(initial, k, d);
    }

    private State finalPart(State finalGradient, int k, int d) {
        return finalGradient == null ? null : slice(finalGradient, k, d);
    }

    private State slice(State state, int k, int d) {
        INDArray[] parts = new INDArray[cellArity];
        int base = (k * spec.directions() + d) * cellArity;
        for (int p = 0; p < cellArity; p++) {
            parts[p] = state.get(base + p);
        }
        return State.of(parts);
    }

    private void store(INDArray[] target, State part, int k, int d) {
        int base = (k * spec.directions() + d) * cellArity;
        for (int p = 0; p < cellArity; p++) {
            target[base + p] = part.get(p);
        }
    }

    public StackedRnn spec() {
        return spec;
    }

    @Override
    public int inputSize() {
        return spec.inputSize();
    }

    @Override
    public int hiddenSize() {
        return spec.cell().hiddenSize();
    }

    @Override
    public int outputSize() {
        return spec.outputSize();
    }

    /** {@code layers × directions × cellArity} parts (see {@link StackedRnn}). */
    @Override
    public int stateArity() {
        return spec.layers() * spec.directions() * cellArity;
    }




    private static final class StackTrace implements Trace {
        final StackedRnnLayer owner;
        final int[] lengths;
        final int[] reversal;
        final Trace[][] traces;
        final INDArray[] dropoutMasks;
        INDArray outputs;
        private State finalState;

        StackTrace(StackedRnnLayer owner, int[] lengths, int[] reversal, int layers, int directions) {
            this.owner = owner;
            this.lengths = lengths;
            this.reversal = reversal;
            this.traces = new Trace[layers][directions];
            this.dropoutMasks = new INDArray[layers];
        }

        static StackTrace from(Trace trace, StackedRnnLayer owner) {
            Checks.notNull(trace, "trace");
            if (!(trace instanceof StackTrace t) || t.owner != owner) {
                throw new IllegalArgumentException("trace must come from this layer's forward");
            }
            return t;
        }

        @Override
        public INDArray outputs() {
            return outputs;
        }

        @Override
        public State finalState() {
            if (finalState == null) {
                INDArray[] parts = new INDArray[owner.stateArity()];
                for (int k = 0; k < traces.length; k++) {
                    for (int d = 0; d < traces[k].length; d++) {
                        owner.store(parts, traces[k][d].finalState(), k, d);
                    }
                }
                finalState = State.of(parts);
            }
            return finalState;
        }
    }
}
