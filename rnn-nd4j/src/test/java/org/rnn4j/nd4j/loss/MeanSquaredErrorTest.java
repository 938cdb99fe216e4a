package org.rnn4j.nd4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Loss;
import org.rnn4j.testkit.GradientCheck;

class MeanSquaredErrorTest {
    @ParameterizedTest
    @EnumSource(MeanSquaredError.Reduction.class)
    void valueAndGradient(MeanSquaredError.Reduction reduction) {
        INDArray p = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}});
        INDArray t = Nd4j.createFromArray(new double[][] {{0, 2}, {5, 4}});
        MeanSquaredError mse = new MeanSquaredError(reduction);
        Loss.Value v = mse.compute(p, t);
        double sum = 1 + 0 + 4 + 0;
        assertEquals(reduction == MeanSquaredError.Reduction.MEAN ? sum / 4 : sum, v.loss(), 1e-12);
        GradientCheck.check("mse", p, v.gradient(), () -> mse.compute(p, t).loss());
    }

    @Test
    void rejectsMismatchesAndNaN() {
        MeanSquaredError mse = new MeanSquaredError();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mse.compute(Nd4j.zeros(2, 3), Nd4j.zeros(3, 2)));
        assertTrue(e.getMessage().contains("targets must have the shape of predictions [2, 3] but has [3, 2]"));
        INDArray nan = Nd4j.zeros(2);
        nan.putScalar(1, Double.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> mse.compute(Nd4j.zeros(2), nan));
        assertEquals("targets contains NaN or infinite values", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> mse.compute(Nd4j.zeros(DataType.FLOAT, 2), Nd4j.zeros(DataType.DOUBLE, 2)));
        assertEquals("targets must have data type FLOAT but has DOUBLE", e.getMessage());
    }
}
