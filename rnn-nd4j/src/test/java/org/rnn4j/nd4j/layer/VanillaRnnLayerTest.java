package org.rnn4j.nd4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.testkit.GradientCheck;
import org.rnn4j.nd4j.cell.VanillaRnn;

class VanillaRnnLayerTest {

    static Stream<Arguments> cases() {
        // steps, batch, activation, bias, initial state given, fused
        return Stream.of(
                Arguments.of(1, 1, Activation.TANH, true, false, true),
                Arguments.of(1, 3, Activation.SIGMOID, false, true, true),
                Arguments.of(4, 1, Activation.SIGMOID, true, true, true),
                Arguments.of(5, 3, Activation.TANH, true, true, true),
                Arguments.of(4, 2, Activation.RELU, true, false, true),
                Arguments.of(3, 2, Activation.IDENTITY, false, true, true),
                Arguments.of(1, 1, Activation.TANH, true, true, false),
                Arguments.of(4, 3, Activation.SIGMOID, true, true, false),
                Arguments.of(3, 2, Activation.RELU, false, false, false));
    }

    @ParameterizedTest(name = "T={0} B={1} {2} bias={3} h0={4} fused={5}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(int steps, int batch, Activation act, boolean bias, boolean withH0,
                                         boolean fused) {
        VanillaRnn spec = VanillaRnn.builder(3, 4).activation(act).bias(bias).fused(fused).build();
        Parameters p = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        Parameters g = p.zerosLike();
        spec.initialize(p, new SplittableRandom(7));
        if (bias) { // non-zero biases so their gradient paths are exercised
            p.get("bias_ih").assign(Nd4j.rand(DataType.DOUBLE, 4).subi(0.5));
            p.get("bias_hh").assign(Nd4j.rand(DataType.DOUBLE, 4).subi(0.5));
        }
        SequenceLayer layer = spec.create(p, g);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.DOUBLE, steps, batch, 3).subi(0.5).muli(2);
        State h0 = withH0 ? State.of(Nd4j.rand(DataType.DOUBLE, batch, 4).subi(0.5)) : null;
        INDArray r = Nd4j.rand(DataType.DOUBLE, steps, batch, 4).subi(0.5);
        INDArray s = Nd4j.rand(DataType.DOUBLE, batch, 4).subi(0.5);

        // L = Σ outputs ⊙ r + Σ h_T ⊙ s, so dL/doutputs = r and dL/dh_T = s
        java.util.function.DoubleSupplier loss = () -> {
            SequenceLayer.Trace tr = layer.forward(x, h0);
            return tr.outputs().mul(r).sumNumber().doubleValue()
                    + tr.finalState().hidden().mul(s).sumNumber().doubleValue();
        };
        SequenceLayer.Gradient grad = layer.backward(layer.forward(x, h0), r, State.of(s));

        GradientCheck.assertNonTrivial("parameters", g.flat());
        GradientCheck.check("parameters", p.flat(), g.flat().dup(), loss);
        GradientCheck.check("input", x, grad.inputGradients(), loss);
        if (withH0) {
            GradientCheck.check("h0", h0.hidden(), grad.initialStateGradient().hidden(), loss);
        }
    }

    @Test
    void fusedKernelEqualsReferenceCellLoop() {
        for (Activation act : Activation.values()) {
            VanillaRnn fusedSpec = VanillaRnn.builder(5, 6).activation(act).build();
            VanillaRnn loopSpec = VanillaRnn.builder(5, 6).activation(act).fused(false).build();
            Parameters p = Parameters.zeros(fusedSpec.layout(), DataType.DOUBLE);
            fusedSpec.initialize(p, new SplittableRandom(3));
            p.get("bias_ih").assign(0.1);
            p.get("bias_hh").assign(-0.05);
            Parameters gFused = p.zerosLike();
            Parameters gLoop = p.zerosLike();
            SequenceLayer fused = fusedSpec.create(p, gFused);
            SequenceLayer loop = loopSpec.create(p, gLoop);
            assertTrue(fused instanceof VanillaRnnLayer);
            assertTrue(loop instanceof CellLoop);

            INDArray x = Nd4j.rand(DataType.DOUBLE, 7, 4, 5).subi(0.5);
            State h0 = State.of(Nd4j.rand(DataType.DOUBLE, 4, 6));
            INDArray dOut = Nd4j.rand(DataType.DOUBLE, 7, 4, 6).subi(0.5);
            State dFinal = State.of(Nd4j.rand(DataType.DOUBLE, 4, 6));

            SequenceLayer.Trace tf = fused.forward(x, h0);
            SequenceLayer.Trace tl = loop.forward(x, h0);
            assertClose(tl.outputs(), tf.outputs(), act + " outputs");
            assertClose(tl.finalState().hidden(), tf.finalState().hidden(), act + " final state");
            SequenceLayer.Gradient gf = fused.backward(tf, dOut, dFinal);
            SequenceLayer.Gradient gl = loop.backward(tl, dOut, dFinal);
            assertClose(gl.inputGradients(), gf.inputGradients(), act + " dX");
            assertClose(gl.initialStateGradient().hidden(), gf.initialStateGradient().hidden(), act + " dh0");
            assertClose(gLoop.flat(), gFused.flat(), act + " parameter gradients");
        }
    }

    @Test
    void float32RunsAndMatchesFloat64() {
        VanillaRnn spec = VanillaRnn.builder(3, 4).build();
        Parameters p64 = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        spec.initialize(p64, new SplittableRandom(1));
        Parameters p32 = Parameters.zeros(spec.layout(), DataType.FLOAT);
        p32.flat().assign(p64.flat().castTo(DataType.FLOAT));
        INDArray x64 = Nd4j.rand(DataType.DOUBLE, 6, 2, 3);
        INDArray y64 = spec.create(p64, p64.zerosLike()).forward(x64, null).outputs();
        INDArray y32 = spec.create(p32, p32.zerosLike()).forward(x64.castTo(DataType.FLOAT), null).outputs();
        assertEquals(DataType.FLOAT, y32.dataType());
        assertTrue(y64.castTo(DataType.FLOAT).equalsWithEps(y32, 1e-5));
    }

    @Test
    void rejectsBadInputBeforeComputing() {
        VanillaRnn spec = VanillaRnn.builder(3, 4).build();
        Parameters p = Parameters.zeros(spec.layout(), DataType.FLOAT);
        SequenceLayer layer = spec.create(p, p.zerosLike());
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
        SequenceLayer other = spec.create(p, p.zerosLike());
        assertMessage(() -> other.backward(tr, null, null), "trace must come from this layer's forward");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String expectedPart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedPart), "message '" + e.getMessage() + "' lacks '"
                + expectedPart + "'");
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < 1e-12, what + " differ by " + diff);
    }
}
