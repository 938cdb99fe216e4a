package org.rnn4j.nd4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.nd4j.internal.VectorSupport;
import org.rnn4j.testkit.SystemProperties;

/**
 * Adam's float update gives the same bits on the Vector API as in the scalar loop, over several blocks and a tail
 * that is not a whole vector, with weight decay; the build runs it at 128, 256 and 512 bits ({@code vector-*}).
 */
class FloatAdamStepTest {
    @Test
    void vectorLanesEqualTheScalarLoopBitForBit() {
        assertTrue(VectorSupport.enabled(), "surefire's argLine must add jdk.incubator.vector");
        FloatAdamStep h = new FloatAdamStep(0.9f, 0.999f, 0.1f, 0.001f, 0.01f, 0.9999f, 0.0031f, 0.0447f, 1e-8f);
        int n = 3 * 4096 + 37;
        SplittableRandom random = new SplittableRandom(11);
        float[] theta = randoms(random, n, 1);
        float[] g = randoms(random, n, 0.1);
        float[] m = randoms(random, n, 0.01);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(0, 1e-3);
        }
        float[][] vector = run(h, theta, g, m, v, true);
        float[][] scalar = run(h, theta, g, m, v, false);
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(scalar[k], vector[k], new String[] {"theta", "m", "v"}[k]);
        }
        assertTrue(vector[0][5] != theta[5], "the parameters moved");
    }

    private static float[][] run(FloatAdamStep h, float[] theta, float[] g, float[] m, float[] v, boolean vectors) {
        FloatBuffer th = direct(theta);
        FloatBuffer m1 = direct(m);
        FloatBuffer v1 = direct(v);
        SystemProperties.with(VectorSupport.PROPERTY, Boolean.toString(vectors), () -> {
            h.run(th, direct(g), m1, v1, 0, theta.length);
            return null;
        });
        return new float[][] {array(th), array(m1), array(v1)};
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(0, values);
        return b;
    }

    private static float[] array(FloatBuffer b) {
        float[] out = new float[b.limit()];
        b.get(0, out);
        return out;
    }

    private static float[] randoms(SplittableRandom random, int n, double scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextDouble(-1, 1) * scale);
        }
        return values;
    }
}
