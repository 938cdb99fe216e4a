package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellKind;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.layer.StackedRnn;

/**
 * {@link SequenceLayer#backwardParameters} (what a model over raw features calls) gives exactly the parameter
 * gradients of {@link SequenceLayer#backward}, and skips the input gradient: it creates fewer native arrays.
 */
class BackwardParametersTest {
    private static final int[] LENGTHS = {4, 5, 2};

    private interface LayerFactory {
        SequenceLayer create(Parameters parameters, Parameters gradients);
    }

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void fusedLayersGiveTheSameParameterGradients(CellKind kind) {
        for (int hidden : new int[] {6, 128}) { // 128: two partitions on two cores
            for (boolean host : new boolean[] {true, false}) {
                RecurrentCellSpec spec = kind.spec(3, hidden, true);
                int partitions = host && hidden == 128 ? 2 : 1;
                compare(kind + " hidden " + hidden + (host ? " host" : " INDArray"), spec.layout(),
                        (p, g) -> new FusedRecurrentLayer(spec, p, g, host, partitions, true));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LSTM", "GRU", "RNN_TANH"})
    void stacksGiveTheSameParameterGradients(CellKind kind) {
        for (boolean fused : new boolean[] {true, false}) {
            StackedRnn spec = StackedRnn.builder(kind.spec(3, 6, fused)).layers(2).bidirectional(true).build();
            compare(kind + " stack" + (fused ? "" : " of reference cells"), spec.layout(), spec::create);
        }
    }

    private static void compare(String what, ParameterLayout layout, LayerFactory factory) {
        Parameters parameters = Parameters.zeros(layout, DataType.DOUBLE);
        SplittableRandom random = new SplittableRandom(3);
        for (long i = 0; i < parameters.flat().length(); i++) {
            parameters.flat().putScalar(i, (random.nextDouble() - 0.5) * 0.4);
        }
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3, 3).subi(0.5);
        Parameters full = parameters.zerosLike();
        Parameters only = parameters.zerosLike();
        SequenceLayer a = factory.create(parameters, full);
        SequenceLayer b = factory.create(parameters, only);
        INDArray dOut = Nd4j.rand(DataType.DOUBLE, 5, 3, a.outputSize()).subi(0.5);
        INDArray[] parts = new INDArray[a.stateArity()];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = Nd4j.rand(DataType.DOUBLE, 3, a.hiddenSize()).subi(0.5);
        }
        State dFinal = State.of(parts);
        SequenceLayer.Trace ta = a.forward(x, LENGTHS, null, true);
        long before = Nd4j.getDeallocatorService().nextValue();
        a.backward(ta, dOut, dFinal);
        long withInput = Nd4j.getDeallocatorService().nextValue() - before;
        SequenceLayer.Trace tb = b.forward(x, LENGTHS, null, true);
        before = Nd4j.getDeallocatorService().nextValue();
        b.backwardParameters(tb, dOut, dFinal);
        long parametersOnly = Nd4j.getDeallocatorService().nextValue() - before;

        assertNotEquals(0.0, full.flat().norm2Number().doubleValue(), what);
        assertEquals(full.flat(), only.flat(), what + ": parameter gradients");
        assertTrue(parametersOnly < withInput, what + ": native objects " + parametersOnly + " (parameters only) vs "
                + withInput + " (with the input gradient)");
    }
}
