package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Loss;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.optim.Sgd;
import org.rnn4j.testkit.GradientCheck;

class TruncatedBpttTest {
    private static SequenceModel model() {
        return SequenceModel.builder().recurrent(Lstm.builder(2, 6).build()).head(Dense.builder(6, 1).build())
                .dataType(DataType.DOUBLE).seed(4).build();
    }

    /** A NaN or a bad token id in the last chunk is refused before the first chunk steps the optimizer. */
    @Test
    void aBadValueInALateChunkChangesNothing() {
        SequenceModel m = model();
        org.rnn4j.nd4j.optim.Adam adam = new org.rnn4j.nd4j.optim.Adam(0.01);
        adam.initialise(m.parameters());
        TruncatedBptt tbptt = new TruncatedBptt(m, adam, new MeanSquaredError(), 4, 4);
        tbptt.train(Nd4j.rand(DataType.DOUBLE, 12, 2, 2), Nd4j.rand(DataType.DOUBLE, 12, 2, 1)); // Adam has state
        INDArray parameters = m.parameters().flat().dup();
        INDArray gradients = m.gradients().flat().dup();
        java.util.Map<String, INDArray> optimizerState = new java.util.HashMap<>();
        adam.state().forEach((name, value) -> optimizerState.put(name, value.dup()));
        long optimizerSteps = adam.steps();
        long passes = m.trainingPasses();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 12, 2, 2);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 12, 2, 1);
        INDArray badX = x.dup();
        badX.putScalar(new long[] {11, 1, 0}, Double.NaN);
        INDArray badY = y.dup();
        badY.putScalar(new long[] {10, 0, 0}, Double.POSITIVE_INFINITY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tbptt.train(badX, y));
        assertTrue(e.getMessage().contains("input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tbptt.train(x, badY));
        assertTrue(e.getMessage().contains("targets"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.computeGradients(x, Nd4j.rand(DataType.DOUBLE, 12, 2,
                3), new MeanSquaredError()), "targets of the wrong width");
        assertTrue(parameters.equalsWithEps(m.parameters().flat(), 0), "parameters unchanged");
        assertTrue(gradients.equalsWithEps(m.gradients().flat(), 0), "gradients unchanged");
        adam.state().forEach((name, value) -> assertTrue(optimizerState.get(name).equalsWithEps(value, 0), name));
        assertEquals(optimizerSteps, adam.steps(), "optimizer steps unchanged");
        assertEquals(passes, m.trainingPasses(), "the dropout streams did not move");

        SequenceModel tokens = SequenceModel.builder().embedding(new org.rnn4j.nd4j.layer.Embedding(5, 2, 0))
                .recurrent(Lstm.builder(2, 3).build()).head(Dense.builder(3, 1).build()).dataType(DataType.DOUBLE)
                .seed(1).build();
        Sgd sgd = new Sgd(0.1);
        sgd.initialise(tokens.parameters());
        INDArray ids = Nd4j.zeros(DataType.DOUBLE, 12, 2).addi(1);
        ids.putScalar(new long[] {11, 0}, 7);
        INDArray before = tokens.parameters().flat().dup();
        e = assertThrows(IllegalArgumentException.class, () -> new TruncatedBptt(tokens, sgd,
                new MeanSquaredError(), 4, 4).train(ids, Nd4j.rand(DataType.DOUBLE, 12, 2, 1)));
        assertTrue(e.getMessage().contains("token id in [0, 4] but is 7"), e.getMessage());
        assertTrue(before.equalsWithEps(tokens.parameters().flat(), 0));
    }

    @Test
    void oneChunkCoveringTheSequenceIsPlainBptt() {
        SequenceModel a = model();
        SequenceModel b = model();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 8, 3, 2);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 8, 3, 1);
        Sgd sa = new Sgd(0.1);
        sa.initialise(a.parameters());
        Sgd sb = new Sgd(0.1);
        sb.initialise(b.parameters());
        new TruncatedBptt(a, sa, new MeanSquaredError(), 8, 8).train(x, y);
        b.computeGradients(x, y, new MeanSquaredError());
        sb.step(b.parameters(), b.gradients());
        assertTrue(a.parameters().flat().equalsWithEps(b.parameters().flat(), 1e-14));
    }

    @Test
    void chunksCarryTheStateAndCutTheGradient() {
        SequenceModel m = model();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 2, 2);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 6, 2, 1);
        State carried = m.advance(x.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all(), NDArrayIndex.all()).dup(),
                null, null);
        INDArray tail = x.get(NDArrayIndex.interval(4, 6), NDArrayIndex.all(), NDArrayIndex.all()).dup();
        INDArray tailTargets = y.get(NDArrayIndex.interval(4, 6), NDArrayIndex.all(), NDArrayIndex.all()).dup();
        Loss loss = new MeanSquaredError();
        SequenceModel.Step step = m.computeGradients(tail, null, tailTargets, loss, carried);
        // the chunk's output continues the full sequence's
        INDArray full = m.predict(x);
        INDArray fromState = full.get(NDArrayIndex.interval(4, 6), NDArrayIndex.all(), NDArrayIndex.all());
        assertEquals(loss.compute(fromState.dup(), tailTargets).loss(), step.loss(), 1e-12);
        // and its gradients are those of the chunk alone, the carried state held fixed
        GradientCheck.check("chunk", m.parameters().flat(), m.gradients().flat().dup(),
                () -> loss.compute(chunkPrediction(m, tail, carried), tailTargets).loss());
    }

    private static INDArray chunkPrediction(SequenceModel m, INDArray chunk, State initial) {
        // predictions from a given state: the head over the recurrent outputs
        INDArray outputs = m.recurrent().forward(chunk, null, initial).outputs();
        return m.head().forward(outputs.reshape('c', outputs.size(0) * outputs.size(1), outputs.size(2)))
                .reshape('c', outputs.size(0), outputs.size(1), 1);
    }

    @Test
    void trainsAndRejectsNonsense() {
        SequenceModel m = model();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 40, 4, 2);
        INDArray y = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 1)).dup();
        Sgd sgd = new Sgd(0.2);
        sgd.initialise(m.parameters());
        TruncatedBptt tbptt = new TruncatedBptt(m, sgd, new MeanSquaredError(), 10, 5);
        double first = tbptt.train(x, y);
        double last = first;
        for (int i = 0; i < 60; i++) {
            last = tbptt.train(x, y);
        }
        assertTrue(last < first / 2, "loss " + first + " -> " + last);
        assertEquals("backwardLength must be in [1, forwardLength = 10] but is 11", assertThrows(
                IllegalArgumentException.class, () -> new TruncatedBptt(m, sgd, new MeanSquaredError(), 10, 11))
                .getMessage());
        SequenceModel last1 = SequenceModel.builder().recurrent(Lstm.builder(2, 6).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TruncatedBptt(last1, sgd,
                new MeanSquaredError(), 10, 5)).getMessage().contains("ALL_STEPS"));
    }
}
