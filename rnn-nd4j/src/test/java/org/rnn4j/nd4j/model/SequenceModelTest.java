package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Loss;
import org.rnn4j.testkit.GradientCheck;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.loss.Reduction;
import org.rnn4j.nd4j.optim.Sgd;

class SequenceModelTest {

    private static SequenceModel model(SequenceModel.OutputMode mode, boolean head) {
        SequenceModel.Builder b = SequenceModel.builder()
                .recurrent(VanillaRnn.builder(3, 5).activation(Activation.TANH).build())
                .outputMode(mode)
                .dataType(DataType.DOUBLE)
                .seed(42);
        if (head) {
            b.head(Dense.builder(5, 2).activation(Activation.SIGMOID).build());
        }
        SequenceModel m = b.build();
        m.parameters().flat().addi(Nd4j.rand(DataType.DOUBLE, m.parameters().flat().length()).subi(0.5).muli(0.2));
        return m;
    }

    @ParameterizedTest
    @EnumSource(SequenceModel.OutputMode.class)
    void gradientsThroughHeadAndRecurrenceMatchFiniteDifferences(SequenceModel.OutputMode mode) {
        SequenceModel m = model(mode, true);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3, 3);
        INDArray y = mode == SequenceModel.OutputMode.ALL_STEPS ? Nd4j.rand(DataType.DOUBLE, 4, 3, 2)
                : Nd4j.rand(DataType.DOUBLE, 3, 2);
        Loss loss = new MeanSquaredError();
        m.computeGradients(x, y, loss);
        INDArray analytic = m.gradients().flat().dup();
        GradientCheck.assertNonTrivial("model", analytic);
        GradientCheck.check("model " + mode, m.parameters().flat(), analytic,
                () -> loss.compute(m.predict(x), y).loss());
    }

    @Test
    void gradientsWithoutHeadMatchFiniteDifferences() {
        SequenceModel m = model(SequenceModel.OutputMode.LAST_STEP, false);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 1, 1, 3);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 1, 5);
        Loss loss = new MeanSquaredError(Reduction.SUM);
        m.computeGradients(x, y, loss);
        GradientCheck.check("model without head", m.parameters().flat(), m.gradients().flat().dup(),
                () -> loss.compute(m.predict(x), y).loss());
    }

    private static SequenceModel bidirectionalGru(SequenceModel.OutputMode mode) {
        SequenceModel m = SequenceModel.builder()
                .recurrent(StackedRnn.builder(Gru.builder(3, 4).build()).bidirectional(true).build())
                .head(Dense.builder(8, 2).build())
                .outputMode(mode).dataType(DataType.DOUBLE).seed(5).build();
        m.parameters().flat().addi(Nd4j.rand(DataType.DOUBLE, m.parameters().flat().length()).subi(0.5).muli(0.2));
        return m;
    }

    @ParameterizedTest
    @EnumSource(SequenceModel.OutputMode.class)
    void maskedGradientsMatchFiniteDifferences(SequenceModel.OutputMode mode) {
        SequenceModel m = bidirectionalGru(mode);
        int[] lengths = {2, 4, 1};
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3, 3);
        INDArray y = mode == SequenceModel.OutputMode.ALL_STEPS ? Nd4j.rand(DataType.DOUBLE, 4, 3, 2)
                : Nd4j.rand(DataType.DOUBLE, 3, 2);
        Loss loss = new MeanSquaredError(Reduction.SUM);
        double value = m.computeGradients(x, lengths, y, loss);
        INDArray analytic = m.gradients().flat().dup();
        java.util.function.DoubleSupplier recompute = () -> {
            INDArray p = m.predict(x, lengths);
            if (mode == SequenceModel.OutputMode.ALL_STEPS) { // the model leaves padded steps out of the loss
                for (int b = 0; b < 3; b++) {
                    if (lengths[b] == 4) {
                        continue; // nothing padded (and ND4J cannot index an empty interval)
                    }
                    p.get(NDArrayIndex.interval(lengths[b], 4), NDArrayIndex.point(b), NDArrayIndex.all())
                            .assign(y.get(NDArrayIndex.interval(lengths[b], 4), NDArrayIndex.point(b),
                                    NDArrayIndex.all()));
                }
            }
            return loss.compute(p, y).loss();
        };
        assertEquals(recompute.getAsDouble(), value, 1e-12);
        GradientCheck.check("masked model " + mode, m.parameters().flat(), analytic, recompute,
                GradientCheck.sample(m.parameters().layout(), 10));
    }

    @Test
    void lastStepMeansEachSequencesOwnLastValidStep() {
        SequenceModel m = bidirectionalGru(SequenceModel.OutputMode.LAST_STEP);
        int[] lengths = {3, 5};
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 2, 3);
        INDArray batched = m.predict(x, lengths);
        for (int b = 0; b < 2; b++) {
            INDArray alone = m.predict(x.get(NDArrayIndex.interval(0, lengths[b]), NDArrayIndex.interval(b, b + 1),
                    NDArrayIndex.all()).dup());
            assertTrue(alone.equalsWithEps(batched.getRow(b).reshape(1, 2), 1e-12), "sequence " + b);
        }
        assertTrue(batched.getRow(0).sub(m.predict(x).getRow(0)).amaxNumber().doubleValue() > 1e-4,
                "lengths change the prediction");
    }

    @Test
    void paddedStepsDoNotCountInTheLoss() {
        SequenceModel m = bidirectionalGru(SequenceModel.OutputMode.ALL_STEPS);
        int[] lengths = {2, 4};
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, 3);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 4, 2, 2);
        double before = m.computeGradients(x, lengths, y, new MeanSquaredError());
        y.get(NDArrayIndex.interval(2, 4), NDArrayIndex.point(0), NDArrayIndex.all()).assign(100);
        assertEquals(before, m.computeGradients(x, lengths, y, new MeanSquaredError()), 1e-12);
        assertEquals(0.0, m.predict(x, lengths).get(NDArrayIndex.interval(2, 4), NDArrayIndex.point(0),
                NDArrayIndex.all()).amaxNumber().doubleValue());
    }

    @Test
    void predictionShapesFollowTheOutputMode() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 4, 3);
        assertArrayEquals(new long[] {6, 4, 2}, model(SequenceModel.OutputMode.ALL_STEPS, true).predict(x).shape());
        assertArrayEquals(new long[] {4, 2}, model(SequenceModel.OutputMode.LAST_STEP, true).predict(x).shape());
        assertArrayEquals(new long[] {6, 4, 5}, model(SequenceModel.OutputMode.ALL_STEPS, false).predict(x).shape());
    }

    @Test
    void parametersAreNamedAndShareOneBuffer() {
        SequenceModel m = model(SequenceModel.OutputMode.ALL_STEPS, true);
        assertEquals(java.util.List.of("rnn.weight_ih", "rnn.weight_hh", "rnn.bias_ih", "rnn.bias_hh",
                "head.weight", "head.bias"), m.parameters().names());
        assertEquals(5 * 3 + 5 * 5 + 5 + 5 + 2 * 5 + 2, m.parameters().flat().length());
        m.parameters().get("head.bias").assign(7);
        assertEquals(7.0, m.parameters().flat().getDouble(m.parameters().flat().length() - 1));
        assertEquals(7.0, m.head().parameters().get("bias").getDouble(0));
    }

    @Test
    void computeGradientsZeroesThePreviousGradients() {
        SequenceModel m = model(SequenceModel.OutputMode.LAST_STEP, true);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 2, 3);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 2);
        m.computeGradients(x, y, new MeanSquaredError());
        INDArray first = m.gradients().flat().dup();
        m.computeGradients(x, y, new MeanSquaredError());
        assertTrue(first.equalsWithEps(m.gradients().flat(), 1e-14));
    }

    @Test
    void sgdReducesTheLoss() {
        SequenceModel m = model(SequenceModel.OutputMode.LAST_STEP, true);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 8, 3);
        INDArray y = x.sum(0).gt(1.5).castTo(DataType.DOUBLE).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2));
        Sgd sgd = new Sgd(0.5);
        sgd.initialise(m.parameters());
        double first = m.computeGradients(x, y, new MeanSquaredError());
        double last = first;
        for (int i = 0; i < 200; i++) {
            last = m.computeGradients(x, y, new MeanSquaredError());
            sgd.step(m.parameters(), m.gradients());
        }
        assertTrue(last < first / 2, "loss " + first + " -> " + last);
    }

    @Test
    void rejectsInconsistentConfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SequenceModel.builder()
                .recurrent(VanillaRnn.builder(3, 5).build()).head(Dense.builder(4, 1).build()).build());
        assertTrue(e.getMessage().contains("head must have inputSize 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SequenceModel.builder().build());
        assertEquals("recurrent must not be null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SequenceModel.builder()
                .recurrent(VanillaRnn.builder(3, 5).build()).dataType(DataType.INT).build());
        assertTrue(e.getMessage().contains("dataType must be FLOAT or DOUBLE but is INT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VanillaRnn.builder(0, 5).build());
        assertEquals("inputSize must be > 0 but is 0", e.getMessage());
    }

    @Test
    void rejectsTargetsOfTheWrongShape() {
        SequenceModel m = model(SequenceModel.OutputMode.LAST_STEP, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.computeGradients(
                Nd4j.rand(DataType.DOUBLE, 3, 2, 3), Nd4j.rand(DataType.DOUBLE, 3, 2), new MeanSquaredError()));
        assertTrue(e.getMessage().contains("targets must have the shape of predictions [2, 2] but has [3, 2]"),
                e.getMessage());
    }
}
