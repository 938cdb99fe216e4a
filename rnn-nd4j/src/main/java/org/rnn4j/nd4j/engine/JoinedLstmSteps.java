package org.rnn4j.nd4j.engine;

import java.nio.FloatBuffer;

/**
 * The LSTM forward step of the Vector API path as one product: {@code gates_t = [x_t, h_{t-1}]·[W_ih | W_hh]ᵀ + b},
 * the concatenation of the article's {@code i2h}, plus the summed biases, into Java rows that are then activated in
 * place ({@link HostKernels.Lstm#vectorRows}). The pass has no projection stage: the other path writes the
 * projected gates of every step to {@code gates} ({@code [T*B, 4H]}) and
 * copies each step's rows between that buffer and Java arrays four times; this one reads {@code x_t} and
 * {@code h_{t-1}} and writes the activated gates once, or not at all for a pass that keeps no trace. Only call it
 * when the pass's {@code plan.joinedSteps()} says so, after {@link FusedProducts#packJoined} (or
 * {@link FusedProducts#packWholeJoined} for {@link #forwardRowGroup}).
 */
final class JoinedLstmSteps {
    /** Rows go to a row group in blocks of the product kernel's row count. */
    static final int ROW_BLOCK = 4;
    /** Below this many rows per thread a pass without trace splits the hidden units, not the batch. */
    static final int MIN_GROUP_ROWS = 8;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private JoinedLstmSteps() {
    }

    /** Per-thread rows of {@code [x_t, h_{t-1}]}, of the gates and (row groups) of the cell states, grown on demand. */
    private static final class Scratch {
        float[] joined = new float[0];
        float[] gates = new float[0];
        float[] cells = new float[0];
        int[] rowOf = new int[0];

        Scratch ensureStates(int rows, int hidden) {
            if (cells.length < rows * hidden) {
                cells = new float[rows * hidden];
            }
            if (rowOf.length < rows) {
                rowOf = new int[rows];
            }
            return this;
        }

        Scratch ensure(int joinedLength, int gatesLength) {
            if (joined.length < joinedLength) {
                joined = new float[joinedLength];
            }
            if (gates.length < gatesLength) {
                gates = new float[gatesLength];
            }
            return this;
        }
    }

    /**
     * Step t of hidden-unit partition p for its first n rows (the layout of {@link FusedBuffers}): the product into
     * the scratch gate rows, then the elementwise step, whose activated gates and {@code tanh(c_t)} go to the
     * partition's blocks when the pass keeps a trace.
     */
    static void forward(FusedBuffers b, int p, int t, int n, int inputSize) {
        int hidden = Math.toIntExact(b.hidden);
        int units = Math.toIntExact(b.partHidden);
        int inner = inputSize + hidden;
        int batch = Math.toIntExact(b.batch);
        int row = t * batch; // first row of step t in the [T*B, ..] buffers
        int previousRow = t == 0 ? 0 : row - batch; // ... of step t - 1, or of the [B, ..] initial state
        Scratch s = SCRATCH.get().ensure(n * inner, n * 4 * units);
        FloatBuffer x = b.host(p, b.x).floats();
        FloatBuffer previousH = b.host(p, t == 0 ? b.h0 : b.h).floats();
        for (int k = 0; k < n; k++) {
            x.get((row + k) * inputSize, s.joined, k * inner, inputSize);
            previousH.get((previousRow + k) * hidden, s.joined, k * inner + inputSize, hidden);
        }
        VectorProducts.biasPlusProduct(s.joined, n, inner, 4 * units, b.packedJoinedWeights[p], b.joinedBias[p],
                s.gates);
        FloatBuffer c = b.host(p, b.c).floats();
        FloatBuffer previousC = t == 0 ? b.host(p, b.c0).floats() : c;
        FloatBuffer activated = b.plan.keepsTrace() ? b.host(p, b.part(b.gates, p)).floats() : null;
        FloatBuffer tanhC = b.plan.keepsTrace() ? b.host(p, b.part(b.aux, p)).floats() : null;
        int first = p * units;
        HostKernels.Lstm.vectorRows(s.gates, n, units, previousC, previousRow * hidden + first, c,
                b.host(p, b.h).floats(), row * hidden + first, hidden, activated, row * 4 * units, tanhC,
                row * units);
    }

    /**
     * Every step of a pass that keeps no trace, for row group {@code group} of {@code groups}: the rows of blocks
     * {@code group, group + groups, ...} of {@link #ROW_BLOCK} rows, all hidden units. A sequence depends on no other
     * row, so the groups never wait for each other (the partitions of {@link #forward} meet after every step), at
     * the price of each thread reading the whole packed {@code [W_ih | W_hh]} at every step. The states stay in the
     * thread's Java rows between steps ({@code h_t} where the next product reads {@code h_{t-1}}); a row's final
     * {@code h} and {@code c} go to the state buffers at its last step, where the final state is read.
     */
    static void forwardRowGroup(FusedBuffers b, int group, int groups, BatchOrder order, int steps, int inputSize) {
        int hidden = Math.toIntExact(b.hidden);
        int width = 4 * hidden;
        int inner = inputSize + hidden;
        int batch = Math.toIntExact(b.batch);
        int mostRows = (batch / (ROW_BLOCK * groups) + 1) * ROW_BLOCK;
        Scratch s = SCRATCH.get().ensure(mostRows * inner, mostRows * width).ensureStates(mostRows, hidden);
        int[] rowOf = s.rowOf; // the group's batch rows, increasing: the running ones are always a prefix
        int count = 0;
        for (int block = group * ROW_BLOCK; block < batch; block += groups * ROW_BLOCK) {
            for (int k = block; k < Math.min(batch, block + ROW_BLOCK); k++) {
                rowOf[count++] = k;
            }
        }
        FloatBuffer x = b.host(group, b.x).floats();
        FloatBuffer h = b.host(group, b.h).floats();
        FloatBuffer c = b.host(group, b.c).floats();
        FloatBuffer h0 = b.host(group, b.h0).floats();
        FloatBuffer c0 = b.host(group, b.c0).floats();
        for (int m = 0; m < count; m++) {
            h0.get(rowOf[m] * hidden, s.joined, m * inner + inputSize, hidden);
            c0.get(rowOf[m] * hidden, s.cells, m * hidden, hidden);
        }
        int rows = count;
        for (int t = 0; t < steps; t++) {
            long running = order.active(t);
            while (rows > 0 && rowOf[rows - 1] >= running) {
                rows--;
            }
            if (rows == 0) {
                break;
            }
            for (int m = 0; m < rows; m++) {
                x.get((t * batch + rowOf[m]) * inputSize, s.joined, m * inner, inputSize);
            }
            VectorProducts.biasPlusProduct(s.joined, rows, inner, width, b.packedWholeWeights, b.wholeBias, s.gates);
            HostKernels.Lstm.vectorRowsInArrays(s.gates, rows, hidden, s.cells, hidden, s.joined, inputSize, inner);
            long next = t + 1 < steps ? order.active(t + 1) : 0;
            for (int m = 0; m < rows; m++) {
                if (rowOf[m] >= next) { // its last step
                    int row = (t * batch + rowOf[m]) * hidden;
                    h.put(row, s.joined, m * inner + inputSize, hidden);
                    c.put(row, s.cells, m * hidden, hidden);
                }
            }
        }
    }
}
