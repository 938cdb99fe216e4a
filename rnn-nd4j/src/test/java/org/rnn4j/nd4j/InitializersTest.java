package org.rnn4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.init.Initializers;

class InitializersTest {
    @Test
    void orthogonalHasOrthonormalRowsOrColumns() {
        INDArray square = Nd4j.create(DataType.DOUBLE, 16, 16);
        Initializers.orthogonal(square, new SplittableRandom(1));
        assertTrue(square.mmul(square.transpose()).equalsWithEps(Nd4j.eye(16).castTo(DataType.DOUBLE), 1e-10));
        INDArray tall = Nd4j.create(DataType.DOUBLE, 12, 4);
        Initializers.orthogonal(tall, new SplittableRandom(2));
        assertTrue(tall.transpose().mmul(tall).equalsWithEps(Nd4j.eye(4).castTo(DataType.DOUBLE), 1e-10));
    }

    @Test
    void xavierIsBoundedAndSeedDeterministic() {
        INDArray a = Nd4j.create(DataType.FLOAT, 30, 20);
        INDArray b = Nd4j.create(DataType.FLOAT, 30, 20);
        Initializers.xavierUniform(a, new SplittableRandom(5));
        Initializers.xavierUniform(b, new SplittableRandom(5));
        double bound = Math.sqrt(6.0 / 50);
        assertTrue(a.amaxNumber().doubleValue() <= bound);
        assertTrue(a.amaxNumber().doubleValue() > bound * 0.9, "spans the range");
        assertTrue(a.equals(b));
    }
}
