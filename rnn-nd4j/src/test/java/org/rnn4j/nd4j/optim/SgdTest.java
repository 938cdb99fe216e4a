package org.rnn4j.nd4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

class SgdTest {
    private final ParameterLayout layout = ParameterLayout.builder().add("w", 2, 2).add("b", 2).build();

    @Test
    void stepSubtractsTheScaledGradient() {
        Parameters p = Parameters.zeros(layout, DataType.DOUBLE);
        p.flat().assign(Nd4j.createFromArray(1.0, 2, 3, 4, 5, 6));
        Parameters g = p.zerosLike();
        g.flat().assign(Nd4j.createFromArray(10.0, 0, -10, 1, 2, 3));
        Sgd sgd = new Sgd(0.1);
        sgd.initialise(p);
        sgd.step(p, g);
        assertTrue(Nd4j.createFromArray(0.0, 2, 4, 3.9, 4.8, 5.7).equalsWithEps(p.flat(), 1e-12), p.flat().toString());
        assertTrue(Nd4j.createFromArray(10.0, 0, -10, 1, 2, 3).equalsWithEps(g.flat(), 0), "gradients untouched");
    }

    @Test
    void enforcesTheLifecycleAndHyperparameters() {
        Parameters p = Parameters.zeros(layout, DataType.FLOAT);
        Sgd sgd = new Sgd(0.1);
        assertThrows(IllegalStateException.class, () -> sgd.step(p, p.zerosLike()));
        sgd.initialise(p);
        Parameters other = Parameters.zeros(ParameterLayout.builder().add("w", 3).build(), DataType.FLOAT);
        assertThrows(IllegalArgumentException.class, () -> sgd.step(other, other.zerosLike()));
        for (double bad : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(bad));
            assertEquals("learningRate must be a finite number > 0 but is " + bad, e.getMessage());
        }
    }
}
