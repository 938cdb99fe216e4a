package org.rnn4j.nd4j.layer;

import java.util.concurrent.atomic.AtomicBoolean;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Cell;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.internal.Backend;
import org.rnn4j.nd4j.internal.Inputs;

/**
 * Runs any {@link Cell} over a sequence, one {@code forward} call per step, and backpropagates through time one
 * {@code backward} call per step. It is the readable reference that fused kernels are tested against, and the way to
 * use a cell of your own in a model. It is not fast: each step makes several native calls.
 */
public final class CellLoop implements SequenceLayer {
    private final Cell cell;

    public CellLoop(Cell cell) {
        Backend.ensureReady();
        this.cell = Checks.notNull(cell, "cell");
    }

    public Cell cell() {
        return cell;
    }

    @Override
    public Trace forward(INDArray input, int[] lengths, State initial, boolean training) {
        Inputs.sequence(input, "input", cell.inputSize(), dataType());
        long steps = input.size(0);
        long batch = input.size(1);
        Inputs.lengths(lengths, steps, batch);
        State state = Inputs.state(initial, "initial", cell.stateArity(), batch, cell.hiddenSize(), dataType());
        if (state == null) {
            state = State.zeros(cell.stateArity(), batch, cell.hiddenSize(), dataType());
        }
        INDArray x = Inputs.contiguous(input);
        INDArray outputs = Nd4j.create(dataType(), steps, batch, cell.outputSize());
        Cell.Step[] trace = new Cell.Step[Math.toIntExact(steps)];
        INDArray[] masks = new INDArray[trace.length];
        for (int t = 0; t < steps; t++) {
            trace[t] = cell.forward(state, at(x, t).dup());
            masks[t] = mask(lengths, t);
            if (masks[t] == null) {
                at(outputs, t).assign(trace[t].output());
                state = trace[t].next();
            } else { // padded rows keep their state and output zero
                at(outputs, t).assign(trace[t].output().mulColumnVector(masks[t]));
                INDArray[] parts = new INDArray[state.arity()];
                for (int k = 0; k < parts.length; k++) {
                    INDArray previous = state.get(k);
                    parts[k] = trace[t].next().get(k).sub(previous).muliColumnVector(masks[t]).addi(previous);
                }
                state = State.of(parts);
            }
        }
        return new LoopTrace(this, outputs, state, trace, masks, new AtomicBoolean());
    }

    @Override
    public Gradient backward(Trace trace, INDArray outputGradients, State finalStateGradient) {
        LoopTrace loop = LoopTrace.from(trace, this);
        long steps = loop.steps.length;
        long batch = loop.outputs.size(1);
        Inputs.gradient(outputGradients, "outputGradients", "[time, batch, outputSize]", dataType(),
                steps, batch, cell.outputSize());
        Inputs.state(finalStateGradient, "finalStateGradient", cell.stateArity(), batch, cell.hiddenSize(),
                dataType());
        if (!loop.used().compareAndSet(false, true)) {
            throw new IllegalArgumentException("trace was already passed to backward");
        }
        INDArray inputGradients = Nd4j.create(dataType(), steps, batch, cell.inputSize());
        INDArray dOutputs = outputGradients == null ? null : Inputs.contiguous(outputGradients);
        State dNext = finalStateGradient;
        for (int t = Math.toIntExact(steps) - 1; t >= 0; t--) {
            INDArray dOut = outputGradients == null ? null : at(dOutputs, t);
            INDArray m = loop.masks[t];
            if (m == null) {
                Cell.StepGradient g = cell.backward(loop.steps[t], dOut, dNext);
                at(inputGradients, t).assign(g.inputGradient());
                dNext = g.previousStateGradient();
                continue;
            }
            Cell.StepGradient g = cell.backward(loop.steps[t], dOut == null ? null : dOut.mulColumnVector(m),
                    dNext == null ? null : scale(dNext, m));
            at(inputGradients, t).assign(g.inputGradient());
            INDArray[] parts = new INDArray[cell.stateArity()];
            for (int k = 0; k < parts.length; k++) { // padded rows pass the gradient straight through
                INDArray through = dNext == null ? null : dNext.get(k).mulColumnVector(m.rsub(1));
                parts[k] = through == null ? g.previousStateGradient().get(k)
                        : g.previousStateGradient().get(k).add(through);
            }
            dNext = State.of(parts);
        }
        return new Gradient(inputGradients, dNext);
    }

    /** {@code [B, 1]} with 1 where step t is valid, or null when it is valid for every sequence. */
    private INDArray mask(int[] lengths, int t) {
        if (lengths == null || java.util.Arrays.stream(lengths).allMatch(l -> l > t)) {
            return null;
        }
        double[] m = new double[lengths.length];
        for (int b = 0; b < m.length; b++) {
            m[b] = lengths[b] > t ? 1 : 0;
        }
        return Nd4j.createFromArray(m).castTo(dataType()).reshape(m.length, 1);
    }

    private static State scale(State state, INDArray mask) {
        INDArray[] parts = new INDArray[state.arity()];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = state.get(k).mulColumnVector(mask);
        }
        return State.of(parts);
    }

    /** Step t of a {@code [T, B, F]} array without an offset (see {@link Inputs#contiguous}). */
    private static INDArray at(INDArray sequence, long t) {
        return sequence.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
    }

    @Override
    public int inputSize() {
        return cell.inputSize();
    }

    @Override
    public int hiddenSize() {
        return cell.hiddenSize();
    }

    @Override
    public int outputSize() {
        return cell.outputSize();
    }

    @Override
    public int stateArity() {
        return cell.stateArity();
    }

    @Override
    public DataType dataType() {
        return cell.dataType();
    }

    @Override
    public Parameters parameters() {
        return cell.parameters();
    }

    @Override
    public Parameters gradients() {
        return cell.gradients();
    }

    /** {@code used}: set by the one backward a trace allows (a second would add the gradients twice). */
    private record LoopTrace(CellLoop owner, INDArray outputs, State finalState, Cell.Step[] steps,
                             INDArray[] masks, AtomicBoolean used) implements Trace {
        static LoopTrace from(Trace trace, CellLoop owner) {
            if (!(trace instanceof LoopTrace t) || t.owner != owner) {
                throw new IllegalArgumentException("trace must come from this layer's forward");
            }
            return t;
        }
    }
}
