package org.rnn4j.nd4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

/** Export and import of optimizer state: what exact resumption from a checkpoint rests on. */
class OptimizerStateTest {
    private static final ParameterLayout LAYOUT = ParameterLayout.builder().add("w", 3, 4).add("b", 3).build();

    private static List<Supplier<FlatOptimizer>> all() {
        return List.of(() -> new Sgd(0.1, 0.9, 0, true, 0.01), () -> new Adam(0.01, 0.8, 0.99, 1e-6, 0.1),
                () -> Adam.adamW(0.01), () -> new RmsProp(0.01, 0.9, 1e-8, 0.05), () -> new Adagrad(0.1, 0.01, 0.02, 1e-10));
    }

    private static Parameters gradient(int step) {
        Parameters g = Parameters.zeros(LAYOUT, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(100 + step);
        g.flat().assign(Nd4j.randn(DataType.DOUBLE, LAYOUT.size()));
        return g;
    }

    @Test
    void restoredStateContinuesExactlyLikeTheUninterruptedRun() {
        for (Supplier<FlatOptimizer> make : all()) {
            Parameters start = Parameters.zeros(LAYOUT, DataType.DOUBLE);
            start.flat().assign(Nd4j.linspace(-1, 1, LAYOUT.size(), DataType.DOUBLE));
            Parameters straight = start.copy();
            FlatOptimizer a = make.get();
            a.initialise(straight);
            for (int t = 0; t < 6; t++) {
                a.step(straight, gradient(t));
            }

            Parameters interrupted = start.copy();
            FlatOptimizer b = make.get();
            b.initialise(interrupted);
            for (int t = 0; t < 3; t++) {
                b.step(interrupted, gradient(t));
            }
            Map<String, INDArray> saved = b.state();
            FlatOptimizer c = Optimizers.create(b.kind(), b.hyperparameters());
            c.initialise(interrupted);
            c.restore(saved, b.steps());
            for (int t = 3; t < 6; t++) {
                c.step(interrupted, gradient(t));
            }
            assertEquals(straight.flat(), interrupted.flat(), a.kind());
            assertEquals(6, c.steps());
            assertTrue(saved.values().stream().allMatch(s -> s.length() == LAYOUT.size()));
        }
    }

    /** A step on a NaN or infinite gradient is refused, naming the parameter, and changes nothing. */
    @Test
    void nonFiniteGradientsAreRefusedBeforeAnythingChanges() {
        for (Supplier<FlatOptimizer> make : all()) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
                Parameters p = Parameters.zeros(LAYOUT, DataType.DOUBLE);
                p.flat().assign(Nd4j.linspace(-1, 1, LAYOUT.size(), DataType.DOUBLE));
                FlatOptimizer optimizer = make.get();
                optimizer.initialise(p);
                optimizer.step(p, gradient(0));
                Parameters parametersBefore = p.copy();
                java.util.Map<String, INDArray> stateBefore = optimizer.state();
                long stepsBefore = optimizer.steps();
                Parameters g = gradient(1);
                String last = g.names().get(g.names().size() - 1);
                g.get(last).putScalar(0, bad);
                IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class, () -> optimizer.step(p, g));
                org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("gradients of '" + last + "'"),
                        e.getMessage());
                assertEquals(parametersBefore.flat(), p.flat(), optimizer.kind() + ": parameters changed");
                assertEquals(stepsBefore, optimizer.steps(), optimizer.kind() + ": step counted");
                optimizer.state().forEach((name, buffer) -> assertEquals(stateBefore.get(name), buffer,
                        optimizer.kind() + ": state " + name + " changed"));
            }
        }
    }

    @Test
    void stateIsACopy() {
        Parameters p = Parameters.zeros(LAYOUT, DataType.DOUBLE);
        Adam adam = new Adam(0.1);
        adam.initialise(p);
        adam.step(p, gradient(0));
        INDArray copy = adam.state().get("exp_avg");
        copy.assign(7);
        assertTrue(adam.state().get("exp_avg").maxNumber().doubleValue() < 7);
    }

    @Test
    void badStateAndSettingsAreRefusedWithTheirNames() {
        Parameters p = Parameters.zeros(LAYOUT, DataType.DOUBLE);
        Adam adam = new Adam(0.1);
        assertThrows(IllegalStateException.class, adam::state);
        adam.initialise(p);
        INDArray good = Nd4j.zeros(DataType.DOUBLE, LAYOUT.size());
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> adam.restore(Map.of("exp_avg", good), 1));
        assertTrue(names.getMessage().contains("exp_avg_sq"), names.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> adam.restore(Map.of("exp_avg", good, "exp_avg_sq", Nd4j.zeros(DataType.DOUBLE, 3)), 1));
        assertTrue(length.getMessage().contains("15"), length.getMessage());
        INDArray nan = good.dup().putScalar(2, Double.NaN);
        assertThrows(IllegalArgumentException.class, () -> adam.restore(Map.of("exp_avg", good, "exp_avg_sq", nan), 1));
        assertThrows(IllegalArgumentException.class, () -> adam.restore(Map.of("exp_avg", good, "exp_avg_sq", good), -1));

        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create("adamax", Map.of("lr", 0.1)));
        assertTrue(kind.getMessage().contains("adamax") && kind.getMessage().contains("sgd"), kind.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create("adam", Map.of("lr", 0.1)));
        assertTrue(missing.getMessage().contains("beta1"), missing.getMessage());
        Map<String, Double> negative = new java.util.HashMap<>(new Adam(0.1).hyperparameters());
        negative.put("lr", -1.0);
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adam", negative));
        Map<String, Double> extra = new java.util.HashMap<>(new Adam(0.1).hyperparameters());
        extra.put("momentum", 0.9);
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adam", extra));
    }
}
