package org.rnn4j.nd4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.nd4j.layer.RecurrentLayerTest.assertClose;
import static org.rnn4j.nd4j.layer.RecurrentLayerTest.row;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellKind;
import org.rnn4j.nd4j.engine.FusedRecurrentLayer;
import org.rnn4j.testkit.GradientCheck;

class StackedRnnTest {
    static SequenceLayer build(StackedRnn spec, Parameters p) {
        return spec.create(p, p.zerosLike());
    }

    static Parameters parameters(StackedRnn spec, long seed) {
        Parameters p = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        spec.initialize(p, new SplittableRandom(seed));
        Nd4j.getRandom().setSeed(seed);
        p.flat().addi(Nd4j.rand(DataType.DOUBLE, p.flat().length()).subi(0.5).muli(0.4));
        return p;
    }

    static State randomState(int arity, long batch, long hidden) {
        INDArray[] parts = new INDArray[arity];
        for (int k = 0; k < arity; k++) {
            parts[k] = Nd4j.rand(DataType.DOUBLE, batch, hidden).subi(0.5);
        }
        return State.of(parts);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (CellKind kind : CellKind.values()) {
            for (int[] shape : new int[][] {{2, 0}, {1, 1}, {2, 1}}) { // {layers, bidirectional}
                cases.add(Arguments.of(kind, shape[0], shape[1] == 1, null));
                cases.add(Arguments.of(kind, shape[0], shape[1] == 1, new int[] {3, 1, 2}));
            }
        }
        cases.add(Arguments.of(CellKind.LSTM, 1, true, new int[] {1})); // T = 1, B = 1 handled below
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} lengths={3}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(CellKind kind, int layers, boolean bidirectional, int[] lengths) {
        int steps = lengths != null && lengths.length == 1 ? 1 : 3;
        int batch = lengths == null ? 3 : lengths.length;
        StackedRnn spec = StackedRnn.builder(kind.spec(2, 3, true)).layers(layers).bidirectional(bidirectional)
                .build();
        Parameters p = parameters(spec, 4);
        SequenceLayer layer = spec.create(p, p.zerosLike());
        INDArray x = Nd4j.rand(DataType.DOUBLE, steps, batch, 2).subi(0.5);
        State initial = randomState(layer.stateArity(), batch, 3);
        INDArray r = Nd4j.rand(DataType.DOUBLE, steps, batch, spec.outputSize()).subi(0.5);
        State s = randomState(layer.stateArity(), batch, 3);
        DoubleSupplier loss = () -> {
            SequenceLayer.Trace tr = layer.forward(x, lengths, initial);
            double l = tr.outputs().mul(r).sumNumber().doubleValue();
            for (int k = 0; k < s.arity(); k++) {
                l += tr.finalState().get(k).mul(s.get(k)).sumNumber().doubleValue();
            }
            return l;
        };
        SequenceLayer.Gradient g = layer.backward(layer.forward(x, lengths, initial), r, s);
        GradientCheck.assertNonTrivial("parameters", layer.gradients().flat());
        // every parameter block, 8 elements each: full checks of 400-parameter stacks take minutes
        GradientCheck.check("parameters", p.flat(), layer.gradients().flat().dup(), loss,
                GradientCheck.sample(spec.layout(), 8));
        GradientCheck.check("input", x, g.inputGradients(), loss);
        for (int k = 0; k < s.arity(); k++) {
            GradientCheck.check("initial[" + k + "]", initial.get(k), g.initialStateGradient().get(k), loss);
        }
    }

    /**
     * Layers of 128 units split over two threads on a machine with two cores (PartitionRunner): a masked,
     * bidirectional two-layer stack of them equals the same stack of readable reference cells on outputs, final
     * states and every gradient.
     */
    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LSTM", "GRU", "RNN_TANH"})
    void partitionedStackEqualsTheReferenceCells(CellKind kind) {
        StackedRnn fused = StackedRnn.builder(kind.spec(3, 128, true)).layers(2).bidirectional(true).build();
        StackedRnn reference = StackedRnn.builder(kind.spec(3, 128, false)).layers(2).bidirectional(true).build();
        Parameters p = parameters(fused, 6);
        p.flat().muli(0.3); // keep 128-unit sums away from saturation, where every gradient is tiny
        SequenceLayer fast = fused.create(p, p.zerosLike());
        SequenceLayer slow = reference.create(p, p.zerosLike());
        if (org.rnn4j.nd4j.internal.Backend.threads() > 1) {
            assertEquals(2, ((FusedRecurrentLayer) ((StackedRnnLayer) fast).layer(1, 1)).partitions());
        }
        int[] lengths = {4, 2, 5};
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3, 3).subi(0.5);
        INDArray dOut = Nd4j.rand(DataType.DOUBLE, 5, 3, 256).subi(0.5);
        State initial = randomState(fast.stateArity(), 3, 128);
        State dFinal = randomState(fast.stateArity(), 3, 128);
        SequenceLayer.Trace tf = fast.forward(x, lengths, initial);
        SequenceLayer.Trace ts = slow.forward(x, lengths, initial);
        assertClose(ts.outputs(), tf.outputs(), "outputs");
        for (int k = 0; k < dFinal.arity(); k++) {
            assertClose(ts.finalState().get(k), tf.finalState().get(k), "final state part " + k);
        }
        SequenceLayer.Gradient gf = fast.backward(tf, dOut, dFinal);
        SequenceLayer.Gradient gs = slow.backward(ts, dOut, dFinal);
        assertClose(gs.inputGradients(), gf.inputGradients(), "input gradients");
        for (int k = 0; k < dFinal.arity(); k++) {
            assertClose(gs.initialStateGradient().get(k), gf.initialStateGradient().get(k), "initial part " + k);
        }
        GradientCheck.assertNonTrivial("parameters", fast.gradients().flat());
        assertClose(slow.gradients().flat(), fast.gradients().flat(), "parameter gradients");
    }

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void maskedBidirectionalStackEqualsEachSequenceAlone(CellKind kind) {
        StackedRnn spec = StackedRnn.builder(kind.spec(2, 3, true)).layers(2).bidirectional(true).build();
        Parameters p = parameters(spec, 8);
        SequenceLayer layer = spec.create(p, p.zerosLike());
        int[] lengths = {4, 2, 5};
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3, 2);
        INDArray dOut = Nd4j.rand(DataType.DOUBLE, 5, 3, 6);
        State dFinal = randomState(layer.stateArity(), 3, 3);
        SequenceLayer.Trace tr = layer.forward(x, lengths, null);
        INDArray outputs = tr.outputs().dup();
        State finals = tr.finalState().dup();
        SequenceLayer.Gradient g = layer.backward(tr, dOut, dFinal);
        INDArray batchedGradients = layer.gradients().flat().dup();

        Parameters sum = p.zerosLike();
        for (int b = 0; b < 3; b++) {
            int len = lengths[b];
            SequenceLayer alone = spec.create(p, p.zerosLike());
            INDArray xb = x.get(NDArrayIndex.interval(0, len), NDArrayIndex.interval(b, b + 1), NDArrayIndex.all())
                    .dup();
            SequenceLayer.Trace tb = alone.forward(xb, null, null);
            assertClose(tb.outputs(), outputs.get(NDArrayIndex.interval(0, len), NDArrayIndex.interval(b, b + 1),
                    NDArrayIndex.all()), "outputs of " + b);
            for (int k = 0; k < finals.arity(); k++) {
                assertClose(tb.finalState().get(k), row(finals, b).get(k), "final state part " + k + " of " + b);
            }
            SequenceLayer.Gradient gb = alone.backward(tb, dOut.get(NDArrayIndex.interval(0, len),
                    NDArrayIndex.interval(b, b + 1), NDArrayIndex.all()).dup(), row(dFinal, b));
            assertClose(gb.inputGradients(), g.inputGradients().get(NDArrayIndex.interval(0, len),
                    NDArrayIndex.interval(b, b + 1), NDArrayIndex.all()), "dX of " + b);
            sum.flat().addi(alone.gradients().flat());
        }
        assertClose(sum.flat(), batchedGradients, "parameter gradients");
    }

    @Test
    void reverseDirectionStartsAtEachSequencesLastValidStep() {
        StackedRnn spec = StackedRnn.builder(CellKind.GRU.spec(2, 3, true)).bidirectional(true).build();
        Parameters p = parameters(spec, 2);
        SequenceLayer layer = spec.create(p, p.zerosLike());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, 2);
        INDArray unmasked = layer.forward(x, null, null).outputs();
        INDArray masked = layer.forward(x, new int[] {4, 2}, null).outputs();
        // the reverse half of sequence 1 at t = 0 has read only x[1], x[0] when masked, x[3] .. x[0] when not
        double diff = unmasked.getDouble(0, 1, 3) - masked.getDouble(0, 1, 3);
        assertTrue(Math.abs(diff) > 1e-4, "the mask must change the reverse direction");
        assertEquals(unmasked.getDouble(0, 0, 3), masked.getDouble(0, 0, 3), 1e-12, "full-length sequence unchanged");
        assertEquals(0.0, masked.get(NDArrayIndex.interval(2, 4), NDArrayIndex.point(1), NDArrayIndex.all())
                .amaxNumber().doubleValue(), "padding outputs zero in both directions");
    }

    @Test
    void sumMergeAddsTheDirections() {
        StackedRnn concat = StackedRnn.builder(CellKind.LSTM.spec(2, 3, true)).bidirectional(true).build();
        StackedRnn sum = StackedRnn.builder(CellKind.LSTM.spec(2, 3, true)).bidirectional(true)
                .merge(StackedRnn.Merge.SUM).build();
        Parameters p = parameters(concat, 1);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, 2);
        INDArray c = build(concat, p).forward(x, null).outputs();
        INDArray s = build(sum, p).forward(x, null).outputs();
        assertArrayEquals(new long[] {4, 2, 3}, s.shape());
        assertClose(c.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3))
                .add(c.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(3, 6))), s, "sum");
    }

    @Test
    void dropoutAppliesInTrainingOnlyAndIsSeeded() {
        StackedRnn plain = StackedRnn.builder(CellKind.GRU.spec(2, 8, true)).layers(2).build();
        StackedRnn dropped = StackedRnn.builder(CellKind.GRU.spec(2, 8, true)).layers(2).dropout(0.5).seed(3).build();
        Parameters p = parameters(plain, 6);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 4, 2);
        INDArray reference = build(plain, p).forward(x, null).outputs();
        assertClose(reference, build(dropped, p).forward(x, null).outputs(), "inference ignores dropout");
        INDArray trainA = build(dropped, p).forward(x, null, null, true).outputs();
        INDArray trainB = build(dropped, p).forward(x, null, null, true).outputs();
        assertClose(trainA, trainB, "same seed, same masks");
        assertTrue(reference.sub(trainA).amaxNumber().doubleValue() > 1e-3, "training applies dropout");
    }

    @Test
    void parameterNamesFollowTheStack() {
        StackedRnn spec = StackedRnn.builder(CellKind.LSTM.spec(2, 3, true)).layers(2).bidirectional(true).build();
        assertEquals(List.of("l0.weight_ih", "l0.weight_hh", "l0.bias_ih", "l0.bias_hh",
                "l0_reverse.weight_ih", "l0_reverse.weight_hh", "l0_reverse.bias_ih", "l0_reverse.bias_hh",
                "l1.weight_ih", "l1.weight_hh", "l1.bias_ih", "l1.bias_hh",
                "l1_reverse.weight_ih", "l1_reverse.weight_hh", "l1_reverse.bias_ih", "l1_reverse.bias_hh"),
                spec.layout().names());
        assertArrayEquals(new long[] {12, 6}, spec.layout().shape("l1.weight_ih"));
        assertThrows(IllegalArgumentException.class,
                () -> StackedRnn.builder(CellKind.LSTM.spec(2, 3, true)).dropout(1.0).build());
        assertThrows(IllegalArgumentException.class,
                () -> StackedRnn.builder(CellKind.LSTM.spec(2, 3, true)).layers(0).build());
        assertEquals("layers must be in [1, 1024] but is 1025", assertThrows(IllegalArgumentException.class,
                () -> StackedRnn.builder(CellKind.LSTM.spec(2, 3, true)).layers(StackedRnn.MAX_LAYERS + 1).build())
                .getMessage());
        assertEquals(StackedRnn.MAX_LAYERS, StackedRnn.builder(CellKind.LSTM.spec(2, 3, true))
                .layers(StackedRnn.MAX_LAYERS).build().layers());
    }
}
