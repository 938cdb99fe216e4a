package org.rnn4j.nd4j.stream;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Checks;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.internal.Buffers;
import org.rnn4j.nd4j.internal.HostArray;
import org.rnn4j.nd4j.internal.Inputs;
import org.rnn4j.nd4j.internal.Stepper;
import org.rnn4j.nd4j.layer.DenseLayer;
import org.rnn4j.nd4j.layer.RecurrentLayer;
import org.rnn4j.nd4j.layer.StackedRnnLayer;

/**
 * Stateful inference over a sequence that arrives a step or a chunk at a time: the state after each call is carried
 * into the next, so feeding a sequence in pieces gives exactly the outputs of one full forward pass.
 *
 * <p>A stream is one conversation: use it from one thread at a time. The layer (and head) it reads are shared, and
 * only read: any number of streams over one trained layer may run concurrently, each in its own thread.
 * Bidirectional layers cannot stream (their reverse direction needs the whole sequence).
 */
public final class RecurrentStream {
    private final SequenceLayer layer;
    private final DenseLayer head;
    private final long batch;
    /** The fast path over preallocated buffers, when the layer offers one; else full forward passes of T = 1. */
    private final Stepper stepper;
    private State state;

    /**
     * @param layer the recurrent layer (its parameters are read, never written)
     * @param head  an optional dense head applied to every step's output, or {@code null}
     * @param batch the number of parallel sequences, usually 1
     */
    public RecurrentStream(SequenceLayer layer, DenseLayer head, long batch) {
        this.layer = Checks.notNull(layer, "layer");
        if (layer instanceof StackedRnnLayer stack && stack.spec().bidirectional()) {
            throw new IllegalArgumentException("layer is bidirectional: its reverse direction needs the whole "
                    + "sequence, so it cannot stream");
        }
        if (head != null && head.spec().inputSize() != layer.outputSize()) {
            throw new IllegalArgumentException("head must have inputSize " + layer.outputSize() + " but has "
                    + head.spec().inputSize());
        }
        this.head = head;
        this.batch = Checks.positive(Math.toIntExact(batch), "batch");
        this.stepper = RecurrentLayer.stepper(layer, batch);
    }

    /** One step: {@code x} is {@code [batch, inputSize]}; returns {@code [batch, outputSize]} (new). */
    public INDArray step(INDArray x) {
        checkStep(x);
        if (stepper == null) {
            INDArray out = feed(x.reshape(1, batch, layer.inputSize()));
            return out.reshape(batch, out.size(2));
        }
        INDArray out = stepOnStepper(x);
        return head == null ? out.dup() : out; // the stepper's own buffer, or the head's new array
    }

    /**
     * One step into {@code out}: what {@link #step(INDArray)} returns, written into the caller's {@code [batch,
     * outputSize]} c-order array of the stream's data type, which is returned. Without a head it saves the new array
     * that {@link #step(INDArray)} allocates, which at batch 1 is a sizeable part of a step
     * ({@code StreamingBenchmark}, {@code rnn4j-lstm-into}). {@code out} is checked before the step: a bad one changes
     * nothing.
     */
    public INDArray step(INDArray x, INDArray out) {
        checkStep(x);
        long outputSize = head == null ? layer.outputSize() : head.spec().outputSize();
        Checks.shape(out, "out", "[batch, outputSize]", batch, outputSize);
        Checks.dataType(out, layer.dataType(), "out");
        if (!Buffers.contiguous(out)) {
            throw new IllegalArgumentException("out must be a contiguous c-order array but is "
                    + out.shapeInfoToString().replace('\n', ' '));
        }
        if (stepper == null) {
            return out.assign(step(x));
        }
        INDArray result = stepOnStepper(x);
        if (HostArray.readable(result, out)) {
            HostArray.of(result).copyTo(0, HostArray.of(out), 0, Math.toIntExact(out.length()));
        } else {
            out.assign(result);
        }
        return out;
    }

    private void checkStep(INDArray x) {
        Checks.shape(x, "x", "[batch, inputSize]", batch, layer.inputSize());
        Checks.dataType(x, layer.dataType(), "x");
    }

    /** The step on the stepper: its own output buffer, or the head's output of it. */
    private INDArray stepOnStepper(INDArray x) {
        Checks.finite(x, "x");
        INDArray h = stepper.step(Inputs.contiguous(x));
        return head == null ? h : head.forward(h);
    }

    /** A chunk of steps: {@code [T, batch, inputSize]} → {@code [T, batch, outputSize]}. */
    public INDArray feed(INDArray chunk) {
        Checks.shape(chunk, "chunk", "[time, batch, inputSize]", Checks.ANY, batch, layer.inputSize());
        if (chunk.size(0) == 0) {
            throw new IllegalArgumentException("chunk must have at least one step but has 0");
        }
        Checks.dataType(chunk, layer.dataType(), "chunk");
        Checks.finite(chunk, "chunk"); // a bad late step must not leave the earlier ones fed
        if (stepper != null) {
            INDArray x = Inputs.contiguous(chunk);
            INDArray[] outputs = new INDArray[Math.toIntExact(x.size(0))];
            for (int t = 0; t < outputs.length; t++) {
                outputs[t] = step(x.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()))
                        .reshape(1, batch, -1);
            }
            return Nd4j.concat(0, outputs);
        }
        SequenceLayer.Trace trace = layer.forward(chunk, null, state, false);
        state = trace.finalState();
        INDArray outputs = trace.outputs();
        if (head == null) {
            return outputs;
        }
        long steps = outputs.size(0);
        return head.forward(outputs.reshape('c', steps * batch, outputs.size(2)))
                .reshape('c', steps, batch, head.spec().outputSize());
    }

    /** The state after the last step fed (zeros before the first; {@code null} on the slow path). */
    public State state() {
        return stepper != null ? stepper.state() : state;
    }

    /** Forgets the state: the next step starts from zeros. */
    public void reset() {
        state = null;
        if (stepper != null) {
            stepper.reset();
        }
    }
}
