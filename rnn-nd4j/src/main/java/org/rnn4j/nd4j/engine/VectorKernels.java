package org.rnn4j.nd4j.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.nd4j.internal.VectorSupport;

/**
 * The Vector API's part of the host kernels' steps: the sigmoid over a row of floats, of which the LSTM's and GRU's
 * float steps ({@link HostKernels.Lstm}, {@link HostKernels.Gru}, beside their other forms and their backward) make
 * every activation ({@code tanh(a) = 2σ(2a) - 1}). Only call it when the pass's {@code plan.vectorSteps()} says so:
 * this class needs the module. The per-step matrix products are {@link VectorProducts}. The vectors have the one
 * width of {@link VectorSupport#bits()}; elements past the last whole vector take the scalar lane
 * ({@link #sigmoid(float)}), so results do not depend on the width.
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

    private VectorKernels() {
    }


    /**
     * {@code x[i] ← 1 / (1 + e^{-x[i]})} for {@code count} elements from {@code from}. The elements past the last
     * whole vector go through {@link #sigmoid(float)}, the same float operations as a lane, so an element's bits do
     * not depend on where the vectors start or how wide they are.
     */
    static void sigmoidInPlace(float[] x, int from, int count) {
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
