package org.rnn4j.nd4j.engine;

import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Activation;
import org.rnn4j.nd4j.internal.HostArray;

/**
 * The per-step elementwise work of the fused kernels as Java loops over the CPU host memory: one pass over the
 * step's rows instead of about ten native calls (each 10-40 µs here, more on strided gate views), with the same
 * equations as {@link LstmKernel}, {@link GruKernel} and {@link RnnKernel}, which stay the path for other backends
 * (CUDA) and are tested equal to these. Arithmetic is in double; the activation derivatives come from the activated
 * values, so {@code prepareBackward} has nothing to do. When a pass uses the Vector API ({@code plan.vectorSteps()}), the
 * LSTM and GRU forward steps are {@link VectorKernels} passes in float instead.
 */
final class HostKernels {
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
                VectorKernels.lstmForward(gates.floats(), row(b, t, 0, 4L * units), previousC.floats(),
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
                VectorKernels.gruForward(gates.floats(), hproj.floats(), row(b, t, 0, 3L * units), previousH.floats(),
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
