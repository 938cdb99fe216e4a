package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellKind;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;

/**
 * {@code SequenceLayer.finalState}, the inference pass that copies out only the final state: the same values as
 * {@code forward(..., false).finalState()} for padded, unsorted batches with an initial state, the same checks, and
 * the result stays the caller's after the thread's next pass.
 */
class FinalStateOnlyTest {
    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LSTM", "GRU", "RNN_TANH"})
    void equalsTheFullPassFinalState(CellKind kind) {
        RecurrentCellSpec spec = kind.spec(3, 8, true);
        Parameters parameters = Parameters.zeros(spec.layout(), DataType.FLOAT);
        spec.initialize(parameters, new SplittableRandom(4));
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, parameters, parameters.zerosLike());
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 4, 3);
        int[] lengths = {2, 6, 1, 4};
        State initial = spec.stateArity() == 2 ? State.of(Nd4j.rand(DataType.FLOAT, 4, 8), Nd4j.rand(DataType.FLOAT,
                4, 8)) : State.of(Nd4j.rand(DataType.FLOAT, 4, 8));
        for (int[] l : new int[][] {null, lengths}) {
            State full = layer.forward(x, l, initial, false).finalState();
            State only = layer.finalState(x, l, initial);
            layer.finalState(x.mul(2), l, null); // the thread's next pass reuses the buffers
            for (int k = 0; k < spec.stateArity(); k++) {
                assertEquals(full.get(k), only.get(k), kind + " state " + k + ", lengths " + (l != null));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.finalState(Nd4j.rand(DataType.FLOAT, 6, 4, 5), null, null));
        assertTrue(e.getMessage().contains("input"), e.getMessage());
    }
}
