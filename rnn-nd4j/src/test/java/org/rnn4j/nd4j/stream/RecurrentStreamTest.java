package org.rnn4j.nd4j.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.RecurrentLayer;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;

class RecurrentStreamTest {
    private static SequenceModel model() {
        return SequenceModel.builder()
                .recurrent(StackedRnn.builder(Lstm.builder(3, 8).build()).layers(2).build())
                .head(Dense.builder(8, 2).build())
                .dataType(DataType.DOUBLE).seed(11).build();
    }

    @Test
    void stepsAndChunksEqualTheFullForwardPass() {
        SequenceModel m = model();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 9, 1, 3);
        INDArray full = m.predict(x);
        RecurrentStream stream = new RecurrentStream(m.recurrent(), m.head(), 1);
        for (int t = 0; t < 9; t++) {
            INDArray y = stream.step(x.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()));
            assertTrue(y.equalsWithEps(full.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()),
                    1e-12), "step " + t);
        }
        stream.reset();
        INDArray first = stream.feed(x.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all(), NDArrayIndex.all()));
        INDArray rest = stream.feed(x.get(NDArrayIndex.interval(4, 9), NDArrayIndex.all(), NDArrayIndex.all()));
        assertTrue(Nd4j.concat(0, first, rest).equalsWithEps(full, 1e-12), "chunks");
    }

    /** {@code step(x, out)} writes what {@code step(x)} returns; a bad {@code out} is refused before the step. */
    @Test
    void steppingIntoTheCallersRowEqualsSteppingAndBadRowsChangeNothing() {
        SequenceModel floats = SequenceModel.builder().recurrent(Lstm.builder(3, 8).build())
                .dataType(DataType.FLOAT).seed(12).build();
        for (SequenceModel m : new SequenceModel[] {model(), floats}) {
            DataType type = m.parameters().flat().dataType();
            boolean head = m.head() != null;
            long outputs = head ? 2 : 8;
            INDArray x = Nd4j.rand(type, 6, 2, 3);
            RecurrentStream fresh = new RecurrentStream(m.recurrent(), m.head(), 2);
            RecurrentStream into = new RecurrentStream(m.recurrent(), m.head(), 2);
            INDArray out = Nd4j.create(type, 2, outputs);
            for (int t = 0; t < 6; t++) {
                INDArray xt = x.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
                if (t == 3) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> into.step(xt, Nd4j.create(type, 2, outputs + 1)));
                    assertTrue(e.getMessage().contains("out") && e.getMessage().contains(String.valueOf(outputs)),
                            e.getMessage());
                    assertThrows(IllegalArgumentException.class, () -> into.step(xt, Nd4j.create(
                            type == DataType.FLOAT ? DataType.DOUBLE : DataType.FLOAT, 2, outputs)));
                    IllegalArgumentException view = assertThrows(IllegalArgumentException.class,
                            () -> into.step(xt, Nd4j.create(type, outputs, 2).transpose()));
                    assertTrue(view.getMessage().startsWith("out must be a contiguous c-order array"),
                            view.getMessage());
                }
                INDArray expected = fresh.step(xt);
                assertSame(out, into.step(xt, out));
                assertEquals(expected, out, (head ? "with a head" : "float, no head") + ", step " + t);
            }
        }
    }

    @Test
    void layersWithoutAStepperStreamThroughFullForwardPasses() {
        SequenceModel m = SequenceModel.builder()
                .recurrent(org.rnn4j.nd4j.cell.Gru.builder(3, 5).fused(false).build())
                .dataType(DataType.DOUBLE).seed(2).build();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 2, 3);
        INDArray full = m.predict(x);
        RecurrentStream stream = new RecurrentStream(m.recurrent(), null, 2);
        INDArray a = stream.feed(x.get(NDArrayIndex.interval(0, 2), NDArrayIndex.all(), NDArrayIndex.all()));
        INDArray b = stream.feed(x.get(NDArrayIndex.interval(2, 6), NDArrayIndex.all(), NDArrayIndex.all()));
        assertTrue(Nd4j.concat(0, a, b).equalsWithEps(full, 1e-12));
        assertTrue(stream.state().hidden().equalsWithEps(full.get(NDArrayIndex.point(5), NDArrayIndex.all(),
                NDArrayIndex.all()), 1e-12), "state is the last output");
    }

    @Test
    void theFastPathCarriesAndResetsItsState() {
        SequenceModel m = model();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 1, 3);
        RecurrentStream stream = new RecurrentStream(m.recurrent(), m.head(), 1);
        INDArray first = stream.feed(x);
        State after = stream.state();
        assertEquals(4, after.arity(), "two LSTM layers: h and c each");
        assertTrue(after.get(2).equalsWithEps(m.recurrent().forward(x, null).finalState().get(2), 1e-12));
        stream.reset();
        assertTrue(stream.feed(x).equalsWithEps(first, 1e-12), "after reset the stream starts from zeros");
    }

    @Test
    void oneModelServesManyThreadsEachWithItsOwnState() throws Exception {
        SequenceModel m = model();
        int sessions = 8;
        List<INDArray> inputs = new ArrayList<>();
        List<INDArray> expected = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, 12, 1, 3);
            inputs.add(x);
            expected.add(m.predict(x));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<INDArray>> results = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                INDArray x = inputs.get(s);
                Callable<INDArray> session = () -> {
                    RecurrentStream stream = new RecurrentStream(m.recurrent(), m.head(), 1);
                    List<INDArray> outs = new ArrayList<>();
                    for (int t = 0; t < 12; t++) {
                        outs.add(stream.step(x.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()))
                                .reshape(1, 1, 2));
                    }
                    return Nd4j.concat(0, outs.toArray(new INDArray[0]));
                };
                results.add(pool.submit(session));
            }
            for (int s = 0; s < sessions; s++) {
                assertTrue(results.get(s).get().equalsWithEps(expected.get(s), 1e-12), "session " + s);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void rejectsBidirectionalLayersAndWrongShapes() {
        SequenceModel bi = SequenceModel.builder()
                .recurrent(StackedRnn.builder(Lstm.builder(3, 4).build()).bidirectional(true).build()).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RecurrentStream(bi.recurrent(), null, 1));
        assertTrue(e.getMessage().contains("bidirectional"), e.getMessage());
        RecurrentStream stream = new RecurrentStream(model().recurrent(), null, 1);
        e = assertThrows(IllegalArgumentException.class, () -> stream.step(Nd4j.zeros(DataType.DOUBLE, 2, 3)));
        assertEquals("x must have shape [batch, inputSize] = [1, 3] but has shape [2, 3] (rank 2)", e.getMessage());
    }

    @Test
    void anEmptyChunkIsAClearError() {
        Lstm spec = Lstm.builder(3, 4).build();
        Parameters p = Parameters.zeros(spec.layout(), DataType.FLOAT);
        RecurrentStream stream = new RecurrentStream(RecurrentLayer.of(spec).create(p, p.zerosLike()), null, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> stream.feed(Nd4j.create(DataType.FLOAT, 0, 2, 3)));
        assertEquals("chunk must have at least one step but has 0", e.getMessage());
    }
}
