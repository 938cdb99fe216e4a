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
import org.rnn4j.nd4j.cell.CellKind;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;

/** A trace of the cell loop takes one backward, as a fused layer's does: a second would add the gradients twice. */
class CellLoopTest {
    @Test
    void aSecondBackwardOnOneTraceIsRefusedAndChangesNothing() {
        RecurrentCellSpec spec = CellKind.GRU.spec(3, 4, false);
        Parameters p = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        spec.initialize(p, new SplittableRandom(1));
        Parameters g = p.zerosLike();
        SequenceLayer loop = RecurrentLayer.of(spec).create(p, g);
        assertTrue(loop instanceof CellLoop);
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 2, 3);
        SequenceLayer.Trace trace = loop.forward(x, null, null, true);
        INDArray dOut = Nd4j.rand(DataType.DOUBLE, 5, 2, 4);
        loop.backward(trace, dOut, null);
        INDArray once = g.flat().dup();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loop.backward(trace, dOut, null));
        assertEquals("trace was already passed to backward", e.getMessage());
        assertEquals(once, g.flat(), "the refused backward changed the gradients");
    }
}
