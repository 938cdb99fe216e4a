package org.rnn4j.nd4j.engine;

import java.nio.FloatBuffer;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Activation;
import org.rnn4j.nd4j.internal.HostArray;

/**
 * The per-step elementwise work of the fused kernels as Java loops over the CPU host memory: one pass over the
 * step's rows instead of about ten native calls (each 10-40 µs here, more on strided gate views), with the same
 * equations as {@link LstmKernel}, {@link GruKernel} and {@link RnnKernel}, which stay the path for other backends
 * (CUDA) and are tested equal to these. Arithmetic is in double; the activation derivatives come from the activated
 * values, so {@code prepareBackward} has nothing to do. When a pass uses the Vector API ({@code plan.vectorSteps()}), the
 * LSTM and GRU forward steps run in float instead ({@code vectorForward}, beside the double forms), their activations
 * by {@link VectorKernels#sigmoidInPlace}; their backward steps then copy each row into Java arrays
 * ({@code backwardOnArrays}) and compute in float too, in loops the JIT vectorises: float32 gradients, as
 * PyTorch's and DL4J's float32 backward.
 */
final class HostKernels {
    private static final ThreadLocal<Scratch> VECTOR_ROWS = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread rows of the float (Vector API) steps, grown on demand. */
    private static final class Scratch {
        float[] gates = new float[0];
        float[] cell = new float[0];
        float[] tanhCell = new float[0];
        float[] hidden = new float[0];
        float[] recurrent = new float[0];
        float[] gateGradients = new float[0];
        float[] cellGradient = new float[0];
        float[] hiddenGradient = new float[0];
        float[] previousCellGradient = new float[0];
        float[] recurrentGradients = new float[0];
        float[] previousHiddenGradient = new float[0];

        Scratch ensure(int units) {
            if (cell.length < units) {
                gates = new float[4 * units];
                recurrent = new float[3 * units];
                cell = new float[units];
                tanhCell = new float[units];
                hidden = new float[units];
                gateGradients = new float[4 * units];
                cellGradient = new float[units];
                hiddenGradient = new float[units];
                previousCellGradient = new float[units];
                recurrentGradients = new float[3 * units];
                previousHiddenGradient = new float[units];
            }
            return this;
        }
    }
    private HostKernels() {
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** {@code 2σ(2x) - 1}: one {@code Math.exp} (an intrinsic) instead of {@code Math.tanh} (fdlibm in Java). */
    static double tanh(double x) {
        return 2 / (1 + Math.exp(-2 * x)) - 1;
    }

    /** Row {@code k} of step t's block starts at element {@code ((t·B) + k)·width}. */
    private static int row(FusedBuffers b, long t, int k, long width) {
        return Math.toIntExact((t * b.batch + k) * width);
    }

    /** Row k of the previous step's block of a [T*B, width] buffer, or of its [B, width] initial block at t = 0. */
    private static int previousRow(FusedBuffers b, long t, int k, long width) {
        return t == 0 ? Math.toIntExact(k * width) : row(b, t - 1, k, width);
    }

    /** The first column of partition p in the shared [.., H] state buffers. */
    private static int firstUnit(FusedBuffers b, int p) {
        return Math.toIntExact(p * b.partHidden);
    }

    /**
     * LSTM forward in two native calls and three Java passes without exponentials: the g block is doubled so that
     * one vectorized sigmoid over the step's contiguous [n, 4Hp] rows gives i, f, o and σ(2·g_pre), from which
     * {@code g = tanh(g_pre) = 2σ(2·g_pre) - 1}; then {@code c_t}, one vectorized tanh over the contiguous
     * [n, Hp] rows of {@code aux}, and {@code h_t}. Exponentials in Java cost about 12 ns each here, five per element;
     * ND4J's vectorized sigmoid on a contiguous block about 2 ns per element.
     */
    static final class Lstm implements StepKernel {
        @Override
        public void forward(FusedBuffers b, int p, int t, long n) {
            HostArray gates = b.host(p, b.part(b.gates, p));
            HostArray tanhC = b.host(p, b.part(b.aux, p));
            HostArray c = b.host(p, b.c);
            HostArray previousC = t == 0 ? b.host(p, b.c0) : c;
            HostArray h = b.host(p, b.h);
            int units = Math.toIntExact(b.partHidden);
            int hidden = Math.toIntExact(b.hidden);
            int first = firstUnit(b, p);
            if (b.plan.vectorSteps()) {
                vectorForward(gates.floats(), row(b, t, 0, 4L * units), previousC.floats(),
                        previousRow(b, t, 0, hidden) + first, c.floats(), h.floats(), row(b, t, 0, hidden) + first,
                        hidden, tanhC.floats(), row(b, t, 0, units), Math.toIntExact(n), units);
                return;
            }
            for (int k = 0; k < n; k++) {
                int g0 = row(b, t, k, 4L * units) + 2 * units;
                for (int j = 0; j < units; j++) {
                    gates.set(g0 + j, 2 * gates.get(g0 + j));
                }
            }
            Transforms.sigmoid(b.rows(p, b.part(b.gates, p), t, n), false);
            for (int k = 0; k < n; k++) {
                int g0 = row(b, t, k, 4L * units);
                int a0 = row(b, t, k, units);
                int s0 = row(b, t, k, hidden) + first;
                int p0 = previousRow(b, t, k, hidden) + first;
                for (int j = 0; j < units; j++) {
                    double g = 2 * gates.get(g0 + 2 * units + j) - 1;
                    gates.set(g0 + 2 * units + j, g);
                    double cell = gates.get(g0 + units + j) * previousC.get(p0 + j) + gates.get(g0 + j) * g;
                    c.set(s0 + j, cell);
                    tanhC.set(a0 + j, cell);
                }
            }
            Transforms.tanh(b.rows(p, b.part(b.aux, p), t, n), false);
            for (int k = 0; k < n; k++) {
                int g0 = row(b, t, k, 4L * units) + 3 * units;
                int a0 = row(b, t, k, units);
                int s0 = row(b, t, k, hidden) + first;
                for (int j = 0; j < units; j++) {
                    h.set(s0 + j, gates.get(g0 + j) * tanhC.get(a0 + j));
                }
            }
        }

        /**
         * The LSTM forward step of {@code rows} rows of one partition of {@code units} hidden units (the equations of
         * {@link #forward}): row k's pre-activations {@code [i f g o]} start at {@code gatesFrom + 4·units·k}
         * and are replaced by the activated gates; the previous cell state is read at {@code previousFrom + stride·k};
         * {@code c_t} and {@code h_t} are written at {@code stateFrom + stride·k}, {@code tanh(c_t)} at
         * {@code tanhFrom + units·k}. {@code previousC} may be {@code c} (step t reads step t - 1's rows).
         */
        static void vectorForward(FloatBuffer gates, int gatesFrom, FloatBuffer previousC, int previousFrom,
                                FloatBuffer c, FloatBuffer h, int stateFrom, int stride,
                                FloatBuffer tanhC, int tanhFrom, int rows, int units) {
            float[] g = VECTOR_ROWS.get().ensure(units).gates;
            for (int k = 0; k < rows; k++) {
                gates.get(gatesFrom + 4 * units * k, g, 0, 4 * units);
                vectorRows(g, 1, units, previousC, previousFrom + stride * k, c, h, stateFrom + stride * k, stride,
                        gates, gatesFrom + 4 * units * k, tanhC, tanhFrom + units * k);
            }
        }

        /**
         * The LSTM forward step of {@code rows} rows whose pre-activations are already in a Java array ({@code [i f g o]}
         * of row k from {@code 4·units·k}): activated in place, then copied to {@code gates} (at {@code gatesFrom +
         * 4·units·k}) and {@code tanh(c_t)} to {@code tanhC} unless those are null (a pass that keeps no trace for a
         * backward). States as in {@link #vectorForward}.
         */
        static void vectorRows(float[] g, int rows, int units, FloatBuffer previousC, int previousFrom,
                             FloatBuffer c, FloatBuffer h, int stateFrom, int stride, FloatBuffer gates, int gatesFrom,
                             FloatBuffer tanhC, int tanhFrom) {
            Scratch s = VECTOR_ROWS.get().ensure(units);
            float[] cell = s.cell;
            float[] hid = s.hidden;
            for (int k = 0; k < rows; k++) {
                int i0 = 4 * units * k;
                previousC.get(previousFrom + stride * k, cell, 0, units);
                vectorRow(g, i0, units, cell, 0, hid, 0, s.tanhCell);
                c.put(stateFrom + stride * k, cell, 0, units);
                h.put(stateFrom + stride * k, hid, 0, units);
                if (gates != null) {
                    gates.put(gatesFrom + 4 * units * k, g, i0, 4 * units);
                    tanhC.put(tanhFrom + units * k, s.tanhCell, 0, units);
                }
            }
        }

        /**
         * {@link #vectorRows} with the states in Java arrays: row k's cell state at {@code cStride·k} of {@code c}
         * (replaced by {@code c_t}), {@code h_t} written at {@code hFirst + hStride·k} of {@code h}; nothing else kept.
         */
        static void vectorRowsInArrays(float[] g, int rows, int units, float[] c, int cStride, float[] h, int hFirst,
                                     int hStride) {
            float[] tc = VECTOR_ROWS.get().ensure(units).tanhCell;
            for (int k = 0; k < rows; k++) {
                vectorRow(g, 4 * units * k, units, c, cStride * k, h, hFirst + hStride * k, tc);
            }
        }

        /**
         * One row: {@code [i f g o]} from {@code i0} activated in place, {@code c} at {@code cAt} replaced by
         * {@code c_t}, {@code h_t} written to {@code h} at {@code hAt}, {@code tanh(c_t)} left in {@code tc}.
         */
        private static void vectorRow(float[] g, int i0, int units, float[] c, int cAt, float[] h, int hAt, float[] tc) {
            int f0 = i0 + units;
            int g0 = f0 + units;
            int o0 = g0 + units;
            // σ over i, f, 2·g_pre, o in one loop, then g = tanh(g_pre) = 2σ(2·g_pre) - 1: each loop has one
            // exponential, which keeps the loops small enough for the JIT to inline every vector operation
            for (int j = g0; j < o0; j++) {
                g[j] *= 2;
            }
            VectorKernels.sigmoidInPlace(g, i0, 4 * units);
            for (int j = 0; j < units; j++) {
                float gg = 2 * g[g0 + j] - 1;
                g[g0 + j] = gg;
                float ct = g[f0 + j] * c[cAt + j] + g[i0 + j] * gg;
                c[cAt + j] = ct;
                tc[j] = 2 * ct;
            }
            VectorKernels.sigmoidInPlace(tc, 0, units);
            for (int j = 0; j < units; j++) {
                tc[j] = 2 * tc[j] - 1;
                h[hAt + j] = g[o0 + j] * tc[j];
            }
        }

        @Override
        public void prepareBackward(FusedBuffers b) {
        }

        @Override
        public void backward(FusedBuffers b, int p, int t, long n) {
            HostArray gates = b.host(p, b.part(b.gates, p));
            HostArray dGates = b.host(p, b.part(b.dGates, p));
            HostArray tanhC = b.host(p, b.part(b.aux, p));
            HostArray dh = b.host(p, b.part(b.dh, p));
            HostArray c = b.host(p, b.c);
            HostArray previousC = t == 0 ? b.host(p, b.c0) : c;
            HostArray dc = b.host(p, b.dc);
            HostArray previousDc = t == 0 ? b.host(p, b.dc0) : dc;
            int units = Math.toIntExact(b.partHidden);
            int hidden = Math.toIntExact(b.hidden);
            int first = firstUnit(b, p);
            if (b.plan.vectorSteps()) {
                backwardOnArrays(gates.floats(), dGates.floats(), row(b, t, 0, 4L * units), tanhC.floats(),
                        dh.floats(), row(b, t, 0, units), dc.floats(), row(b, t, 0, hidden) + first,
                        previousC.floats(), previousDc.floats(), previousRow(b, t, 0, hidden) + first, hidden,
                        Math.toIntExact(n), units);
                return;
            }
            for (int k = 0; k < n; k++) {
                int g0 = row(b, t, k, 4L * units);
                int a0 = row(b, t, k, units);
                int s0 = row(b, t, k, hidden) + first;
                int p0 = previousRow(b, t, k, hidden) + first;
                for (int j = 0; j < units; j++) {
                    double i = gates.get(g0 + j);
                    double f = gates.get(g0 + units + j);
                    double g = gates.get(g0 + 2 * units + j);
                    double o = gates.get(g0 + 3 * units + j);
                    double tc = tanhC.get(a0 + j);
                    double dhv = dh.get(a0 + j);
                    double dcv = dc.get(s0 + j) + dhv * o * (1 - tc * tc);
                    dc.set(s0 + j, dcv);
                    dGates.set(g0 + j, dcv * g * (i - i * i));
                    dGates.set(g0 + units + j, dcv * previousC.get(p0 + j) * (f - f * f));
                    dGates.set(g0 + 2 * units + j, dcv * i * (1 - g * g));
                    dGates.set(g0 + 3 * units + j, dhv * tc * (o - o * o));
                    previousDc.set(p0 + j, dcv * f);
                }
            }
        }

        /**
         * The LSTM backward step of {@code rows} rows of float32 buffers of one partition: {@link #backward}'s
         * equations in float arithmetic, on each row copied into Java arrays (bulk copies and plain array loops,
         * which the JIT vectorises, instead of an indexed buffer access per element): row k's activated gates
         * {@code [i f g o]} are read and their gradients written at {@code gatesFrom + 4·units·k}, {@code tanh(c_t)}
         * and {@code dL/dh_t} at {@code rowFrom + units·k}; {@code dL/dc_t} is read and updated at
         * {@code stateFrom + stride·k}, {@code c_{t-1}} read and {@code dL/dc_{t-1}} written at
         * {@code previousFrom + stride·k} ({@code previousDc} may be {@code dc}: step t - 1's rows).
         */
        static void backwardOnArrays(FloatBuffer gates, FloatBuffer dGates, int gatesFrom, FloatBuffer tanhC,
                                     FloatBuffer dh, int rowFrom, FloatBuffer dc, int stateFrom,
                                     FloatBuffer previousC, FloatBuffer previousDc, int previousFrom, int stride,
                                     int rows, int units) {
            Scratch s = VECTOR_ROWS.get().ensure(units);
            float[] g = s.gates;
            float[] dg = s.gateGradients;
            float[] tc = s.tanhCell;
            float[] dhv = s.hiddenGradient;
            float[] dcv = s.cellGradient;
            float[] pc = s.cell;
            float[] pdc = s.previousCellGradient;
            for (int k = 0; k < rows; k++) {
                gates.get(gatesFrom + 4 * units * k, g, 0, 4 * units);
                tanhC.get(rowFrom + units * k, tc, 0, units);
                dh.get(rowFrom + units * k, dhv, 0, units);
                dc.get(stateFrom + stride * k, dcv, 0, units);
                previousC.get(previousFrom + stride * k, pc, 0, units);
                for (int j = 0; j < units; j++) {
                    float i = g[j];
                    float f = g[units + j];
                    float gg = g[2 * units + j];
                    float o = g[3 * units + j];
                    float tanh = tc[j];
                    float dhj = dhv[j];
                    float d = dcv[j] + dhj * o * (1 - tanh * tanh);
                    dcv[j] = d;
                    dg[j] = d * gg * (i - i * i);
                    dg[units + j] = d * pc[j] * (f - f * f);
                    dg[2 * units + j] = d * i * (1 - gg * gg);
                    dg[3 * units + j] = dhj * tanh * (o - o * o);
                    pdc[j] = d * f;
                }
                dc.put(stateFrom + stride * k, dcv, 0, units);
                dGates.put(gatesFrom + 4 * units * k, dg, 0, 4 * units);
                previousDc.put(previousFrom + stride * k, pdc, 0, units);
            }
        }
    }

    static final class Gru implements StepKernel {
        @Override
        public void forward(FusedBuffers b, int p, int t, long n) {
            HostArray gates = b.host(p, b.part(b.gates, p));
            HostArray hproj = b.host(p, b.part(b.hproj, p));
            HostArray h = b.host(p, b.h);
            HostArray previousH = t == 0 ? b.host(p, b.h0) : h;
            int units = Math.toIntExact(b.partHidden);
            int hidden = Math.toIntExact(b.hidden);
            int first = firstUnit(b, p);
            if (b.plan.vectorSteps()) {
                vectorForward(gates.floats(), hproj.floats(), row(b, t, 0, 3L * units), previousH.floats(),
                        previousRow(b, t, 0, hidden) + first, h.floats(), row(b, t, 0, hidden) + first, hidden,
                        Math.toIntExact(n), units);
                return;
            }
            for (int k = 0; k < n; k++) {
                int g0 = row(b, t, k, 3L * units);
                int s0 = row(b, t, k, hidden) + first;
                int p0 = previousRow(b, t, k, hidden) + first;
                for (int j = 0; j < units; j++) {
                    double r = sigmoid(gates.get(g0 + j) + hproj.get(g0 + j));
                    double z = sigmoid(gates.get(g0 + units + j) + hproj.get(g0 + units + j));
                    double nGate = tanh(gates.get(g0 + 2 * units + j) + r * hproj.get(g0 + 2 * units + j));
                    gates.set(g0 + j, r);
                    gates.set(g0 + units + j, z);
                    gates.set(g0 + 2 * units + j, nGate);
                    h.set(s0 + j, nGate + z * (previousH.get(p0 + j) - nGate));
                }
            }
        }

        /**
         * The GRU forward step of {@code rows} rows of one partition (the equations of {@link #forward}): row
         * k's input pre-activations {@code [r z n]} start at {@code gatesFrom + 3·units·k} in {@code gates} (replaced
         * by the activated gates), its recurrent ones at the same place in {@code hproj}; {@code h_{t-1}} is read at
         * {@code previousFrom + stride·k} and {@code h_t} written at {@code stateFrom + stride·k} ({@code previousH} may
         * be {@code h}).
         */
        static void vectorForward(FloatBuffer gates, FloatBuffer hproj, int gatesFrom, FloatBuffer previousH,
                               int previousFrom, FloatBuffer h, int stateFrom, int stride, int rows, int units) {
            Scratch s = VECTOR_ROWS.get().ensure(units);
            float[] g = s.gates;
            float[] hp = s.recurrent;
            float[] previous = s.cell;
            float[] n = s.tanhCell;
            float[] hid = s.hidden;
            for (int k = 0; k < rows; k++) {
                int gatesRow = gatesFrom + 3 * units * k;
                gates.get(gatesRow, g, 0, 3 * units);
                hproj.get(gatesRow, hp, 0, 3 * units);
                previousH.get(previousFrom + stride * k, previous, 0, units);
                for (int j = 0; j < 2 * units; j++) {
                    g[j] += hp[j];
                }
                VectorKernels.sigmoidInPlace(g, 0, 2 * units); // r, z
                for (int j = 0; j < units; j++) {
                    n[j] = 2 * (g[2 * units + j] + g[j] * hp[2 * units + j]);
                }
                VectorKernels.sigmoidInPlace(n, 0, units); // tanh(a) = 2σ(2a) - 1
                for (int j = 0; j < units; j++) {
                    float nGate = 2 * n[j] - 1;
                    g[2 * units + j] = nGate;
                    hid[j] = nGate + g[units + j] * (previous[j] - nGate);
                }
                gates.put(gatesRow, g, 0, 3 * units);
                h.put(stateFrom + stride * k, hid, 0, units);
            }
        }

        @Override
        public void prepareBackward(FusedBuffers b) {
        }

        @Override
        public void backward(FusedBuffers b, int p, int t, long n) {
            HostArray gates = b.host(p, b.part(b.gates, p));
            HostArray hproj = b.host(p, b.part(b.hproj, p));
            HostArray dGates = b.host(p, b.part(b.dGates, p));
            HostArray dHproj = b.host(p, b.part(b.dHproj, p));
            HostArray dh = b.host(p, b.part(b.dh, p));
            HostArray previousDh = t == 0 ? b.host(p, b.part(b.dh0, p)) : dh;
            HostArray h = b.host(p, b.h);
            HostArray previousH = t == 0 ? b.host(p, b.h0) : h;
            int units = Math.toIntExact(b.partHidden);
            int hidden = Math.toIntExact(b.hidden);
            int first = firstUnit(b, p);
            if (b.plan.vectorSteps()) {
                backwardOnArrays(gates.floats(), hproj.floats(), dGates.floats(), dHproj.floats(),
                        row(b, t, 0, 3L * units), dh.floats(), row(b, t, 0, units), previousDh.floats(),
                        previousRow(b, t, 0, units), previousH.floats(), previousRow(b, t, 0, hidden) + first, hidden,
                        Math.toIntExact(n), units);
                return;
            }
            for (int k = 0; k < n; k++) {
                int g0 = row(b, t, k, 3L * units);
                int a0 = row(b, t, k, units);
                int d0 = previousRow(b, t, k, units);
                int p0 = previousRow(b, t, k, hidden) + first;
                for (int j = 0; j < units; j++) {
                    double r = gates.get(g0 + j);
                    double z = gates.get(g0 + units + j);
                    double nGate = gates.get(g0 + 2 * units + j);
                    double dhv = dh.get(a0 + j);
                    double hPrev = previousH.get(p0 + j);
                    double dn = dhv * (1 - z) * (1 - nGate * nGate);
                    double dz = (hPrev - nGate) * dhv * (z - z * z);
                    double dr = dn * hproj.get(g0 + 2 * units + j) * (r - r * r);
                    dGates.set(g0 + j, dr);
                    dGates.set(g0 + units + j, dz);
                    dGates.set(g0 + 2 * units + j, dn);
                    dHproj.set(g0 + j, dr);
                    dHproj.set(g0 + units + j, dz);
                    dHproj.set(g0 + 2 * units + j, dn * r);
                    previousDh.set(d0 + j, previousDh.get(d0 + j) + dhv * z);
                }
            }
        }

        /**
         * The GRU backward step of {@code rows} rows of float32 buffers of one partition: {@link #backward}'s
         * equations in float arithmetic, on each row copied into Java arrays: row k's
         * activated gates {@code [r z n]} and recurrent projections are read, and both gradients written, at
         * {@code gatesFrom + 3·units·k};
         * {@code dL/dh_t} is read at {@code rowFrom + units·k} and {@code dL/dh_{t-1}} accumulated at
         * {@code previousRowFrom + units·k} ({@code previousDh} may be {@code dh}: step t - 1's rows); {@code h_{t-1}}
         * is read at {@code previousFrom + stride·k}.
         */
        static void backwardOnArrays(FloatBuffer gates, FloatBuffer hproj, FloatBuffer dGates, FloatBuffer dHproj,
                                     int gatesFrom, FloatBuffer dh, int rowFrom, FloatBuffer previousDh,
                                     int previousRowFrom, FloatBuffer previousH, int previousFrom, int stride,
                                     int rows, int units) {
            Scratch s = VECTOR_ROWS.get().ensure(units);
            float[] g = s.gates;
            float[] hp = s.recurrent;
            float[] dg = s.gateGradients;
            float[] dhp = s.recurrentGradients;
            float[] dhv = s.hiddenGradient;
            float[] pdh = s.previousHiddenGradient;
            float[] ph = s.hidden;
            for (int k = 0; k < rows; k++) {
                gates.get(gatesFrom + 3 * units * k, g, 0, 3 * units);
                hproj.get(gatesFrom + 3 * units * k + 2 * units, hp, 0, units);
                dh.get(rowFrom + units * k, dhv, 0, units);
                previousDh.get(previousRowFrom + units * k, pdh, 0, units);
                previousH.get(previousFrom + stride * k, ph, 0, units);
                for (int j = 0; j < units; j++) {
                    float r = g[j];
                    float z = g[units + j];
                    float nGate = g[2 * units + j];
                    float dv = dhv[j];
                    float dn = dv * (1 - z) * (1 - nGate * nGate);
                    float dz = (ph[j] - nGate) * dv * (z - z * z);
                    float dr = dn * hp[j] * (r - r * r);
                    dg[j] = dr;
                    dg[units + j] = dz;
                    dg[2 * units + j] = dn;
                    dhp[j] = dr;
                    dhp[units + j] = dz;
                    dhp[2 * units + j] = dn * r;
                    pdh[j] = pdh[j] + dv * z;
                }
                dGates.put(gatesFrom + 3 * units * k, dg, 0, 3 * units);
                dHproj.put(gatesFrom + 3 * units * k, dhp, 0, 3 * units);
                previousDh.put(previousRowFrom + units * k, pdh, 0, units);
            }
        }
    }

    static final class Rnn implements StepKernel {
        private final Activation activation;

        Rnn(Activation activation) {
            this.activation = activation;
        }

        @Override
        public void forward(FusedBuffers b, int p, int t, long n) {
            HostArray gates = b.host(p, b.part(b.gates, p));
            HostArray h = b.host(p, b.h);
            int units = Math.toIntExact(b.partHidden);
            int hidden = Math.toIntExact(b.hidden);
            int first = firstUnit(b, p);
            for (int k = 0; k < n; k++) {
                int a0 = row(b, t, k, units);
                int s0 = row(b, t, k, hidden) + first;
                for (int j = 0; j < units; j++) {
                    double x = gates.get(a0 + j);
                    h.set(s0 + j, switch (activation) {
                        case TANH -> tanh(x);
                        case SIGMOID -> sigmoid(x);
                        case RELU -> Math.max(x, 0);
                        case IDENTITY -> x;
                    });
                }
            }
        }

        @Override
        public void prepareBackward(FusedBuffers b) {
        }

        @Override
        public void backward(FusedBuffers b, int p, int t, long n) {
            HostArray h = b.host(p, b.h);
            HostArray dh = b.host(p, b.part(b.dh, p));
            HostArray dGates = b.host(p, b.part(b.dGates, p));
            int units = Math.toIntExact(b.partHidden);
            int hidden = Math.toIntExact(b.hidden);
            int first = firstUnit(b, p);
            for (int k = 0; k < n; k++) {
                int a0 = row(b, t, k, units);
                int s0 = row(b, t, k, hidden) + first;
                for (int j = 0; j < units; j++) {
                    double y = h.get(s0 + j);
                    double derivative = switch (activation) {
                        case TANH -> 1 - y * y;
                        case SIGMOID -> y - y * y;
                        case RELU -> y > 0 ? 1 : 0;
                        case IDENTITY -> 1;
                    };
                    dGates.set(a0 + j, dh.get(a0 + j) * derivative);
                }
            }
        }
    }
}
