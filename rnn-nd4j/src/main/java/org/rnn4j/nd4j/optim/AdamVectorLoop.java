package org.rnn4j.nd4j.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.nd4j.internal.VectorSupport;

/**
 * {@link FloatAdamStep#elements} on the Vector API, at the one width of all rnn4j's vector kernels
 * ({@link VectorSupport#bits()}: one species per JVM). Each lane does the scalar loop's float operations in the same
 * order, and the Vector API's square root and division are correctly rounded as Java's are, so both give the same
 * bits (tested). Only call it when {@link VectorSupport#enabled()} says so: this class needs the module.
 */
final class AdamVectorLoop {
    private static final VectorSpecies<Float> SPECIES = VectorSpecies.of(float.class,
            VectorShape.forBitSize(VectorSupport.bits()));

    private AdamVectorLoop() {
    }

    /** Updates the whole vectors of elements {@code [0, n)} and returns where the scalar tail starts. */
    static int elements(FloatAdamStep h, float[] theta, float[] g, float[] m, float[] v, int n) {
        int bound = SPECIES.loopBound(n);
        for (int i = 0; i < bound; i += SPECIES.length()) {
            FloatVector p = FloatVector.fromArray(SPECIES, theta, i);
            FloatVector gi = FloatVector.fromArray(SPECIES, g, i).add(p.mul(h.decay()));
            FloatVector mi = FloatVector.fromArray(SPECIES, m, i).mul(h.beta1()).add(gi.mul(h.oneMinusBeta1()));
            FloatVector vi = FloatVector.fromArray(SPECIES, v, i).mul(h.beta2())
                    .add(gi.mul(h.oneMinusBeta2()).mul(gi));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            p.mul(h.scale()).sub(mi.mul(h.step()).div(vi.sqrt().div(h.root()).add(h.epsilon()))).intoArray(theta, i);
        }
        return bound;
    }
}
