package org.rnn4j.nd4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Loss;
import org.rnn4j.nd4j.io.SafeTensors;
import org.rnn4j.testkit.GradientCheck;

/** Every loss against torch.nn (tools/pytorch/make_loss_reference.py), finite differences, masks and bad input. */
class LossTest {
    static Loss loss(String name, Reduction r) {
        return switch (name) {
            case "mse" -> new MeanSquaredError(r);
            case "mae" -> new MeanAbsoluteError(r);
            case "huber" -> new Huber(0.7, r);
            case "bce_logits" -> new BinaryCrossEntropyWithLogits(r);
            default -> new SoftmaxCrossEntropy(r);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"mse", "mae", "huber", "bce_logits", "cross_entropy_indices",
        "cross_entropy_probabilities"})
    void matchesTorch(String name) throws Exception {
        Map<String, INDArray> t = SafeTensors.read(Path.of(getClass().getResource("/loss/" + name
                + ".safetensors").toURI())).tensors();
        for (Reduction r : Reduction.values()) {
            String key = r.name().toLowerCase();
            Loss.Value v = loss(name, r).compute(t.get("predictions"), t.get("targets"));
            double expected = t.get(key + "_loss").getDouble(0);
            assertEquals(expected, v.loss(), 1e-9 * Math.max(1, Math.abs(expected)), name + " " + r);
            double diff = v.gradient().sub(t.get(key + "_gradient")).amaxNumber().doubleValue();
            assertTrue(diff < 1e-9, name + " " + r + " gradient differs by " + diff);
            // the in-place form (a Java pass on the CPU host for the elementwise losses)
            INDArray into = Nd4j.create(t.get("predictions").dataType(), t.get("predictions").shape());
            double lossInto = loss(name, r).computeInto(t.get("predictions"), t.get("targets"), null, into);
            assertEquals(expected, lossInto, 1e-9 * Math.max(1, Math.abs(expected)), name + " " + r + " (into)");
            diff = into.sub(t.get(key + "_gradient")).amaxNumber().doubleValue();
            assertTrue(diff < 1e-9, name + " " + r + " gradient (into) differs by " + diff);
        }
    }

    /** The host path (Java) and the INDArray path agree in float32 too, on values across each loss's regions. */
    @ParameterizedTest
    @ValueSource(strings = {"mse", "mae", "huber", "bce_logits"})
    void hostPathEqualsTheIndarrayPath(String name) {
        Nd4j.getRandom().setSeed(17);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray p = Nd4j.rand(type, 40, 3).subi(0.5).muli(6);
            INDArray targets = name.equals("bce_logits") ? Nd4j.rand(type, 40, 3) : Nd4j.rand(type, 40, 3).muli(2);
            for (Reduction r : Reduction.values()) {
                Loss.Value expected = loss(name, r).compute(p, targets);
                INDArray gradient = Nd4j.create(type, 40, 3);
                double actual = loss(name, r).computeInto(p, targets, null, gradient);
                double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
                assertEquals(expected.loss(), actual, tolerance * Math.max(1, Math.abs(expected.loss())),
                        name + " " + r + " " + type);
                double diff = gradient.sub(expected.gradient()).amaxNumber().doubleValue();
                assertTrue(diff <= tolerance * Math.max(1e-3, expected.gradient().amaxNumber().doubleValue()),
                        name + " " + r + " " + type + " gradient differs by " + diff);
            }
        }
    }

    @Test
    void computeIntoChecksItsArguments() {
        MeanSquaredError mse = new MeanSquaredError();
        INDArray z = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        assertEquals("gradient must have the predictions' shape [2, 3] and type DOUBLE but has [3, 2] and DOUBLE",
                assertThrows(IllegalArgumentException.class, () -> mse.computeInto(z, z, null,
                        Nd4j.zeros(DataType.DOUBLE, 3, 2))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> mse.computeInto(z, z, null,
                Nd4j.zeros(DataType.FLOAT, 2, 3))).getMessage().contains("and FLOAT"));
        INDArray two = Nd4j.zeros(DataType.DOUBLE, 2, 3).putScalar(1, 2, 2.0);
        assertEquals("targets of binary cross-entropy must be in [0, 1] but range over [0.0, 2.0]", assertThrows(
                IllegalArgumentException.class, () -> new BinaryCrossEntropyWithLogits().computeInto(z, two, null,
                        Nd4j.zeros(DataType.DOUBLE, 2, 3))).getMessage());
        INDArray nan = Nd4j.zeros(DataType.DOUBLE, 2, 3).putScalar(0, 1, Double.NaN);
        assertEquals("targets contains NaN or infinite values", assertThrows(IllegalArgumentException.class,
                () -> mse.computeInto(z, nan, null, Nd4j.zeros(DataType.DOUBLE, 2, 3))).getMessage());
    }

    static Stream<Arguments> gradientCases() {
        return Stream.of("mse", "mae", "huber", "bce_logits", "ce_indices", "ce_probabilities")
                .flatMap(n -> Stream.of(Arguments.of(n, Reduction.MEAN, false), Arguments.of(n, Reduction.SUM, true),
                        Arguments.of(n, Reduction.MEAN, true)));
    }

    @ParameterizedTest(name = "{0} {1} masked={2}")
    @MethodSource("gradientCases")
    void gradientsMatchFiniteDifferencesOnSequences(String name, Reduction r, boolean masked) {
        Nd4j.getRandom().setSeed(3);
        INDArray p = Nd4j.rand(DataType.DOUBLE, 3, 2, 4).subi(0.5).muli(4);   // [T, B, C]
        INDArray targets = switch (name) {
            case "ce_indices" -> Nd4j.createFromArray(new double[][] {{0, 3}, {2, 1}, {1, 1}});
            case "ce_probabilities", "bce_logits" -> Nd4j.rand(DataType.DOUBLE, 3, 2, 4);
            default -> Nd4j.rand(DataType.DOUBLE, 3, 2, 4).subi(0.5).muli(4);
        };
        INDArray mask = masked ? Nd4j.createFromArray(new double[][] {{1, 1}, {1, 0}, {0, 0}}) : null;
        Loss loss = loss(name.startsWith("ce") ? "ce" : name, r);
        Loss.Value v = loss.compute(p, targets, mask);
        GradientCheck.check(name, p, v.gradient(), () -> loss.compute(p, targets, mask).loss());
        if (masked) {
            assertEquals(0.0, v.gradient().get(org.nd4j.linalg.indexing.NDArrayIndex.point(2)).amaxNumber()
                    .doubleValue(), "masked examples get no gradient");
            assertTrue(Math.abs(v.loss() - loss.compute(p, targets).loss()) > 1e-6, "the mask changes the loss");
        }
    }

    @Test
    void stableForHugeLogits() {
        INDArray z = Nd4j.createFromArray(new double[][] {{1000, -1000, 0}, {-1e4, 1e4, 5}});
        Loss.Value ce = new SoftmaxCrossEntropy().compute(z, Nd4j.createFromArray(1.0, 1.0));
        assertTrue(Double.isFinite(ce.loss()) && ce.loss() > 0, "loss " + ce.loss());
        assertEquals(1000.0, ce.loss(), 1e-9, "mean of 2000 and 0");
        Loss.Value bce = new BinaryCrossEntropyWithLogits().compute(z, Nd4j.zeros(DataType.DOUBLE, 2, 3));
        assertTrue(Double.isFinite(bce.loss()));
        assertTrue(bce.gradient().amaxNumber().doubleValue() <= 1.0 / 6 + 1e-12);
    }

    @Test
    void badInputIsNamed() {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        INDArray z = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        assertEquals("targets[1] must be a class index in [0, 2] but is 3.0", assertThrows(
                IllegalArgumentException.class, () -> ce.compute(z, Nd4j.createFromArray(0.0, 3.0))).getMessage());
        assertEquals("targets[0] must be a class index in [0, 2] but is 0.5", assertThrows(
                IllegalArgumentException.class, () -> ce.compute(z, Nd4j.createFromArray(0.5, 1.0))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ce.compute(z, Nd4j.zeros(DataType.DOUBLE, 3)))
                .getMessage().contains("targets must be class indices of shape [2]"));
        MeanSquaredError mse = new MeanSquaredError();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> mse.compute(z, z, Nd4j.ones(3)))
                .getMessage().contains("mask must have the predictions' shape without the last dimension [2]"));
        assertEquals("mask must hold only 0 and 1", assertThrows(IllegalArgumentException.class,
                () -> mse.compute(z, z, Nd4j.createFromArray(0.5, 1.0))).getMessage());
        assertEquals("mask leaves out every example", assertThrows(IllegalArgumentException.class,
                () -> mse.compute(z, z, Nd4j.zeros(DataType.DOUBLE, 2))).getMessage());
        INDArray nan = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        nan.putScalar(0, 1, Double.NaN);
        assertEquals("predictions contains NaN or infinite values", assertThrows(IllegalArgumentException.class,
                () -> mse.compute(nan, z)).getMessage());
        assertEquals("targets must have the shape of predictions [2, 3] but has [3, 2]", assertThrows(
                IllegalArgumentException.class, () -> mse.compute(z, Nd4j.zeros(DataType.DOUBLE, 3, 2))).getMessage());
        assertEquals("delta must be a finite number > 0 but is 0.0", assertThrows(IllegalArgumentException.class,
                () -> new Huber(0, Reduction.MEAN)).getMessage());
        BinaryCrossEntropyWithLogits bce = new BinaryCrossEntropyWithLogits();
        INDArray labels = Nd4j.createFromArray(new double[][] {{0, 1, 2}, {1, 0, 1}});
        assertEquals("targets of binary cross-entropy must be in [0, 1] but range over [0.0, 2.0]",
                assertThrows(IllegalArgumentException.class, () -> bce.compute(z, labels)).getMessage());
    }
}
