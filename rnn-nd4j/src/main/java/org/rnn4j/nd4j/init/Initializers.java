package org.rnn4j.nd4j.init;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;

/**
 * Weight initialisers. Values are drawn in Java from a seeded {@link SplittableRandom}, so a seed gives the same
 * weights on every backend and platform.
 */
public final class Initializers {
    private Initializers() {
    }

    /** Xavier/Glorot uniform: {@code U(-a, a)} with {@code a = sqrt(6 / (fanIn + fanOut))}, for {@code [out, in]}. */
    public static void xavierUniform(INDArray weight, SplittableRandom random) {
        long[] s = matrixShape(weight);
        double a = Math.sqrt(6.0 / (s[0] + s[1]));
        uniform(weight, -a, a, random);
    }

    /** {@code U(low, high)} for every element. */
    public static void uniform(INDArray target, double low, double high, SplittableRandom random) {
        double[] v = new double[Math.toIntExact(target.length())];
        for (int i = 0; i < v.length; i++) {
            v[i] = low + (high - low) * random.nextDouble();
        }
        target.assign(Nd4j.createFromArray(v).reshape(target.shape()).castTo(target.dataType()));
    }

    /**
     * A random orthogonal matrix (rows orthonormal if {@code rows <= cols}, columns otherwise): Gram-Schmidt on a
     * Gaussian matrix, as in Saxe et al. 2014. Orthogonal recurrent weights keep gradient norms steady through time.
     */
    public static void orthogonal(INDArray weight, SplittableRandom random) {
        long[] s = matrixShape(weight);
        int rows = Math.toIntExact(s[0]);
        int cols = Math.toIntExact(s[1]);
        boolean transpose = rows > cols;
        int n = transpose ? cols : rows;
        int m = transpose ? rows : cols;
        double[][] q = new double[n][m];
        for (int i = 0; i < n; i++) {
            do {
                for (int j = 0; j < m; j++) {
                    q[i][j] = gaussian(random);
                }
                for (int k = 0; k < i; k++) {
                    double dot = 0;
                    for (int j = 0; j < m; j++) {
                        dot += q[i][j] * q[k][j];
                    }
                    for (int j = 0; j < m; j++) {
                        q[i][j] -= dot * q[k][j];
                    }
                }
            } while (normalize(q[i]) < 1e-6);
        }
        INDArray result = Nd4j.createFromArray(q);
        weight.assign((transpose ? result.transpose() : result).castTo(weight.dataType()));
    }

    private static double normalize(double[] row) {
        double norm = 0;
        for (double x : row) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        for (int j = 0; j < row.length; j++) {
            row[j] /= norm;
        }
        return norm;
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static long[] matrixShape(INDArray weight) {
        Checks.notNull(weight, "weight");
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("weight must be a matrix but has rank " + weight.rank());
        }
        return weight.shape();
    }
}
