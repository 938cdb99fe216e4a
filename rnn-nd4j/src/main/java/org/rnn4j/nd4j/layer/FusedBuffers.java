package org.rnn4j.nd4j.layer;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The arrays of one fused forward pass and its backward pass: {@code [rows, features]} c-order matrices whose rows
 * are time-major blocks of {@code batch} rows in {@link BatchOrder sorted} batch order.
 * <pre>
 *   x      [T*B, I]      the input
 *   h      [T*B, H]      h_t for every step (the layer's outputs); h0 [B, H] the initial state
 *   c      [T*B, H]      c_t (LSTM only); c0 [B, H]
 *   gates  [T*B, G*H]    pre-activations, then the activated gates (LSTM: i f g o, GRU: r z n)
 *   hproj  [T*B, G*H]    h_{t-1}·W_hhᵀ + b_hh (GRU only: its n gate needs it separately)
 *   aux    [T*B, H]      tanh(c_t) (LSTM only)
 * </pre>
 * Backward uses {@code dh, dh0, dc, dc0} (gradients w.r.t. the same states), {@code dGates} (w.r.t. the input
 * projection) and {@code dHproj} (w.r.t. the recurrent projection; the same array as {@code dGates} except for the
 * GRU) and the activation derivatives of {@code gates} (computed once per pass). All are allocated together, so a
 * training pass of the same shape can reuse every one of them: allocating (and first touching) these buffers cost
 * more than a third of a training iteration when each pass made its own.
 * The outputs live at offset 0 of their own buffer, because ND4J 1.0.0-M2.1's {@code get(...)} fails on rank-3
 * views with an offset, and callers index the outputs.
 */
final class FusedBuffers {
    final long steps;
    final long batch;
    final long hidden;
    INDArray x;
    /** Counts the passes that have used these buffers, so that a trace can tell it is stale. */
    int generation;
    final INDArray h;
    final INDArray h0;
    final INDArray c;
    final INDArray c0;
    final INDArray gates;
    final INDArray hproj;
    final INDArray aux;

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
    private final int gateCount;
    private final boolean cellState;
    private final boolean separateRecurrent;
    /** [B, H] for intermediate products, so that no step allocates. */
    final INDArray scratch;

    FusedBuffers(DataType type, long steps, long batch, long hidden, int gateCount, boolean cellState,
                 boolean separateRecurrent) {
        this.steps = steps;
        this.batch = batch;
        this.hidden = hidden;
        this.h = persistent(type, true, steps * batch, hidden);
        this.h0 = persistent(type, true, batch, hidden);
        this.c = cellState ? persistent(type, true, steps * batch, hidden) : null;
        this.c0 = cellState ? persistent(type, true, batch, hidden) : null;
        this.gates = persistent(type, false, steps * batch, gateCount * hidden);
        this.hproj = separateRecurrent ? persistent(type, false, steps * batch, gateCount * hidden) : null;
        this.aux = cellState ? persistent(type, true, steps * batch, hidden) : null;
        this.scratch = persistent(type, false, batch, hidden);
        this.gateCount = gateCount;
        this.cellState = cellState;
        this.separateRecurrent = separateRecurrent;
    }

    /** Allocates the backward pass's buffers on its first use (inference never needs them). */
    void ensureBackward() {
        if (dh != null) {
            return;
        }
        DataType type = h.dataType();
        ones = persistent(type, false, 1, steps * batch).assign(1);
        long gateColumns = (long) gateCount * hidden;
        dh = persistent(type, false, steps * batch, hidden);
        dh0 = persistent(type, false, batch, hidden);
        dc = cellState ? persistent(type, false, steps * batch, hidden) : null;
        dc0 = cellState ? persistent(type, false, batch, hidden) : null;
        dGates = persistent(type, true, steps * batch, gateColumns);
        dHproj = separateRecurrent ? persistent(type, true, steps * batch, gateColumns) : dGates;

    }

    /** Whether these buffers fit a pass of this shape and type (then a training pass reuses them). */
    /**
     * Buffers outlive a pass, so they are allocated outside any workspace the caller has open (the trainer runs
     * each iteration in one); ND4J would otherwise hand out memory that the workspace reuses on its next cycle.
     */
    private static INDArray persistent(DataType type, boolean zero, long rows, long columns) {
        return persistent(type, zero, 'c', rows, columns);
    }

    private static INDArray persistent(DataType type, boolean zero, char order, long rows, long columns) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return zero ? Nd4j.zeros(type, rows, columns) : Nd4j.create(type, new long[] {rows, columns}, order);
        }
    }

    /**
     * Allocates the activation-derivative buffers on first use: only the INDArray kernels need them (the host
     * kernels derive the derivatives from the activated values), and for config B of the benchmarks they are 60 MB.
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
     * Views are made once and kept: creating one costs about as much as a native call, and a pass asks for the same
     * few dozen views per step; streaming steppers and reused training buffers ask for them again on every pass.
     */
    private final Map<INDArray, Map<Long, INDArray>> views = new IdentityHashMap<>();

    private final Map<INDArray, HostArray> hostArrays = new IdentityHashMap<>();
    private final Map<Long, ReusedGemm> gemms = new HashMap<>();
    /** An f-order copy of {@code W_hh}, refreshed by each backward pass (the fast layout for {@code dh·W_hh}). */
    private INDArray recurrentWeightsF;

    /** The GEMM of {@code kind} (0: forward, 1: backward, 2: a stepper) for step t's first n rows, built once. */
    ReusedGemm stepGemm(int kind, long t, long n, java.util.function.Supplier<ReusedGemm> build) {
        return gemms.computeIfAbsent((t << 32 | n) << 1 | kind, k -> build.get());
    }

    /** {@code W_hh} copied into a persistent f-order buffer of this pass. */
    INDArray recurrentWeightsF(INDArray weights) {
        if (recurrentWeightsF == null) {
            recurrentWeightsF = persistent(weights.dataType(), false, 'f', weights.size(0), weights.size(1));
        }
        return recurrentWeightsF.assign(weights);
    }

    /** The host memory of one of these buffers (CPU backend only; see {@link HostKernels}). */
    HostArray host(INDArray buffer) {
        return hostArrays.computeIfAbsent(buffer, HostArray::of);
    }

    /** The first {@code n} rows of step {@code t}'s block of a {@code [T*B, F]} buffer: a contiguous view. */
    INDArray rows(INDArray buffer, long t, long n) {
        return views.computeIfAbsent(buffer, k -> new HashMap<>()).computeIfAbsent(t << 32 | n,
                k -> buffer.get(NDArrayIndex.interval(t * batch, t * batch + n), NDArrayIndex.all()));
    }

    /** The state before step t: {@code h_{t-1}}, or {@code h0} at t = 0 (first n rows). */
    INDArray previous(INDArray states, INDArray initial, long t, long n) {
        return t == 0 ? rows(initial, 0, n) : rows(states, t - 1, n);
    }

    /** Columns {@code [k*H, (k+m)*H)} of a row view of a gate matrix (kept like {@link #rows}). */
    INDArray gateColumns(INDArray gateRows, int k, int m) {
        return views.computeIfAbsent(gateRows, g -> new HashMap<>()).computeIfAbsent(-(((long) k << 16) | m) - 1,
                key -> gateRows.get(NDArrayIndex.all(), NDArrayIndex.interval(k * hidden, (k + m) * hidden)));
    }
}
