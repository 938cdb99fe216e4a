package org.rnn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Keeps the benchmarks from rotting: every runner does its work once on a tiny workload. */
class RunnersTest {
    private static final Workload TINY = new Workload("tiny", 3, 4, 5, 2);

    @ParameterizedTest
    @ValueSource(strings = {"rnn4j-lstm", "rnn4j-gru", "rnn4j-rnn", "dl4j-lstm", "dl4j-rnn"})
    void everyRunnerTrainsInfersAndSteps(String impl) {
        Runner runner = Runners.create(impl, TINY);
        double first = ((Number) runner.train()).doubleValue();
        assertTrue(Double.isFinite(first), impl + " loss " + first);
        INDArray prediction = (INDArray) runner.infer();
        assertEquals(TINY.batch(), prediction.size(0), impl + " predicts one value per sequence");
        INDArray step = (INDArray) runner.step();
        assertTrue(step.length() > 0);
        assertEquals(impl.endsWith("lstm") ? 4 : impl.endsWith("gru") ? 3 : 1, runner.gates());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dl4j-gru", "tf-lstm"})
    void unknownImplementationsAreRejected(String impl) {
        assertThrows(IllegalArgumentException.class, () -> Runners.create(impl, TINY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "B"})
    void flopsFollowTheStatedFormula(String name) {
        Workload w = Workload.named(name);
        assertEquals(2.0 * w.steps() * w.batch() * (w.input() + w.hidden()) * 4 * w.hidden(), w.forwardFlops(4));
    }
}
