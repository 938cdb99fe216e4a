package org.rnn4j.nd4j.engine;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.internal.Backend;
import org.rnn4j.nd4j.internal.Buffers;
import org.rnn4j.nd4j.internal.HostReport;
import org.rnn4j.nd4j.internal.PartitionRunner;

/**
 * The forward of an LSTM inference pass as ND4J's own {@code lstmLayer} op: on ND4J's oneDNN builds the op runs on
 * oneDNN, whose AVX-512 kernels (build {@code linux-x86_64-onednn-avx512}) beat rnn4j's Java kernels on inference
 * (docs/performance.md, "AVX-512"); on other builds it runs libnd4j's own loops, which are slower, so it is chosen
 * only there ({@link #chosen()}). oneDNN takes no sequence lengths (libnd4j falls back to its own loops when given
 * them), so only passes whose sequences all run every step use it.
 *
 * <p>The op computes {@code x·Wx + h·Wr + b} with {@code Wx = W_ihᵀ} ({@code [I, 4H]}), {@code Wr = W_hhᵀ}
 * ({@code [H, 4H]}) and {@code b = b_ih + b_hh}, gates in the parameters' order (i f g o). It is given the
 * transposed views of the layer's own weights, not copies: oneDNN reorders the weights into its own blocked layout
 * at every call whatever layout it is given, and from a transposed view at nearly the cost of a transposed copy
 * (docs/performance.md, {@code OpWeightLayouts}), so a pass always sees the weights as they are now, however they
 * were last written (an optimizer step, a checkpoint load, a user's own write), with nothing to copy, compare or
 * keep. The bias sum is made again every pass ({@code 8H} floats).
 * It writes every step's {@code h} into the pass's {@code h} buffer and the last {@code c} into the last step's rows
 * of {@code c}, where the trace reads the final state. It keeps no gates, so a backward after such a pass
 * first recomputes the trace with the Java kernels ({@code FusedRecurrentLayer}).
 *
 * <p>Its threads are OpenMP's, whose count is per calling thread: each pass sets it to the threads it got from the
 * JVM-wide pool ({@link PartitionRunner#withWorkers}), so that the op and rnn4j's own passes share one cap, and sets
 * it back after the op, since ND4J's OpenBLAS runs on OpenMP too and would otherwise run this thread's later
 * products on extra threads beside rnn4j's own.
 */
final class LstmLayerOp {
    /** {@code auto} (the default: the op on ND4J's oneDNN AVX-512 build), {@code true} (always) or {@code false}. */
    static final String PROPERTY = "rnn4j.lstmLayerOp";
    private static final int INPUT = 0;

    private final INDArray bias;
    /** The op's last h, unread (the trace reads it from {@code h}): its oneDNN form gives both last states or none. */
    private final INDArray lastHidden;
    private final DynamicCustomOp op;

    /** The layer's weights: views of its parameters, fixed for its life (written in place, never replaced). */
    LstmLayerOp(FusedBuffers b, INDArray input, INDArray weightIh, INDArray weightHh) {
        long hidden = b.hidden;
        // outside any workspace, as the pass's other buffers: predictVectors runs its passes in one that it reuses
        DataType type = b.h.dataType();
        bias = Buffers.persistent(type, true, 'c', 4 * hidden);
        lastHidden = Buffers.persistent(type, false, 'c', b.batch, hidden);
        // built through the builder: new LSTMLayer(...) refuses null optional inputs in ND4J 1.0.0-M2.1
        op = DynamicCustomOp.builder("lstmLayer")
                .addInputs(input, weightIh.transpose(), weightHh.transpose(), bias, b.h0, b.c0)
                .addIntegerArguments(LSTMDataFormat.TNS.ordinal(), LSTMDirectionMode.FWD.ordinal(),
                        LSTMActivations.SIGMOID.ordinal(), LSTMActivations.TANH.ordinal(),
                        LSTMActivations.TANH.ordinal()) // gate, output and cell activations
                .addFloatingPointArguments(0.0) // no cell clipping
                // biases, sequence lengths, initial h, initial c, peepholes, full sequence, last h, last c
                .addBooleanArguments(true, false, true, true, false, true, true, true)
                // the last c straight into the last step's rows of c, where the trace reads the final state
                .addOutputs(b.outputs(), lastHidden, b.rows(b.c, b.steps - 1, b.batch))
                .build();
    }

    /**
     * Whether inference passes that the op can run use it: {@value #PROPERTY}, by default only on ND4J's oneDNN
     * AVX-512 build. Read at every call (cheap next to a pass) so that tests and benchmarks can force each path.
     *
     * @throws IllegalArgumentException if the property is anything but {@code auto}, {@code true} or {@code false}
     */
    static boolean chosen() {
        String value = System.getProperty(PROPERTY, "auto").strip();
        switch (value) {
            case "auto":
                return HostReport.oneDnnAvx512Build();
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be auto, true or false but is '" + value + "'");
        }
    }

    /**
     * The pass over {@code input} ({@code [T, B, I]}, c order, in the batch order of {@code b}), from the initial
     * state in {@code b.h0} and {@code b.c0}.
     */
    void run(FusedBuffers b, INDArray input, INDArray biasIh, INDArray biasHh, int threads) {
        op.setInputArgument(INPUT, input);
        if (biasIh != null) {
            FloatBuffer bi = b.host(biasIh).floats();
            FloatBuffer bh = b.host(biasHh).floats();
            FloatBuffer sum = b.host(bias).floats();
            for (int i = 0; i < sum.limit(); i++) {
                sum.put(i, bi.get(i) + bh.get(i));
            }
        }
        try {
            PartitionRunner.withWorkers(threads, granted -> {
                int before = Backend.openMpThreadsOfThisThread();
                Backend.openMpThreadsOfThisThread(granted);
                try {
                    Nd4j.exec(op);
                } finally { // ND4J's OpenBLAS runs on OpenMP: left at two, this thread's next products ran 2x slower
                    Backend.openMpThreadsOfThisThread(before);
                }
            });
        } finally { // the caller's input, often large, must not stay reachable through the op until the next pass
            op.setInputArgument(INPUT, null);
        }
    }
}
