package org.rnn4j.nd4j.optim;

import java.nio.FloatBuffer;
import org.rnn4j.nd4j.internal.VectorSupport;

/**
 * One Adam update of float32 parameters on the CPU host memory, with its constants in float as torch computes them:
 * {@code g += decay·θ; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g·g; θ = θ·scale - step·m / (√v / root + ε)}.
 * It copies blocks of the four buffers into per-thread arrays, updates them there (on the Vector API where the JVM
 * has it, {@link AdamVectorLoop}, whose lanes do the same float operations in the same order, so the same bits) and
 * copies θ, m and v back: a loop over the direct buffers themselves runs element by element.
 */
record FloatAdamStep(float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2, float decay, float scale,
                     float step, float root, float epsilon) {
    private static final int BLOCK = 4096;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][BLOCK]);

    /** Elements {@code [from, to)}. */
    void run(FloatBuffer theta, FloatBuffer g, FloatBuffer m, FloatBuffer v, int from, int to) {
        float[][] s = SCRATCH.get();
        for (int start = from; start < to; start += BLOCK) {
            int n = Math.min(BLOCK, to - start);
            theta.get(start, s[0], 0, n);
            g.get(start, s[1], 0, n);
            m.get(start, s[2], 0, n);
            v.get(start, s[3], 0, n);
            int done = VectorSupport.enabled() ? AdamVectorLoop.elements(this, s[0], s[1], s[2], s[3], n) : 0;
            elements(s[0], s[1], s[2], s[3], done, n);
            theta.put(start, s[0], 0, n);
            m.put(start, s[2], 0, n);
            v.put(start, s[3], 0, n);
        }
    }

    /** The update of array elements {@code [from, to)}: the operations every vector lane repeats. */
    void elements(float[] theta, float[] g, float[] m, float[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            float p = theta[i];
            float gi = g[i] + decay * p;
            float mi = beta1 * m[i] + oneMinusBeta1 * gi;
            float vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            theta[i] = p * scale - step * mi / ((float) Math.sqrt(vi) / root + epsilon);
        }
    }
}
