package org.rnn4j.nd4j.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.nd4j.internal.Buffers;
import org.rnn4j.nd4j.internal.HostArray;
import org.rnn4j.nd4j.internal.Inputs;
import org.rnn4j.nd4j.internal.MatrixViews;
import org.rnn4j.nd4j.internal.ReusedGemm;

/**
 * The arrays of one fused forward pass and its backward pass: {@code [rows, features]} c-order matrices whose rows
 * are time-major blocks of {@code batch} rows in {@link BatchOrder sorted} batch order.
 * <pre>
 *   x      [T*B, I]        the input
 *   h      [T*B, H]        h_t for every step (the layer's outputs); h0 [B, H] the initial state
 *   c      [T*B, H]        c_t (LSTM only); c0 [B, H]
 *   gates  [P*T*B, G*Hp]   pre-activations, then the activated gates (LSTM: i f g o, GRU: r z n)
 *   hproj  [P*T*B, G*Hp]   h_{t-1}·W_hhᵀ + b_hh (GRU only: its n gate needs it separately)
 *   aux    [P*T*B, Hp]     tanh(c_t) (LSTM only)
 * </pre>
 * <b>Partitions.</b> The hidden units can be split into {@code P} ranges of {@code Hp = H/P} units, each computed
 * by its own thread ({@link PartitionRunner}). The arrays marked {@code P*T*B} hold one {@code [T*B, ...]} block
 * per partition ({@link #part}) whose columns are that partition's units of each gate, so that every step of a
 * partition reads and writes contiguous rows and its share of {@code W_hh} stays in its core's cache. With
 * {@code P = 1} (always the case for the INDArray kernels) they are the plain {@code [T*B, G*H]} layouts in the
 * gate order of the parameters. {@code h}, {@code c} and their gradients {@code dc} are shared: a partition writes
 * its own columns from Java.
 *
 * <p>Backward uses {@code dh [P*T*B, Hp]}, {@code dh0 [P*B, Hp]}, {@code dc, dc0} (gradients w.r.t. the same
 * states), {@code dGates} (w.r.t. the input projection) and {@code dHproj} (w.r.t. the recurrent projection; the
 * same array as {@code dGates} except for the GRU) and, for the INDArray kernels, the activation derivatives of
 * {@code gates}. All are allocated once, so a pass of the same shape reuses every one of them: allocating (and
 * first touching) these buffers cost more than a third of a training iteration when each pass made its own.
 * The outputs live at offset 0 of their own buffer, because ND4J 1.0.0-M2.1's {@code get(...)} fails on rank-3
 * views with an offset, and callers index the outputs.
 *
 * <p>Each partition has its own caches of views, host arrays and GEMMs: partitions of one pass run in several threads.
 */
final class FusedBuffers {
    final long steps;
    final long batch;
    final long hidden;
    final int partitions;
    final long partHidden;
    /** The pass's input rows in sorted batch order: a copy, so that the reused GEMMs that read it stay valid. */
    INDArray x;
    /** Counts the passes that have used these buffers, so that a trace can tell it is stale. */
    int generation;
    final INDArray h;
    final INDArray h0;
    final INDArray c;
    final INDArray c0;
    /**
     * {@code gates}, {@code hproj} and {@code aux}, allocated by {@link #ensureStepBuffers} before the first pass
     * that uses them: a pass of {@link JoinedLstmSteps} that keeps no trace never does ({@code T·B·4H} and
     * {@code T·B·H} values of native memory per inference thread saved).
     */
    INDArray gates;
    INDArray hproj;
    INDArray aux;

    INDArray dh;
    INDArray dh0;
    INDArray dc;
    INDArray dc0;
    INDArray dGates;
    INDArray dHproj;
    INDArray derivative;
    INDArray auxDerivative;
    /** [1, T*B] of ones: column sums (bias gradients) as one GEMM instead of a strided reduction. */
    INDArray ones;
    final int gateCount;
    private final boolean cellState;
    private final boolean separateRecurrent;
    /** [B, H] for intermediate products, so that no step allocates. */
    final INDArray scratch;

    /** Per partition (P > 1 only): its rows of W_ih and W_hh, its biases, and W_hh's columns for the backward. */
    INDArray[] inputWeights;
    INDArray[] recurrentWeights;
    INDArray[] inputBias;
    INDArray[] recurrentBias;
    /** Per partition: its rows of the weight and bias gradients of a pass, before they are added to the gradients. */
    INDArray[] inputWeightGradient;
    INDArray[] recurrentWeightGradient;
    INDArray[] inputBiasGradient;
    INDArray[] recurrentBiasGradient;
    /** [q][p]: rows of partition q, columns of partition p of W_hh, stored transposed ([Hp, G*Hp], c order). */
    private INDArray[][] backwardWeights;
    /** How the current pass runs: set by the layer at the start of each pass (a stepper: once). */
    PassPlan plan = PassPlan.INITIAL;
    /** With {@code plan.joinedSteps()}: per partition its rows of {@code [W_ih | W_hh]} packed, its summed biases. */
    final float[][] packedJoinedWeights;
    final float[][] joinedBias;
    /**
     * For a pass without trace whose batch is split between threads instead of its hidden units
     * ({@link JoinedLstmSteps#forwardRowGroup}): the whole {@code [W_ih | W_hh]} packed, and {@code b_ih + b_hh}.
     */
    float[] packedWholeWeights;
    float[] wholeBias;
    final float[][] packedRecurrentWeights;
    /** [q][p]: {@link #backwardWeights} packed for the recurrent gradient (more than one partition). */
    final float[][][] packedBackwardWeights;

    FusedBuffers(DataType type, long steps, long batch, long hidden, int gateCount, boolean cellState,
                 boolean separateRecurrent, int partitions) {
        if (hidden % partitions != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not divisible into " + partitions
                    + " partitions");
        }
        this.steps = steps;
        this.batch = batch;
        this.hidden = hidden;
        this.partitions = partitions;
        this.partHidden = hidden / partitions;
        this.packedRecurrentWeights = new float[partitions][];
        this.packedJoinedWeights = new float[partitions][];
        this.joinedBias = new float[partitions][];
        this.packedBackwardWeights = new float[partitions][partitions][];
        long rows = steps * batch;
        this.h = persistent(type, true, rows, hidden);
        this.h0 = persistent(type, true, batch, hidden);
        this.c = cellState ? persistent(type, true, rows, hidden) : null;
        this.c0 = cellState ? persistent(type, true, batch, hidden) : null;
        this.scratch = persistent(type, false, batch, hidden);
        this.gateCount = gateCount;
        this.cellState = cellState;
        this.separateRecurrent = separateRecurrent;
        this.caches = new Cache[partitions];
        for (int p = 0; p < partitions; p++) {
            caches[p] = new Cache();
        }
    }

    /** Allocates the gate buffers if no pass has yet (in the pass's thread, before its partitions start). */
    void ensureStepBuffers() {
        if (gates != null) {
            return;
        }
        long rows = steps * batch;
        DataType type = h.dataType();
        gates = persistent(type, false, partitions * rows, gateCount * partHidden);
        hproj = separateRecurrent ? persistent(type, false, partitions * rows, gateCount * partHidden) : null;
        aux = cellState ? persistent(type, true, partitions * rows, partHidden) : null;
        partitionBlocks(gates, hproj, aux);
    }

    /**
     * Copies the input ({@code [T, B, I]}, original batch order) into {@link #x} in sorted order: in Java on the CPU
     * host (no view to make, nothing allocated), else by ND4J.
     */
    void copyInput(INDArray input, BatchOrder order, boolean host) {
        long inputSize = input.size(2);
        if (x == null) {
            x = persistent(input.dataType(), false, steps * batch, inputSize);
        }
        INDArray source = Inputs.contiguous(input);
        if (!host) {
            x.assign(order.sortSteps(source.reshape('c', steps * batch, inputSize)));
            return;
        }
        HostArray from = HostArray.of(source);
        HostArray to = host(0, x);
        int width = Math.toIntExact(inputSize);
        if (order.identity()) {
            from.copyTo(0, to, 0, Math.toIntExact(steps * batch * inputSize));
            return;
        }
        for (int row = 0; row < steps * batch; row++) {
            int t = Math.toIntExact(row / batch);
            int original = order.originalIndex(Math.toIntExact(row % batch));
            from.copyTo(Math.toIntExact((t * batch + original) * width), to, row * width, width);
        }
    }

    /**
     * Copies the output gradient ({@code [T, B, H]}, original batch order) into the partition-major {@link #dh} in
     * sorted order, in Java on the CPU host.
     */
    void copyOutputGradient(INDArray outputGradients, BatchOrder order) {
        HostArray from = HostArray.of(Inputs.contiguous(outputGradients));
        HostArray to = host(0, dh);
        int width = Math.toIntExact(partHidden);
        long rows = steps * batch;
        for (long row = 0; row < rows; row++) {
            long t = row / batch;
            long original = t * batch + order.originalIndex(Math.toIntExact(row % batch));
            for (int p = 0; p < partitions; p++) {
                from.copyTo(Math.toIntExact(original * hidden + (long) p * width), to,
                        Math.toIntExact((p * rows + row) * width), width);
            }
        }
    }

    /** Copies a stepper's input ({@code [B, I]}, T = 1) into {@link #x}. */
    void copyStepInput(INDArray input) {
        if (x == null) {
            x = persistent(input.dataType(), false, batch, input.size(1));
        }
        x.assign(input);
    }

    /** [1, T*B] of ones, made on first use. */
    INDArray ones() {
        if (ones == null) {
            ones = persistent(h.dataType(), false, 1, steps * batch).assign(1);
        }
        return ones;
    }

    /** Zeroes partition p's block of a partition-major buffer: in Java (more than one partition), else natively. */
    void zero(int p, INDArray block) {
        if (partitions == 1) {
            Buffers.zero(block);
        } else {
            host(p, block).fill(0);
        }
    }

    /** Allocates the backward pass's buffers on its first use (inference never needs them). */
    void ensureBackward() {
        if (dh != null) {
            return;
        }
        DataType type = h.dataType();
        long rows = steps * batch;
        ones();
        long gateColumns = gateCount * partHidden;
        dh = persistent(type, false, partitions * rows, partHidden);
        dh0 = persistent(type, false, partitions * batch, partHidden);
        dc = cellState ? persistent(type, false, rows, hidden) : null;
        dc0 = cellState ? persistent(type, false, batch, hidden) : null;
        dGates = persistent(type, true, partitions * rows, gateColumns);
        dHproj = separateRecurrent ? persistent(type, true, partitions * rows, gateColumns) : dGates;
        partitionBlocks(dh, dh0, dGates, dHproj);
    }

    /** Allocates the per-partition weight copies on first use (only with more than one partition). */
    void ensurePartitionWeights(long inputSize) {
        if (partitions == 1 || inputWeights != null) {
            return;
        }
        DataType type = h.dataType();
        long gateRows = gateCount * partHidden;
        inputWeights = new INDArray[partitions];
        recurrentWeights = new INDArray[partitions];
        inputBias = new INDArray[partitions];
        recurrentBias = new INDArray[partitions];
        backwardWeights = new INDArray[partitions][partitions];
        inputWeightGradient = new INDArray[partitions];
        recurrentWeightGradient = new INDArray[partitions];
        inputBiasGradient = new INDArray[partitions];
        recurrentBiasGradient = new INDArray[partitions];
        for (int p = 0; p < partitions; p++) {
            inputWeightGradient[p] = persistent(type, false, gateRows, inputSize);
            recurrentWeightGradient[p] = persistent(type, false, gateRows, hidden);
            inputBiasGradient[p] = persistent(type, false, 1, gateRows);
            recurrentBiasGradient[p] = persistent(type, false, 1, gateRows);
            inputWeights[p] = persistent(type, false, gateRows, inputSize);
            recurrentWeights[p] = persistent(type, false, gateRows, hidden);
            inputBias[p] = persistent(type, true, 1, gateRows);
            recurrentBias[p] = persistent(type, true, 1, gateRows);
        }
    }

    /**
     * {@link #backwardWeights}{@code [q][p]}, made on first use: only passes whose products are not packed read it.
     * Partition p's thread alone makes and reads its column {@code [*][p]}.
     */
    INDArray backwardWeights(int q, int p) {
        if (backwardWeights[q][p] == null) {
            backwardWeights[q][p] = persistent(h.dataType(), false, partHidden, gateCount * partHidden);
        }
        return backwardWeights[q][p];
    }

    private INDArray persistent(DataType type, boolean zero, long rows, long columns) {
        return persistent(type, zero, 'c', rows, columns);
    }

    /** Buffers outlive a pass: see {@link Buffers#persistent}. Each is remembered for {@link #release}. */
    private INDArray persistent(DataType type, boolean zero, char order, long rows, long columns) {
        INDArray buffer = Buffers.persistent(type, zero, order, rows, columns);
        owned.add(buffer);
        return buffer;
    }

    /** Every buffer these buffers allocated, in allocation order. */
    private final List<INDArray> owned = new ArrayList<>();
    private boolean released;

    /**
     * Frees the native memory of every buffer now, instead of when the collector finds them: inference buffers are
     * replaced whenever the shape changes, and under variable-shape load (a server) the memory waiting for the
     * collector grew by hundreds of megabytes a minute while the heap, which decides when it runs, barely moved. Only
     * for buffers no array outside this object views: an inference pass copies its outputs and final state out.
     * Idempotent; afterwards {@link #released()} is true and nothing may read them.
     */
    void release() {
        if (released) {
            return;
        }
        released = true;
        for (Cache cache : caches) {
            cache.views.clear();
            cache.hostArrays.clear();
            cache.gemms.values().forEach(ReusedGemm::close);
            cache.gemms.clear();
        }
        for (INDArray buffer : owned) {
            buffer.close();
        }
        owned.clear();
    }

    boolean released() {
        return released;
    }

    /**
     * Allocates the activation-derivative buffers on first use: only the INDArray kernels need them (the host
     * kernels derive the derivatives from the activated values), and they are as large as the gate buffers.
     */
    void ensureDerivatives() {
        if (derivative == null) {
            derivative = persistent(h.dataType(), false, steps * batch, (long) gateCount * hidden);
            auxDerivative = cellState ? persistent(h.dataType(), false, steps * batch, hidden) : null;
        }
    }

    boolean fits(DataType type, long steps, long batch) {
        return this.steps == steps && this.batch == batch && h.dataType() == type;
    }

    /**
     * Views, host arrays and GEMMs are made once and kept: creating a view costs about as much as a native call, and
     * a pass asks for the same few dozen per step; streaming steppers and reused buffers ask again on every pass.
     * One cache per partition, used only by that partition's thread: shared caches behind a lock made the two
     * threads of a pass wait for each other dozens of times per step.
     */
    private static final class Cache {
        final Map<INDArray, Map<Long, INDArray>> views = new IdentityHashMap<>();
        final Map<INDArray, HostArray> hostArrays = new IdentityHashMap<>();
        final Map<GemmKey, ReusedGemm> gemms = new HashMap<>();
    }

    private final Cache[] caches;
    /** An f-order copy of {@code W_hh}, refreshed by each backward pass (the fast layout for {@code dh·W_hh}). */
    private INDArray recurrentWeightsF;

    /**
     * What a reused GEMM computes: its kind (forward, backward, stepper: per step; pass: over the whole sequence),
     * step (for a pass GEMM: which one), rows and partitions.
     */
    enum GemmKind { FORWARD, BACKWARD, STEPPER, PASS }

    private record GemmKey(GemmKind kind, long t, long n, int partition, int source) {
    }

    /** The GEMM of {@code kind} for step t's first n rows of partition p (from partition q), built once. */
    ReusedGemm stepGemm(GemmKind kind, long t, long n, int p, int q, Supplier<ReusedGemm> build) {
        return caches[p].gemms.computeIfAbsent(new GemmKey(kind, t, n, p, q), k -> build.get());
    }

    /**
     * GEMM number {@code index} over the whole sequence for partition p (projections, weight gradients), built once:
     * its operands are this object's buffers and the parameters, which keep their identity from pass to pass.
     */
    ReusedGemm passGemm(int p, int index, Supplier<ReusedGemm> build) {
        return stepGemm(GemmKind.PASS, index, 0, p, 0, build);
    }

    /** The {@link LstmLayerOp} on these buffers, made at the first pass that runs it. */
    LstmLayerOp layerOp(INDArray input, INDArray weightIh, INDArray weightHh) {
        if (layerOp == null) {
            layerOp = new LstmLayerOp(this, input, weightIh, weightHh);
        }
        return layerOp;
    }

    private LstmLayerOp layerOp;

    /** {@code [T, B, I]}: {@link #x}, the copy of the input, as a sequence; one view for every pass. */
    INDArray inputSequence() {
        if (inputSequence == null) {
            inputSequence = x.reshape('c', steps, batch, x.size(1));
        }
        return inputSequence;
    }

    private INDArray inputSequence;

    /** {@code [T, B, H]}: the outputs {@code h} as the layer returns them (sorted order), one view for every pass. */
    INDArray outputs() {
        if (outputs == null) {
            outputs = h.reshape('c', steps, batch, hidden);
        }
        return outputs;
    }

    private INDArray outputs;

    /** {@code W_hh} copied into a persistent f-order buffer of this pass. */
    INDArray recurrentWeightsF(INDArray weights) {
        if (recurrentWeightsF == null) {
            recurrentWeightsF = persistent(weights.dataType(), false, 'f', weights.size(0), weights.size(1));
        }
        return recurrentWeightsF.assign(weights);
    }

    /** The host memory of a buffer (CPU backend only; see {@link HostKernels}), for partition p's thread. */
    HostArray host(int p, INDArray buffer) {
        return caches[p].hostArrays.computeIfAbsent(buffer, HostArray::of);
    }

    /** The host memory of a buffer, from the calling thread when partitions do not run (a stepper). */
    HostArray host(INDArray buffer) {
        return host(0, buffer);
    }

    /**
     * Partition p's {@code [T*B, ...]} block of a partition-major buffer ({@code dh0}: {@code [B, Hp]}). Made when the
     * buffers are allocated, so any partition's thread may read any partition's blocks.
     */
    INDArray part(INDArray buffer, int p) {
        if (partitions == 1) {
            return buffer;
        }
        INDArray[] blocks = partViews.get(buffer);
        if (blocks == null) {
            throw new IllegalStateException("not a partition-major buffer: " + buffer.shapeInfoToString());
        }
        return blocks[p];
    }

    private final Map<INDArray, INDArray[]> partViews = new IdentityHashMap<>();

    /** Records the partition blocks of partition-major buffers (before any pass's threads use them). */
    private void partitionBlocks(INDArray... buffers) {
        for (INDArray buffer : buffers) {
            if (buffer == null || partitions == 1 || partViews.containsKey(buffer)) {
                continue;
            }
            long rows = buffer.size(0) / partitions;
            INDArray[] blocks = new INDArray[partitions];
            for (int p = 0; p < partitions; p++) {
                blocks[p] = MatrixViews.rows(buffer, p * rows, (p + 1) * rows);
            }
            partViews.put(buffer, blocks);
        }
    }

    /** The first {@code n} rows of step {@code t}'s block of a {@code [T*B, F]} buffer: a contiguous view. */
    INDArray rows(INDArray buffer, long t, long n) {
        return rows(0, buffer, t, n);
    }

    /** {@link #rows(INDArray, long, long)} from partition p's thread. */
    INDArray rows(int p, INDArray buffer, long t, long n) {
        return caches[p].views.computeIfAbsent(buffer, k -> new HashMap<>()).computeIfAbsent(t << 32 | n,
                k -> MatrixViews.rows(buffer, t * batch, t * batch + n));
    }

    /** Rows {@code [from, to)} of a buffer, for partition p's thread (kept like {@link #rows}). */
    INDArray span(int p, INDArray buffer, long from, long to) {
        return caches[p].views.computeIfAbsent(buffer, k -> new HashMap<>()).computeIfAbsent(-(from << 32 | to) - 1,
                k -> MatrixViews.rows(buffer, from, to));
    }

    /** The state before step t: {@code h_{t-1}}, or {@code h0} at t = 0 (first n rows). */
    INDArray previous(INDArray states, INDArray initial, long t, long n) {
        return previous(0, states, initial, t, n);
    }

    /** {@link #previous(INDArray, INDArray, long, long)} from partition p's thread. */
    INDArray previous(int p, INDArray states, INDArray initial, long t, long n) {
        return t == 0 ? rows(p, initial, 0, n) : rows(p, states, t - 1, n);
    }

    /** Columns {@code [k*H, (k+m)*H)} of a row view of a gate matrix (kept like {@link #rows}; one partition). */
    INDArray gateColumns(INDArray gateRows, int k, int m) {
        return caches[0].views.computeIfAbsent(gateRows, g -> new HashMap<>()).computeIfAbsent(
                -(((long) k << 16) | m) - 1,
                key -> gateRows.get(NDArrayIndex.all(), NDArrayIndex.interval(k * hidden, (k + m) * hidden)));
    }
}
