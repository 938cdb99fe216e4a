package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.nd4j.engine.HostKernelTest.close;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellKind;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.engine.HostKernelTest.Result;
import org.rnn4j.nd4j.internal.VectorSupport;
import org.rnn4j.testkit.SystemProperties;

/**
 * The Vector API paths of the host kernels (the packed recurrent products of every cell, {@link VectorProducts}; the
 * LSTM's and GRU's float steps, {@code HostKernels.*.vectorForward} with {@link VectorKernels}) against the same host kernels without them and against the
 * INDArray kernels, in float32: outputs, final states and gradients of passes whose partitions are wider than a
 * vector (the loop) and not a multiple of it (the scalar tail), padded or not, with an initial state; and the
 * exponential they use. The
 * surefire JVM runs with {@code --add-modules jdk.incubator.vector}, so the path is asserted to be on; a JVM
 * without the module must still run (it falls back).
 */
class VectorKernelsTest {
    private static final int[] LENGTHS = {9, 4, 9, 1, 6};
    private static final double TOLERANCE = 2e-6;

    @Test
    void theTestJvmHasTheVectorApi() {
        assertTrue(VectorSupport.enabled(), "surefire's argLine must add jdk.incubator.vector");
    }

    /** Within 3 ulp of the exact value over the whole clamped range. */
    @Test
    void theVectorExponentialIsAccurate() {
        float[] x = inputs();
        float[] y = x.clone();
        expInPlace(y);
        for (int i = 0; i < x.length; i++) {
            double exact = Math.exp(x[i]);
            double error = Math.abs(y[i] - exact) / exact;
            assertTrue(error <= 3 * Math.ulp(1f) / 2, "e^" + x[i] + " = " + y[i] + ", exact " + exact);
        }
    }

    /**
     * The same bits in the interpreter as in compiled code: a JVM run with {@code -Xint} computes the exponentials
     * of the same inputs as this one after warm-up. (The Vector API's own {@code EXP} fails this: the JIT switches it
     * from a Java fallback to the CPU library, which broke exact resumption from checkpoints.)
     */
    @Test
    void theVectorExponentialGivesTheSameBitsInterpretedAndCompiled() throws Exception {
        float[] compiled = inputs();
        for (int warm = 0; warm < 2000; warm++) {
            expInPlace(inputs());
        }
        expInPlace(compiled);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint", "--add-modules", "jdk.incubator.vector", "-D" + VectorSupport.BITS_PROPERTY + "="
                + VectorSupport.bits(), "-cp", System.getProperty("java.class.path"), ExpProbe.class.getName())
                .redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("bits=" + Arrays.hashCode(compiled) + "\n"), "compiled bits "
                + Arrays.hashCode(compiled) + ", interpreted: " + output);
    }

    /** Prints the hash of the vector exponentials of {@link #inputs()}. */
    public static final class ExpProbe {
        public static void main(String[] args) {
            float[] values = inputs();
            expInPlace(values);
            System.out.println("bits=" + Arrays.hashCode(values));
        }
    }

    /** 4096·lanes values over [-87, 88], the range where e^x is a normal float, and a few at its ends. */
    private static float[] inputs() {
        float[] x = new float[4096 * VectorKernels.SPECIES.length()];
        for (int i = 0; i < x.length; i++) {
            x[i] = -87f + 175f * i / (x.length - 1);
        }
        x[1] = 0f;
        x[2] = -1e-7f;
        x[3] = 1e-7f;
        return x;
    }

    /**
     * Every cell's recurrent products run on the packed product kernel (panels of 16 gate columns, 4 rows at a
     * time): hidden 20 gives 80, 60 and 20 gate columns (whole panels and a partial one), 2 partitions of 10 units
     * 40, 30 and 10; hidden 12 and 36 give rows (and partitions of 6 and 18 units) that no vector width divides; the
     * batch of 5 and the padded steps leave rows past the last group of 4. The build runs this at every vector
     * width (see {@link VectorWidthTest}).
     */
    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LSTM", "GRU", "RNN_TANH"})
    void withAndWithoutTheVectorApiAgree(CellKind kind) {
        for (int hidden : new int[] {12, 20, 36, 64}) {
            for (int partitions : new int[] {1, 2}) {
                for (int[] lengths : new int[][] {null, LENGTHS}) {
                    compare(kind, hidden, partitions, lengths);
                }
            }
        }
    }

    /**
     * The switch is read at each pass: off really takes the other path (float rounding differs, a little). On
     * rnn4j's kernels, not ND4J's op, which ND4J's oneDNN build would run for both.
     */
    @Test
    void theSwitchChangesThePath() {
        RecurrentCellSpec spec = CellKind.LSTM.spec(4, 64, true);
        Parameters parameters = parameters(spec);
        INDArray x = Nd4j.rand(DataType.FLOAT, 9, 5, 4).subi(0.5).muli(4);
        INDArray on = SystemProperties.with(LstmLayerOp.PROPERTY, "false",
                () -> withVector(true, () -> infer(spec, parameters, x)));
        INDArray off = SystemProperties.with(LstmLayerOp.PROPERTY, "false",
                () -> withVector(false, () -> infer(spec, parameters, x)));
        assertNotEquals(0.0, on.sub(off).amaxNumber().doubleValue(),
                "both settings gave the same bits: one path is not taken");
    }

    @Test
    void aJvmWithoutTheModuleFallsBack() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()).redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("vector=false finite=true"), output);
    }

    /** Runs an LSTM pass in a JVM started without {@code --add-modules jdk.incubator.vector}. */
    public static final class Probe {
        public static void main(String[] args) {
            RecurrentCellSpec spec = CellKind.LSTM.spec(4, 64, true);
            INDArray out = infer(spec, parameters(spec), Nd4j.rand(DataType.FLOAT, 3, 2, 4));
            System.out.println("vector=" + VectorSupport.enabled() + " finite=" + !out.isInfinite().any()
                    + (out.isNaN().any() ? " nan" : ""));
        }
    }

    private static void compare(CellKind kind, int hidden, int partitions, int[] lengths) {
        RecurrentCellSpec spec = kind.spec(4, hidden, true);
        Parameters parameters = parameters(spec);
        Nd4j.getRandom().setSeed(hidden + partitions);
        INDArray x = Nd4j.rand(DataType.FLOAT, 9, 5, 4).subi(0.5).muli(4); // saturating gates too
        INDArray dOut = Nd4j.rand(DataType.FLOAT, 9, 5, hidden).subi(0.5);
        State initial = spec.stateArity() == 2 ? State.of(Nd4j.rand(DataType.FLOAT, 5, hidden).subi(0.5),
                Nd4j.rand(DataType.FLOAT, 5, hidden).subi(0.5)) : State.of(Nd4j.rand(DataType.FLOAT, 5, hidden));
        Result vector = withVector(true,
                () -> HostKernelTest.run(spec, parameters, true, partitions, true, x, lengths, initial, dOut, null));
        Result host = withVector(false,
                () -> HostKernelTest.run(spec, parameters, true, partitions, true, x, lengths, initial, dOut, null));
        Result plain = HostKernelTest.run(spec, parameters, false, 1, true, x, lengths, initial, dOut, null);
        String what = kind + " hidden " + hidden + ", " + partitions + " partitions, lengths " + (lengths != null);
        for (Result other : new Result[] {host, plain}) {
            close(what + " outputs", vector.outputs(), other.outputs(), TOLERANCE);
            for (int k = 0; k < spec.stateArity(); k++) {
                close(what + " final state " + k, vector.finalState().get(k), other.finalState().get(k), TOLERANCE);
                close(what + " initial-state gradient " + k, vector.dInitial().get(k), other.dInitial().get(k),
                        TOLERANCE);
            }
            close(what + " input gradient", vector.dInput(), other.dInput(), TOLERANCE);
            close(what + " parameter gradients", vector.gradients(), other.gradients(), TOLERANCE);
        }
    }

    private static Parameters parameters(RecurrentCellSpec spec) {
        Parameters parameters = Parameters.zeros(spec.layout(), DataType.FLOAT);
        spec.initialize(parameters, new SplittableRandom(3));
        parameters.flat().addi(Nd4j.rand(DataType.FLOAT, parameters.flat().shape()).subi(0.5).muli(0.5));
        return parameters;
    }

    /** The outputs of an inference pass of a new fused layer. */
    private static INDArray infer(RecurrentCellSpec spec, Parameters parameters, INDArray x) {
        return new FusedRecurrentLayer(spec, parameters, parameters.zerosLike(), true, 1, true)
                .forward(x, null, null, false).outputs();
    }

    private static <T> T withVector(boolean on, Supplier<T> code) {
        return SystemProperties.with(VectorSupport.PROPERTY, Boolean.toString(on), code);
    }

    /** {@code values[i] ← e^{values[i]}} with the kernels' vector exponential (a whole number of vectors). */
    static void expInPlace(float[] values) {
        for (int i = 0; i < values.length; i += VectorKernels.SPECIES.length()) {
            VectorKernels.exp(FloatVector.fromArray(VectorKernels.SPECIES, values, i)).intoArray(values, i);
        }
    }
}
