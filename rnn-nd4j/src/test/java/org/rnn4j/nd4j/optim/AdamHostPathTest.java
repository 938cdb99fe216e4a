package org.rnn4j.nd4j.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.testkit.HostPaths;

/**
 * Adam's Java pass on the CPU host (split over two threads on a machine with two cores: 140k parameters) and its
 * INDArray path (other backends) agree in float32 over many steps.
 */
class AdamHostPathTest {
    private static INDArray run(Adam adam, boolean hostPaths) {
        return HostPaths.with(hostPaths, () -> {
            Parameters p = Parameters.zeros(ParameterLayout.builder().add("w", 140_000).add("b", 7).build(),
                    DataType.FLOAT);
            Parameters g = p.zerosLike();
            Nd4j.getRandom().setSeed(23);
            p.flat().assign(Nd4j.rand(DataType.FLOAT, 140_007).subi(0.5));
            adam.initialise(p);
            for (int step = 0; step < 30; step++) {
                g.flat().assign(Nd4j.rand(DataType.FLOAT, 140_007).subi(0.5).muli(step % 7 + 1));
                adam.step(p, g);
            }
            adam.finalise();
            return p.flat().dup();
        });
    }

    @Test
    void hostPathEqualsTheIndarrayPath() {
        for (Adam adam : new Adam[] {new Adam(1e-2), new Adam(1e-2, 0.8, 0.99, 1e-6, 0.1),
            Adam.adamW(1e-2, 0.9, 0.999, 1e-8, 0.05)}) {
            INDArray host = run(adam, true);
            INDArray plain = run(adam, false);
            double diff = host.sub(plain).amaxNumber().doubleValue();
            double moved = host.sub(run(new Adam(1e-9), true)).amaxNumber().doubleValue();
            assertTrue(moved > 0.05, adam.hyperparameters() + ": the parameters moved only " + moved);
            assertTrue(diff < 2e-6, adam.hyperparameters() + ": host and INDArray paths differ by " + diff);
        }
    }
}
