package org.rnn4j.nd4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Optimizer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.internal.Inputs;

/**
 * Truncated backpropagation through time over long sequences, as Deeplearning4j's {@code tBPTTForwardLength} /
 * {@code tBPTTBackwardLength}: time is cut into chunks of {@code forwardLength} steps; in each chunk the state from the
 * previous chunk is carried in, the first {@code forwardLength - backwardLength} steps only advance it, the last
 * {@code backwardLength} steps are a training pass (their loss, gradients that stop at their start), and the optimizer
 * steps once. The model must predict every step ({@link SequenceModel.OutputMode#ALL_STEPS}).
 */
public final class TruncatedBptt {
    private final SequenceModel model;
    private final Optimizer optimizer;
    private final Loss loss;
    private final int forwardLength;
    private final int backwardLength;

    public TruncatedBptt(SequenceModel model, Optimizer optimizer, Loss loss, int forwardLength, int backwardLength) {
        this.model = Checks.notNull(model, "model");
        this.optimizer = Checks.notNull(optimizer, "optimizer");
        this.loss = Checks.notNull(loss, "loss");
        this.forwardLength = Checks.positive(forwardLength, "forwardLength");
        if (backwardLength < 1 || backwardLength > forwardLength) {
            throw new IllegalArgumentException("backwardLength must be in [1, forwardLength = " + forwardLength
                    + "] but is " + backwardLength);
        }
        this.backwardLength = backwardLength;
        if (model.outputMode() != SequenceModel.OutputMode.ALL_STEPS) {
            throw new IllegalArgumentException("truncated BPTT needs a model with OutputMode.ALL_STEPS but it has "
                    + model.outputMode());
        }
    }

    /**
     * One pass over {@code input [T, B, I]} with {@code targets [T, B, O]}, chunk by chunk (the last chunk may be
     * shorter), starting from zeros.
     *
     * @return the mean of the chunks' losses
     * @throws IllegalArgumentException for a bad input or target anywhere in the sequence, before the first chunk
     *                                  changes anything
     */
    public double train(INDArray input, INDArray targets) {
        Checks.notNull(input, "input");
        Checks.notNull(targets, "targets");
        long steps = input.size(0);
        if (targets.rank() < 1 || targets.size(0) != steps) {
            throw new IllegalArgumentException("targets must have " + steps + " steps (input's) but has shape "
                    + java.util.Arrays.toString(targets.shape()));
        }
        // every chunk's values are checked before the first one steps the optimizer: a bad value in a late chunk
        // must not leave the earlier chunks' updates behind
        if (model.embedding() != null) {
            model.embedding().ids(input);
        } else {
            Inputs.sequence(input, "input", model.recurrent().inputSize(), model.dataType());
        }
        Checks.finite(targets, "targets");
        State state = null;
        double total = 0;
        int chunks = 0;
        for (long start = 0; start < steps; start += forwardLength) {
            long end = Math.min(start + forwardLength, steps);
            long trainFrom = Math.max(start, end - backwardLength);
            if (trainFrom > start) {
                state = model.advance(slice(input, start, trainFrom), null, state);
            }
            SequenceModel.Step step = model.computeGradients(slice(input, trainFrom, end), null,
                    slice(targets, trainFrom, end), loss, state);
            optimizer.step(model.parameters(), model.gradients());
            state = step.finalState();
            total += step.loss();
            chunks++;
        }
        return total / chunks;
    }

    private static INDArray slice(INDArray sequence, long from, long to) {
        INDArrayIndex[] index = new INDArrayIndex[sequence.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        return Inputs.contiguous(sequence).get(index).dup('c');
    }
}
