package org.rnn4j.nd4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.VanillaRnn;

/** Data types and argument checks of the sequence layers (gradients: {@link RecurrentLayerTest}). */
class SequenceLayerInputTest {

    @Test
    void float32RunsAndMatchesFloat64() {
        VanillaRnn spec = VanillaRnn.builder(3, 4).build();
        Parameters p64 = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        spec.initialize(p64, new SplittableRandom(1));
        Parameters p32 = Parameters.zeros(spec.layout(), DataType.FLOAT);
        p32.flat().assign(p64.flat().castTo(DataType.FLOAT));
        INDArray x64 = Nd4j.rand(DataType.DOUBLE, 6, 2, 3);
        INDArray y64 = RecurrentLayer.of(spec).create(p64, p64.zerosLike()).forward(x64, null).outputs();
        INDArray y32 = RecurrentLayer.of(spec).create(p32, p32.zerosLike()).forward(x64.castTo(DataType.FLOAT), null).outputs();
        assertEquals(DataType.FLOAT, y32.dataType());
        assertTrue(y64.castTo(DataType.FLOAT).equalsWithEps(y32, 1e-5));
    }

    @Test
    void rejectsBadInputBeforeComputing() {
        VanillaRnn spec = VanillaRnn.builder(3, 4).build();
        Parameters p = Parameters.zeros(spec.layout(), DataType.FLOAT);
        SequenceLayer layer = RecurrentLayer.of(spec).create(p, p.zerosLike());
        assertMessage(() -> layer.forward(null, null), "input must not be null");
        assertMessage(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 3), null),
                "input must have shape [time, batch, inputSize] = [*, *, 3] but has shape [2, 3] (rank 2)");
        assertMessage(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 1, 5), null),
                "[*, *, 3] but has shape [2, 1, 5]");
        assertMessage(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 0, 1, 3), null), "at least one time step");
        assertMessage(() -> layer.forward(Nd4j.zeros(DataType.DOUBLE, 2, 1, 3), null),
                "input must have data type FLOAT but has DOUBLE");
        INDArray nan = Nd4j.zeros(DataType.FLOAT, 2, 1, 3);
        nan.putScalar(new long[] {1, 0, 2}, Float.NaN);
        assertMessage(() -> layer.forward(nan, null), "input contains NaN or infinite values");
        INDArray inf = Nd4j.zeros(DataType.FLOAT, 2, 1, 3);
        inf.putScalar(new long[] {0, 0, 0}, Float.POSITIVE_INFINITY);
        assertMessage(() -> layer.forward(inf, null), "input contains NaN or infinite values");
        assertMessage(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 2, 3),
                State.of(Nd4j.zeros(DataType.FLOAT, 3, 4))), "initial[0] must have shape [batch, hidden] = [2, 4]");
        SequenceLayer.Trace tr = layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 2, 3), null);
        assertMessage(() -> layer.backward(tr, Nd4j.zeros(DataType.FLOAT, 2, 3, 4), null),
                "outputGradients must have shape [time, batch, outputSize] = [2, 2, 4] but has shape [2, 3, 4]");
        assertMessage(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 2, 3), new int[] {2}, null),
                "lengths must have one entry per sequence (2) but has 1");
        assertMessage(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 2, 3), new int[] {2, 3}, null),
                "lengths[1] must be in [1, 2] (the time dimension of input) but is 3");
        assertMessage(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 2, 3), new int[] {0, 2}, null),
                "lengths[0] must be in [1, 2] (the time dimension of input) but is 0");
        SequenceLayer lstm = RecurrentLayer.of(org.rnn4j.nd4j.cell.Lstm.builder(3, 4).build()).create(
                Parameters.zeros(org.rnn4j.nd4j.cell.Lstm.builder(3, 4).build().layout(), DataType.FLOAT),
                Parameters.zeros(org.rnn4j.nd4j.cell.Lstm.builder(3, 4).build().layout(), DataType.FLOAT));
        assertMessage(() -> lstm.forward(Nd4j.zeros(DataType.FLOAT, 2, 2, 3),
                State.of(Nd4j.zeros(DataType.FLOAT, 2, 4))), "initial must have 2 part(s) but has 1");
        SequenceLayer other = RecurrentLayer.of(spec).create(p, p.zerosLike());
        assertMessage(() -> other.backward(tr, null, null), "trace must come from this layer's forward");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String expectedPart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedPart), "message '" + e.getMessage() + "' lacks '"
                + expectedPart + "'");
    }

}
