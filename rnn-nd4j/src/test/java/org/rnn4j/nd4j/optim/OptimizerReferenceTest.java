package org.rnn4j.nd4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Optimizer;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.testkit.HostPaths;
import org.rnn4j.nd4j.io.SafeTensors;

/** Optimizers, schedules and clipping against torch (tools/pytorch/make_optimizer_reference.py), to 1e-6. */
class OptimizerReferenceTest {
    static double d(Map<String, String> meta, String key, double fallback) {
        return meta.containsKey(key) ? Double.parseDouble(meta.get(key)) : fallback;
    }

    static Optimizer optimizer(Map<String, String> meta) {
        double lr = d(meta, "lr", Double.NaN);
        double wd = d(meta, "weight_decay", 0);
        String[] betas = meta.getOrDefault("betas", "0.9,0.999").split(",");
        return switch (meta.get("optimizer")) {
            case "SGD" -> new Sgd(lr, d(meta, "momentum", 0), d(meta, "dampening", 0),
                    Boolean.parseBoolean(meta.getOrDefault("nesterov", "false")), wd);
            case "Adam" -> new Adam(lr, Double.parseDouble(betas[0]), Double.parseDouble(betas[1]),
                    d(meta, "eps", 1e-8), wd);
            case "AdamW" -> Adam.adamW(lr, Double.parseDouble(betas[0]), Double.parseDouble(betas[1]),
                    d(meta, "eps", 1e-8), wd);
            case "RMSprop" -> new RmsProp(lr, d(meta, "alpha", 0.99), d(meta, "eps", 1e-8), wd);
            case "Adagrad" -> new Adagrad(lr, d(meta, "lr_decay", 0), wd, d(meta, "eps", 1e-10));
            default -> throw new IllegalArgumentException(meta.get("optimizer"));
        };
    }

    static SafeTensors.Contents read(String name) throws Exception {
        return SafeTensors.read(Path.of(OptimizerReferenceTest.class.getResource("/optim/" + name
                + ".safetensors").toURI()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "sgd_momentum", "sgd_nesterov_weight_decay", "adam", "adam_weight_decay", "adamw",
        "rmsprop", "adagrad"})
    void matchesTorchOptim(String name) throws Exception {
        SafeTensors.Contents ref = read(name);
        matchesTorchOptim(name, ref, true);
        // Adam's Java pass over the CPU host memory off: the INDArray path (what other backends run) must match too
        HostPaths.with(false, () -> matchesTorchOptim(name, ref, false));
    }

    private static void matchesTorchOptim(String name, SafeTensors.Contents ref, boolean hostPaths) {
        INDArray initial = ref.tensors().get("initial");
        INDArray gradients = ref.tensors().get("gradients");
        INDArray after = ref.tensors().get("after");
        ParameterLayout layout = ParameterLayout.builder().add("w", 4).add("b", initial.length() - 4).build();
        Parameters p = Parameters.zeros(layout, DataType.DOUBLE);
        Parameters g = p.zerosLike();
        p.flat().assign(initial);
        Optimizer opt = optimizer(ref.metadata());
        opt.initialise(p);
        for (int s = 0; s < gradients.size(0); s++) {
            g.flat().assign(gradients.getRow(s));
            INDArray before = g.flat().dup();
            opt.step(p, g);
            assertTrue(before.equals(g.flat()), "the optimizer must not modify the gradients");
            double diff = p.flat().sub(after.getRow(s)).amaxNumber().doubleValue();
            assertTrue(diff < 1e-6, name + " step " + (s + 1) + (hostPaths ? "" : " (INDArray path)")
                    + " differs from torch.optim by " + diff);
        }
        opt.finalise();
    }

    @Test
    void schedulesMatchTorch() throws Exception {
        Map<String, INDArray> t = read("schedules").tensors();
        Map<String, LearningRateSchedule> ours = Map.of(
                "step", LearningRateSchedule.step(0.1, 3, 0.5),
                "exponential", LearningRateSchedule.exponential(0.1, 0.9),
                "cosine", LearningRateSchedule.cosine(0.1, 10, 0.001),
                "linear_warmup", LearningRateSchedule.linearWarmup(0.1, 0.1, 4));
        ours.forEach((name, schedule) -> {
            double[] expected = t.get(name).toDoubleVector();
            for (int e = 0; e < expected.length; e++) {
                assertEquals(expected[e], schedule.rate(e), 1e-9, name + " epoch " + e);
            }
        });
        Sgd sgd = new Sgd(0.1);
        sgd.setLearningRate(ours.get("cosine").rate(3));
        assertEquals(t.get("cosine").getDouble(3), sgd.learningRate(), 1e-9);
    }

    @Test
    void clippingMatchesTorch() throws Exception {
        Map<String, INDArray> t = read("clipping").tensors();
        ParameterLayout layout = ParameterLayout.builder().add("w", t.get("gradient").length()).build();
        Parameters g = Parameters.zeros(layout, DataType.DOUBLE);
        g.flat().assign(t.get("gradient"));
        double norm = GradientClipping.byGlobalNorm(g, 1.5);
        assertEquals(t.get("norm").getDouble(0), norm, 1e-9);
        assertTrue(g.flat().equalsWithEps(t.get("by_norm_1.5"), 1e-9));
        g.flat().assign(t.get("gradient"));
        GradientClipping.byValue(g, 1.0);
        assertTrue(g.flat().equalsWithEps(t.get("by_value_1.0"), 1e-12));
    }

    @Test
    void nonsenseHyperparametersAreRejected() {
        assertEquals("learningRate must be a finite number > 0 but is -1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adam(-1)).getMessage());
        assertEquals("learningRate must be a finite number > 0 but is NaN",
                assertThrows(IllegalArgumentException.class, () -> new Sgd(Double.NaN)).getMessage());
        assertEquals("beta1 must be in [0, 1) but is 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 1, 0.9, 1e-8, 0)).getMessage());
        assertEquals("weightDecay must be a finite number >= 0 but is NaN", assertThrows(
                IllegalArgumentException.class, () -> new Adam(0.1, 0.9, 0.9, 1e-8, Double.NaN)).getMessage());
        assertEquals("nesterov needs momentum > 0 and dampening = 0", assertThrows(
                IllegalArgumentException.class, () -> new Sgd(0.1, 0, 0, true, 0)).getMessage());
        assertEquals("momentum must be in [0, 1) but is -0.5", assertThrows(
                IllegalArgumentException.class, () -> new Sgd(0.1, -0.5, 0, false, 0)).getMessage());
        assertEquals("startFactor must be in (0, 1] but is 0.0", assertThrows(
                IllegalArgumentException.class, () -> LearningRateSchedule.linearWarmup(0.1, 0, 3)).getMessage());
        assertEquals("maxNorm must be a finite number > 0 but is 0.0", assertThrows(IllegalArgumentException.class,
                () -> GradientClipping.byGlobalNorm(Parameters.zeros(ParameterLayout.builder().add("w", 1).build(),
                        DataType.FLOAT), 0)).getMessage());
        Adam adam = new Adam(0.1);
        Parameters p = Parameters.zeros(ParameterLayout.builder().add("w", 2).build(), DataType.FLOAT);
        assertThrows(IllegalStateException.class, () -> adam.step(p, p.zerosLike()));
    }

    /** Any positive long is a valid period, Long.MAX_VALUE included; zero or less is refused by name. */
    @Test
    void schedulesTakeAnyPositiveLongPeriod() {
        assertEquals(0.1, LearningRateSchedule.step(0.1, Long.MAX_VALUE, 0.5)
                .rate(1_000_000), 1e-15);
        assertEquals(0.1, LearningRateSchedule.cosine(0.1, Long.MAX_VALUE, 0)
                .rate(0), 1e-15);
        assertEquals(0.05, LearningRateSchedule.linearWarmup(0.1, 0.5,
                Long.MAX_VALUE).rate(0), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.step(0.1, 0, 0.5));
        assertEquals("stepSize must be positive but is 0", e.getMessage());
    }
}
