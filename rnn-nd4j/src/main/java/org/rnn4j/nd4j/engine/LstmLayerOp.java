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
 * ({@code [H, 4H]}) and {@code b = b_ih + b_hh}, gates in the parameters' order (i f g o): they are copied into
 * these layouts in Java ({@link #transpose}) whenever a parameter differs from the copy of it the layouts were made
 * from, which a pass checks every time (an optimizer step, or a user, changes the weights in place; nothing in the
 * API announces it).
 * It writes every step's {@code h} into the pass's {@code h} buffer and the last {@code c}, which goes to the last
 * step's rows of {@code c}, where the trace reads the final state. It keeps no gates, so a backward after such a pass
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
    /** Source rows per tile of {@link #transpose}. */
    private static final int TILE = 32;

    private final INDArray inputWeights;
    private final INDArray recurrentWeights;
    private final INDArray bias;
    /** The op's last h, unread (the trace reads it from {@code h}): its oneDNN form returns both last states or none. */
    private final INDArray lastHidden;
    private final INDArray lastCell;
    private final DynamicCustomOp op;
    /** The parameters as the op's layouts were last made from them. */
    private final Copy inputWeightsFrom = new Copy();
    private final Copy recurrentWeightsFrom = new Copy();
    private final Copy inputBiasFrom = new Copy();
    private final Copy recurrentBiasFrom = new Copy();
    private float[] rowTile = new float[0];
    private float[] columnTile = new float[0];

    LstmLayerOp(FusedBuffers b, long inputSize) {
        long hidden = b.hidden;
        // outside any workspace, as the pass's other buffers: predictVectors runs its passes in one that it reuses
        DataType type = b.h.dataType();
        inputWeights = Buffers.persistent(type, false, 'c', inputSize, 4 * hidden);
        recurrentWeights = Buffers.persistent(type, false, 'c', hidden, 4 * hidden);
        bias = Buffers.persistent(type, true, 'c', 4 * hidden);
        lastHidden = Buffers.persistent(type, false, 'c', b.batch, hidden);
        lastCell = Buffers.persistent(type, false, 'c', b.batch, hidden);
        // built through the builder: new LSTMLayer(...) refuses null optional inputs in ND4J 1.0.0-M2.1
        op = DynamicCustomOp.builder("lstmLayer")
                .addInputs(b.x.reshape('c', b.steps, b.batch, inputSize), inputWeights, recurrentWeights, bias,
                        b.h0, b.c0)
                .addIntegerArguments(LSTMDataFormat.TNS.ordinal(), LSTMDirectionMode.FWD.ordinal(),
                        LSTMActivations.SIGMOID.ordinal(), LSTMActivations.TANH.ordinal(),
                        LSTMActivations.TANH.ordinal()) // gate, output and cell activations
                .addFloatingPointArguments(0.0) // no cell clipping
                // biases, sequence lengths, initial h, initial c, peepholes, full sequence, last h, last c
                .addBooleanArguments(true, false, true, true, false, true, true, true)
                .addOutputs(b.outputs(), lastHidden, lastCell)
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

    /** The pass: {@code b.x}, {@code b.h0} and {@code b.c0} hold its input and initial state. */
    void run(FusedBuffers b, INDArray weightIh, INDArray weightHh, INDArray biasIh, INDArray biasHh, int threads) {
        FloatBuffer ih = b.host(weightIh).floats();
        if (inputWeightsFrom.differs(ih)) {
            transpose(ih, Math.toIntExact(weightIh.size(0)), Math.toIntExact(weightIh.size(1)),
                    b.host(inputWeights).floats());
        }
        FloatBuffer hh = b.host(weightHh).floats();
        if (recurrentWeightsFrom.differs(hh)) {
            transpose(hh, Math.toIntExact(weightHh.size(0)), Math.toIntExact(weightHh.size(1)),
                    b.host(recurrentWeights).floats());
        }
        if (biasIh != null) {
            FloatBuffer bi = b.host(biasIh).floats();
            FloatBuffer bh = b.host(biasHh).floats();
            if (inputBiasFrom.differs(bi) | recurrentBiasFrom.differs(bh)) { // both: each keeps its copy current
                FloatBuffer sum = b.host(bias).floats();
                for (int i = 0; i < sum.limit(); i++) {
                    sum.put(i, bi.get(i) + bh.get(i));
                }
            }
        }
        PartitionRunner.withWorkers(threads, granted -> {
            int before = Backend.openMpThreadsOfThisThread();
            Backend.openMpThreadsOfThisThread(granted);
            try {
                Nd4j.exec(op);
            } finally { // ND4J's OpenBLAS runs on OpenMP: left at two, this thread's next products ran 2x slower
                Backend.openMpThreadsOfThisThread(before);
            }
        });
        b.rows(b.c, b.steps - 1, b.batch).assign(lastCell);
    }

    /**
     * {@code target = sourceᵀ} for a {@code rows × columns} c-order source, in Java on the host memory, 32 source rows
     * at a time (two scratch arrays of {@code 32 × columns}): ND4J's {@code assign} of a transposed view walks the
     * strided elements one by one.
     */
    private void transpose(FloatBuffer source, int rows, int columns, FloatBuffer target) {
        if (rowTile.length < TILE * columns) {
            rowTile = new float[TILE * columns];
            columnTile = new float[TILE * columns];
        }
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int m = Math.min(TILE, rows - r0);
            source.get(r0 * columns, rowTile, 0, m * columns);
            for (int c = 0; c < columns; c++) {
                for (int k = 0; k < m; k++) {
                    columnTile[c * m + k] = rowTile[k * columns + c];
                }
            }
            for (int c = 0; c < columns; c++) {
                target.put(c * rows + r0, columnTile, c * m, m);
            }
        }
    }

    /**
     * A copy of one parameter, against which each pass compares it (one vectorised pass over both, a fraction of a
     * transpose): the op's layouts are made again only when a parameter changed, however it was written.
     */
    private static final class Copy {
        private FloatBuffer values;

        /** Whether {@code parameter} differs from the copy, or there is none yet; if so the copy becomes it. */
        boolean differs(FloatBuffer parameter) {
            if (values != null && parameter.mismatch(values) < 0) {
                return false;
            }
            if (values == null) { // a parameter's length is fixed for the layer, and so for this op
                values = FloatBuffer.allocate(parameter.limit());
            }
            values.put(0, parameter, 0, parameter.limit());
            return true;
        }
    }
}
