package org.rnn4j.nd4j.engine;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.nd4j.internal.VectorSupport;

/**
 * The LSTM and GRU forward steps of the host kernels as one Vector API pass over a step's rows each, instead of two
 * native transforms and three Java passes (LSTM; ND4J's sigmoid and tanh cost more per element than the whole
 * vector step) or three {@code Math.exp} per unit (GRU). Rows are copied to per-thread
 * scratch arrays and back, because the Vector API reads Java arrays on every JDK that has it (its buffer access
 * changed after JDK 17). Only call it when the pass's {@code plan.vectorSteps()} says so; the results equal the other
 * paths' to float rounding. The per-step matrix products are {@link VectorProducts}. The vectors have the one width
 * of {@link VectorSupport#bits()}; elements past the last whole vector take the scalar lane ({@link #sigmoid(float)}),
 * so results do not depend on the width.
 *
 * <p>The exponential is computed here from exact operations (multiply, add, bit shifts), not
 * with the Vector API's {@code EXP}: that one gives different bits before and after the JIT compiles the loop (a
 * Java fallback, then the CPU library's), so a training run resumed from a checkpoint did not end on exactly the
 * parameters of the uninterrupted run. These operations give the same bits in the interpreter and in compiled code.
 */
final class VectorKernels {
    /** The one vector species of the kernels ({@link VectorSupport#bits()}). */
    static final VectorSpecies<Float> SPECIES = VectorSpecies.of(float.class,
            VectorShape.forBitSize(VectorSupport.bits()));
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorKernels() {
    }

    /** Per-thread row buffers, grown on demand. */
    private static final class Scratch {
        float[] gates = new float[0];
        float[] cell = new float[0];
        float[] tanhCell = new float[0];
        float[] hidden = new float[0];
        float[] recurrent = new float[0];

        Scratch ensure(int units) {
            if (cell.length < units) {
                gates = new float[4 * units];
                recurrent = new float[3 * units];
                cell = new float[units];
                tanhCell = new float[units];
                hidden = new float[units];
            }
            return this;
        }
    }

    /**
     * The LSTM forward step of {@code rows} rows of one partition of {@code units} hidden units (the equations of
     * {@link HostKernels.Lstm}): row k's pre-activations {@code [i f g o]} start at {@code gatesFrom + 4·units·k}
     * and are replaced by the activated gates; the previous cell state is read at {@code previousFrom + stride·k};
     * {@code c_t} and {@code h_t} are written at {@code stateFrom + stride·k}, {@code tanh(c_t)} at
     * {@code tanhFrom + units·k}. {@code previousC} may be {@code c} (step t reads step t - 1's rows).
     */
    static void lstmForward(FloatBuffer gates, int gatesFrom, FloatBuffer previousC, int previousFrom,
                            FloatBuffer c, FloatBuffer h, int stateFrom, int stride,
                            FloatBuffer tanhC, int tanhFrom, int rows, int units) {
        float[] g = SCRATCH.get().ensure(units).gates;
        for (int k = 0; k < rows; k++) {
            gates.get(gatesFrom + 4 * units * k, g, 0, 4 * units);
            lstmRows(g, 1, units, previousC, previousFrom + stride * k, c, h, stateFrom + stride * k, stride,
                    gates, gatesFrom + 4 * units * k, tanhC, tanhFrom + units * k);
        }
    }

    /**
     * The LSTM forward step of {@code rows} rows whose pre-activations are already in a Java array ({@code [i f g o]}
     * of row k from {@code 4·units·k}): activated in place, then copied to {@code gates} (at {@code gatesFrom +
     * 4·units·k}) and {@code tanh(c_t)} to {@code tanhC} unless those are null (a pass that keeps no trace for a
     * backward). States as in {@link #lstmForward}.
     */
    static void lstmRows(float[] g, int rows, int units, FloatBuffer previousC, int previousFrom,
                         FloatBuffer c, FloatBuffer h, int stateFrom, int stride, FloatBuffer gates, int gatesFrom,
                         FloatBuffer tanhC, int tanhFrom) {
        Scratch s = SCRATCH.get().ensure(units);
        float[] cell = s.cell;
        float[] hid = s.hidden;
        for (int k = 0; k < rows; k++) {
            int i0 = 4 * units * k;
            previousC.get(previousFrom + stride * k, cell, 0, units);
            lstmRow(g, i0, units, cell, 0, hid, 0, s.tanhCell);
            c.put(stateFrom + stride * k, cell, 0, units);
            h.put(stateFrom + stride * k, hid, 0, units);
            if (gates != null) {
                gates.put(gatesFrom + 4 * units * k, g, i0, 4 * units);
                tanhC.put(tanhFrom + units * k, s.tanhCell, 0, units);
            }
        }
    }

    /**
     * {@link #lstmRows} with the states in Java arrays: row k's cell state at {@code cStride·k} of {@code c}
     * (replaced by {@code c_t}), {@code h_t} written at {@code hFirst + hStride·k} of {@code h}; nothing else kept.
     */
    static void lstmRowsInArrays(float[] g, int rows, int units, float[] c, int cStride, float[] h, int hFirst,
                                 int hStride) {
        float[] tc = SCRATCH.get().ensure(units).tanhCell;
        for (int k = 0; k < rows; k++) {
            lstmRow(g, 4 * units * k, units, c, cStride * k, h, hFirst + hStride * k, tc);
        }
    }

    /**
     * One row: {@code [i f g o]} from {@code i0} activated in place, {@code c} at {@code cAt} replaced by
     * {@code c_t}, {@code h_t} written to {@code h} at {@code hAt}, {@code tanh(c_t)} left in {@code tc}.
     */
    private static void lstmRow(float[] g, int i0, int units, float[] c, int cAt, float[] h, int hAt, float[] tc) {
        int f0 = i0 + units;
        int g0 = f0 + units;
        int o0 = g0 + units;
        // σ over i, f, 2·g_pre, o in one loop, then g = tanh(g_pre) = 2σ(2·g_pre) - 1: each loop has one
        // exponential, which keeps the loops small enough for the JIT to inline every vector operation
        for (int j = g0; j < o0; j++) {
            g[j] *= 2;
        }
        sigmoidInPlace(g, i0, 4 * units);
        for (int j = 0; j < units; j++) {
            float gg = 2 * g[g0 + j] - 1;
            g[g0 + j] = gg;
            float ct = g[f0 + j] * c[cAt + j] + g[i0 + j] * gg;
            c[cAt + j] = ct;
            tc[j] = 2 * ct;
        }
        sigmoidInPlace(tc, 0, units);
        for (int j = 0; j < units; j++) {
            tc[j] = 2 * tc[j] - 1;
            h[hAt + j] = g[o0 + j] * tc[j];
        }
    }

    /**
     * The GRU forward step of {@code rows} rows of one partition (the equations of {@link HostKernels.Gru}): row
     * k's input pre-activations {@code [r z n]} start at {@code gatesFrom + 3·units·k} in {@code gates} (replaced
     * by the activated gates), its recurrent ones at the same place in {@code hproj}; {@code h_{t-1}} is read at
     * {@code previousFrom + stride·k} and {@code h_t} written at {@code stateFrom + stride·k} ({@code previousH} may
     * be {@code h}).
     */
    static void gruForward(FloatBuffer gates, FloatBuffer hproj, int gatesFrom, FloatBuffer previousH,
                           int previousFrom, FloatBuffer h, int stateFrom, int stride, int rows, int units) {
        Scratch s = SCRATCH.get().ensure(units);
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
            sigmoidInPlace(g, 0, 2 * units); // r, z
            for (int j = 0; j < units; j++) {
                n[j] = 2 * (g[2 * units + j] + g[j] * hp[2 * units + j]);
            }
            sigmoidInPlace(n, 0, units); // tanh(a) = 2σ(2a) - 1
            for (int j = 0; j < units; j++) {
                float nGate = 2 * n[j] - 1;
                g[2 * units + j] = nGate;
                hid[j] = nGate + g[units + j] * (previous[j] - nGate);
            }
            gates.put(gatesRow, g, 0, 3 * units);
            h.put(stateFrom + stride * k, hid, 0, units);
        }
    }

    /**
     * {@code x[i] ← 1 / (1 + e^{-x[i]})} for {@code count} elements from {@code from}. The elements past the last
     * whole vector go through {@link #sigmoid(float)}, the same float operations as a lane, so an element's bits do
     * not depend on where the vectors start or how wide they are.
     */
    private static void sigmoidInPlace(float[] x, int from, int count) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int i = from;
        int end = from + count;
        for (int bound = from + SPECIES.loopBound(count); i < bound; i += SPECIES.length()) {
            one.div(exp(FloatVector.fromArray(SPECIES, x, i).neg()).add(one)).intoArray(x, i);
        }
        for (; i < end; i++) {
            x[i] = sigmoid(x[i]);
        }
    }

    // e^x = 2^n · e^r with n = round(x·log2 e), r = x - n·ln 2 (in two parts, Cody and Waite), e^r by Cephes' expf
    // polynomial on |r| <= ln 2 / 2: within 3 ulp (VectorKernelsTest). x is clamped so that 2^n stays a normal float.
    private static final float LOG2_E = 1.44269504088896341f;
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds to an integer, which then sits in the low bits of the float. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B400000;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    static FloatVector exp(FloatVector x) {
        x = x.max(-87.3f).min(88.3f);
        FloatVector shifted = x.mul(LOG2_E).add(ROUNDER);
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = x.sub(n.mul(LN2_HIGH)).sub(n.mul(LN2_LOW)); // n·ln2_high is exact: 9 significant bits
        FloatVector p = r.mul(P0).add(P1);
        p = p.mul(r).add(P2);
        p = p.mul(r).add(P3);
        p = p.mul(r).add(P4);
        p = p.mul(r).add(P5);
        p = p.mul(r.mul(r)).add(r).add(1f);
        IntVector exponent = ((IntVector) shifted.reinterpretAsInts()).sub(ROUNDER_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23);
        return p.mul(exponent.reinterpretAsFloats());
    }

    /** One lane of {@link #exp(FloatVector)}: the same operations in the same order, so the same bits. */
    static float exp(float x) {
        x = Math.min(Math.max(x, -87.3f), 88.3f);
        float shifted = x * LOG2_E + ROUNDER;
        float n = shifted - ROUNDER;
        float r = x - n * LN2_HIGH - n * LN2_LOW;
        float p = r * P0 + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        p = p * (r * r) + r + 1f;
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(shifted) - (ROUNDER_BITS - 127)) << 23);
    }

    /** One lane of the vector sigmoid of {@link #sigmoidInPlace}. */
    static float sigmoid(float x) {
        return 1f / (exp(-x) + 1f);
    }

}
