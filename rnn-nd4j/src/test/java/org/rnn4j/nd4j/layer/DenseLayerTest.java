package org.rnn4j.nd4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Parameters;

/**
 * A dense layer's training path (its own buffers and reused products) computes what its plain path computes, pass
 * after pass, and hands out the same buffer each time.
 */
class DenseLayerTest {
    @Test
    void trainingPathEqualsThePlainPath() {
        for (Activation activation : new Activation[] {Activation.IDENTITY, Activation.TANH}) {
            for (boolean bias : new boolean[] {true, false}) {
                Dense spec = Dense.builder(5, 3).activation(activation).bias(bias).build();
                Parameters p = Parameters.zeros(spec.layout(), DataType.DOUBLE);
                spec.initialize(p, new SplittableRandom(2));
                if (bias) {
                    p.get("bias").assign(Nd4j.createFromArray(0.1, -0.2, 0.3));
                }
                DenseLayer plain = spec.create(p, p.zerosLike());
                DenseLayer trained = spec.create(p, p.zerosLike());
                INDArray previousY = null;
                for (int pass = 0; pass < 3; pass++) {
                    Nd4j.getRandom().setSeed(pass);
                    INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 5).subi(0.5);
                    INDArray dy = Nd4j.rand(DataType.DOUBLE, 4, 3).subi(0.5);
                    INDArray y0 = plain.forward(x);
                    INDArray y1 = trained.forward(x, true);
                    String what = activation + (bias ? " with bias" : "") + " pass " + pass;
                    close(y0, y1, what + ": outputs");
                    if (previousY != null) {
                        assertSame(previousY, y1, what + ": the training output buffer is reused");
                    }
                    previousY = y1;
                    close(plain.backward(x, y0, dy), trained.backward(x, y1, dy), what + ": input gradients");
                    close(plain.gradients().flat(), trained.gradients().flat(), what + ": parameter gradients");
                }
                assertNotEquals(0.0, trained.gradients().flat().norm2Number().doubleValue());
            }
        }
    }

    /** Bias sums run as products with a row of ones on one path and as reductions on the other: rounding differs. */
    private static void close(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < 1e-14, what + " differ by " + diff);
    }

    /** Mismatched backward arguments are named before any gradient changes (it was a failed ND4J matmul). */
    @Test
    void backwardArgumentsThatDoNotFitAreNamedAndChangeNothing() {
        Dense spec = Dense.builder(3, 2).build();
        Parameters p = Parameters.zeros(spec.layout(), DataType.FLOAT);
        spec.initialize(p, new SplittableRandom(1));
        Parameters g = p.zerosLike();
        DenseLayer layer = spec.create(p, g);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3);
        INDArray y = layer.forward(x, false);
        INDArray dy = Nd4j.rand(DataType.FLOAT, 4, 2);
        String[][] cases = {
            {"input must have shape [rows, inputSize] (the output's rows) = [4, 3] but has shape [2, 3]"},
            {"output must have shape [rows, outputSize] = [*, 2] but has shape [4, 5]"},
            {"input must have data type FLOAT but has DOUBLE"}};
        Runnable[] calls = {
            () -> layer.backward(Nd4j.rand(DataType.FLOAT, 2, 3), y, dy),
            () -> layer.backward(x, Nd4j.rand(DataType.FLOAT, 4, 5), dy),
            () -> layer.backward(x.castTo(DataType.DOUBLE), y, dy)};
        for (int c = 0; c < calls.length; c++) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    calls[c]::run);
            assertTrue(e.getMessage().contains(cases[c][0]), e.getMessage());
            assertTrue(g.flat().equalsWithEps(Nd4j.zeros(DataType.FLOAT, g.flat().length()), 0), "gradients unchanged");
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> layer.backward(x, null, dy));
    }
}
