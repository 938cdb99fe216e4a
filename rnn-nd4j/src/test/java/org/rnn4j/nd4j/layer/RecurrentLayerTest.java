package org.rnn4j.nd4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
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
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.engine.FusedRecurrentLayer;
import org.rnn4j.testkit.GradientCheck;

/** Every built-in cell, fused and as a reference loop: gradients, equality, masking. */
class RecurrentLayerTest {
    static final int INPUT = 3;
    static final int HIDDEN = 4;

    static Parameters randomParameters(RecurrentCellSpec spec, long seed) {
        Parameters p = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        spec.initialize(p, new SplittableRandom(seed));
        Nd4j.getRandom().setSeed(seed);
        p.flat().addi(Nd4j.rand(DataType.DOUBLE, p.flat().length()).subi(0.5).muli(0.4)); // non-zero biases too
        return p;
    }

    static State randomState(RecurrentCellSpec spec, long batch) {
        INDArray[] parts = new INDArray[spec.stateArity()];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = Nd4j.rand(DataType.DOUBLE, batch, spec.hiddenSize()).subi(0.5);
        }
        return State.of(parts);
    }

    static Stream<Arguments> gradientCases() {
        List<Arguments> cases = new ArrayList<>();
        for (CellKind kind : CellKind.values()) {
            for (boolean fused : new boolean[] {true, false}) {
                cases.add(Arguments.of(kind, fused, 1, 1, null, false));
                cases.add(Arguments.of(kind, fused, 4, 1, null, true));
                cases.add(Arguments.of(kind, fused, 5, 3, null, true));
                cases.add(Arguments.of(kind, fused, 5, 3, new int[] {2, 5, 1}, true));
                cases.add(Arguments.of(kind, fused, 4, 4, new int[] {4, 1, 3, 3}, false));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} fused={1} T={2} B={3} lengths={4} h0={5}")
    @MethodSource("gradientCases")
    void gradientsMatchFiniteDifferences(CellKind kind, boolean fused, int steps, int batch, int[] lengths,
                                         boolean withInitial) {
        RecurrentCellSpec spec = kind.spec(INPUT, HIDDEN, fused);
        Parameters p = randomParameters(spec, 7);
        Parameters g = p.zerosLike();
        SequenceLayer layer = RecurrentLayer.of(spec).create(p, g);
        INDArray x = Nd4j.rand(DataType.DOUBLE, steps, batch, INPUT).subi(0.5).muli(2);
        State initial = withInitial ? randomState(spec, batch) : null;
        INDArray r = Nd4j.rand(DataType.DOUBLE, steps, batch, HIDDEN).subi(0.5);
        State s = randomState(spec, batch);

        DoubleSupplier loss = () -> {
            SequenceLayer.Trace tr = layer.forward(x, lengths, initial);
            double l = tr.outputs().mul(r).sumNumber().doubleValue();
            for (int k = 0; k < spec.stateArity(); k++) {
                l += tr.finalState().get(k).mul(s.get(k)).sumNumber().doubleValue();
            }
            return l;
        };
        SequenceLayer.Gradient grad = layer.backward(layer.forward(x, lengths, initial), r, s);
        GradientCheck.assertNonTrivial("parameters", g.flat());
        GradientCheck.check("parameters", p.flat(), g.flat().dup(), loss);
        GradientCheck.check("input", x, grad.inputGradients(), loss);
        if (withInitial) {
            for (int k = 0; k < spec.stateArity(); k++) {
                GradientCheck.check("initial[" + k + "]", initial.get(k), grad.initialStateGradient().get(k), loss);
            }
        }
    }

    static Stream<Arguments> equalityCases() {
        List<Arguments> cases = new ArrayList<>();
        for (CellKind kind : CellKind.values()) {
            cases.add(Arguments.of(kind, null));
            cases.add(Arguments.of(kind, new int[] {3, 7, 1, 7, 5}));
            cases.add(Arguments.of(kind, new int[] {3, 2, 1, 3, 2})); // padded beyond the longest sequence
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} lengths={1}")
    @MethodSource("equalityCases")
    void fusedKernelEqualsReferenceCell(CellKind kind, int[] lengths) {
        RecurrentCellSpec spec = kind.spec(5, 6, true);
        Parameters p = randomParameters(spec, 3);
        Parameters gFused = p.zerosLike();
        Parameters gLoop = p.zerosLike();
        SequenceLayer fused = RecurrentLayer.of(spec).create(p, gFused);
        SequenceLayer loop = RecurrentLayer.of(spec.withFused(false)).create(p, gLoop);
        assertTrue(fused instanceof FusedRecurrentLayer);
        assertTrue(loop instanceof CellLoop);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 7, 5, 5).subi(0.5);
        State initial = randomState(spec, 5);
        INDArray dOut = Nd4j.rand(DataType.DOUBLE, 7, 5, 6).subi(0.5);
        State dFinal = randomState(spec, 5);

        SequenceLayer.Trace tf = fused.forward(x, lengths, initial);
        SequenceLayer.Trace tl = loop.forward(x, lengths, initial);
        assertClose(tl.outputs(), tf.outputs(), "outputs");
        for (int k = 0; k < spec.stateArity(); k++) {
            assertClose(tl.finalState().get(k), tf.finalState().get(k), "final state " + k);
        }
        SequenceLayer.Gradient gf = fused.backward(tf, dOut, dFinal);
        SequenceLayer.Gradient gl = loop.backward(tl, dOut, dFinal);
        assertClose(gl.inputGradients(), gf.inputGradients(), "dX");
        for (int k = 0; k < spec.stateArity(); k++) {
            assertClose(gl.initialStateGradient().get(k), gf.initialStateGradient().get(k), "dInitial " + k);
        }
        assertClose(gLoop.flat(), gFused.flat(), "parameter gradients");
    }

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void paddedBatchEqualsEachSequenceAlone(CellKind kind) {
        RecurrentCellSpec spec = kind.spec(INPUT, HIDDEN, true);
        Parameters p = randomParameters(spec, 5);
        Parameters gBatch = p.zerosLike();
        SequenceLayer layer = RecurrentLayer.of(spec).create(p, gBatch);
        int[] lengths = {2, 6, 4};
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 3, INPUT);
        State initial = randomState(spec, 3);
        INDArray dOut = Nd4j.rand(DataType.DOUBLE, 6, 3, HIDDEN);
        State dFinal = randomState(spec, 3);
        SequenceLayer.Trace batched = layer.forward(x, lengths, initial);
        INDArray outputs = batched.outputs().dup();
        State finals = batched.finalState().dup();
        SequenceLayer.Gradient gb = layer.backward(batched, dOut, dFinal);

        Parameters gAlone = p.zerosLike();
        SequenceLayer alone = RecurrentLayer.of(spec).create(p, gAlone);
        for (int b = 0; b < 3; b++) {
            int len = lengths[b];
            INDArray xb = x.get(NDArrayIndex.interval(0, len), NDArrayIndex.interval(b, b + 1), NDArrayIndex.all());
            State ib = row(initial, b);
            SequenceLayer.Trace tb = alone.forward(xb.dup(), null, ib);
            assertClose(tb.outputs(), outputs.get(NDArrayIndex.interval(0, len), NDArrayIndex.interval(b, b + 1),
                    NDArrayIndex.all()), "outputs of sequence " + b);
            INDArray padded = outputs.get(NDArrayIndex.interval(len, 6), NDArrayIndex.point(b), NDArrayIndex.all());
            assertEquals(0.0, padded.length() == 0 ? 0 : padded.amaxNumber().doubleValue(), "padding output is zero");
            for (int k = 0; k < spec.stateArity(); k++) {
                assertClose(tb.finalState().get(k), row(finals, b).get(k), "final state " + k + " of " + b);
            }
            SequenceLayer.Gradient ga = alone.backward(tb, dOut.get(NDArrayIndex.interval(0, len),
                    NDArrayIndex.interval(b, b + 1), NDArrayIndex.all()).dup(), row(dFinal, b));
            assertClose(ga.inputGradients(), gb.inputGradients().get(NDArrayIndex.interval(0, len),
                    NDArrayIndex.interval(b, b + 1), NDArrayIndex.all()), "dX of " + b);
            INDArray paddedGrad = gb.inputGradients().get(NDArrayIndex.interval(len, 6), NDArrayIndex.point(b),
                    NDArrayIndex.all());
            assertEquals(0.0, paddedGrad.length() == 0 ? 0 : paddedGrad.amaxNumber().doubleValue(),
                    "padding gets no gradient");
            for (int k = 0; k < spec.stateArity(); k++) {
                assertClose(ga.initialStateGradient().get(k), row(gb.initialStateGradient(), b).get(k),
                        "dInitial " + k + " of " + b);
            }
        }
        assertClose(gAlone.flat(), gBatch.flat(), "parameter gradients summed over sequences");
    }

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void lengthsChangeTheResult(CellKind kind) {
        RecurrentCellSpec spec = kind.spec(INPUT, HIDDEN, true);
        Parameters p = randomParameters(spec, 9);
        SequenceLayer layer = RecurrentLayer.of(spec).create(p, p.zerosLike());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 2, INPUT);
        State full = layer.forward(x, null, null).finalState();
        State masked = layer.forward(x, new int[] {5, 3}, null).finalState();
        assertTrue(full.hidden().getRow(0).equalsWithEps(masked.hidden().getRow(0), 1e-12), "full-length row same");
        double diff = full.hidden().getRow(1).sub(masked.hidden().getRow(1)).amaxNumber().doubleValue();
        assertTrue(diff > 1e-3, "the mask must change the shorter sequence's final state, diff " + diff);
    }

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void trainingPassesReuseBuffersWithoutChangingResults(CellKind kind) {
        RecurrentCellSpec spec = kind.spec(INPUT, HIDDEN, true);
        Parameters p = randomParameters(spec, 13);
        Parameters gTraining = p.zerosLike();
        Parameters gFresh = p.zerosLike();
        SequenceLayer training = RecurrentLayer.of(spec).create(p, gTraining);
        SequenceLayer fresh = RecurrentLayer.of(spec).create(p, gFresh);
        for (int[] lengths : new int[][] {{3, 5, 2}, null, {5, 1, 4}, null, {2, 2, 2}}) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3, INPUT);
            State initial = randomState(spec, 3);
            INDArray dOut = Nd4j.rand(DataType.DOUBLE, 5, 3, HIDDEN);
            State dFinal = randomState(spec, 3);
            gTraining.flat().assign(0);
            gFresh.flat().assign(0);
            SequenceLayer.Trace a = training.forward(x, lengths, initial, true);
            SequenceLayer.Trace b = fresh.forward(x, lengths, initial, false);
            assertClose(b.outputs(), a.outputs(), "outputs " + java.util.Arrays.toString(lengths));
            assertClose(b.finalState().hidden(), a.finalState().hidden(), "final state");
            SequenceLayer.Gradient ga = training.backward(a, dOut, dFinal);
            SequenceLayer.Gradient gb = fresh.backward(b, dOut, dFinal);
            assertClose(gb.inputGradients(), ga.inputGradients(), "dX");
            assertClose(gb.initialStateGradient().hidden(), ga.initialStateGradient().hidden(), "dh0");
            assertClose(gFresh.flat(), gTraining.flat(), "parameter gradients");
        }
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3, INPUT);
        SequenceLayer.Trace first = training.forward(x, null, null, true);
        SequenceLayer.Trace second = training.forward(x, null, null, true);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> training.backward(first, null, null));
        assertTrue(e.getMessage().contains("stale"), e.getMessage());
        training.backward(second, null, null);
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> training.backward(second, null, null));
        assertEquals("trace was already passed to backward", e.getMessage());
    }

    /**
     * An inference pass of another shape frees the thread's previous inference buffers at once: the earlier trace's
     * outputs and final state (copies) stay readable and unchanged, and its backward is refused, not run on freed
     * memory.
     */
    @ParameterizedTest
    @EnumSource(CellKind.class)
    void inferenceOfAnotherShapeFreesTheBuffersAndRefusesTheOldTrace(CellKind kind) {
        RecurrentCellSpec spec = kind.spec(INPUT, HIDDEN, true);
        Parameters p = randomParameters(spec, 17);
        SequenceLayer layer = RecurrentLayer.of(spec).create(p, p.zerosLike());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3, INPUT);
        SequenceLayer.Trace first = layer.forward(x, new int[] {5, 2, 4}, null, false);
        INDArray outputs = first.outputs().dup();
        INDArray hidden = first.finalState().hidden().dup();
        layer.forward(Nd4j.rand(DataType.DOUBLE, 7, 2, INPUT), null, null, false);
        assertClose(outputs, first.outputs(), "outputs after the next pass");
        assertClose(hidden, first.finalState().hidden(), "final state after the next pass");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> layer.backward(first, Nd4j.rand(DataType.DOUBLE, 5, 3, HIDDEN), null));
        assertTrue(e.getMessage().contains("stale"), e.getMessage());
    }

    static State row(State s, int b) {
        INDArray[] parts = new INDArray[s.arity()];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = s.get(k).get(NDArrayIndex.interval(b, b + 1), NDArrayIndex.all()).dup();
        }
        return State.of(parts);
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < 1e-12, what + " differ by " + diff);
    }
}
