package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellKind;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.internal.Backend;
import org.rnn4j.nd4j.internal.HostReport;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.testkit.SystemProperties;

/**
 * The LSTM inference path on ND4J's {@code lstmLayer} op ({@link LstmLayerOp}, forced with
 * {@code rnn4j.lstmLayerOp=true}) against rnn4j's own kernels ({@code false}), in float32: every step's outputs and
 * the final {@code h} and {@code c}, with and without biases and an initial state, of one layer and of stacked
 * bidirectional layers; a backward after an inference pass on the op gives the gradients of the Java kernels; padded
 * batches and training passes stay on the Java kernels. The build under test is ND4J's generic one, whose op runs
 * libnd4j's own loops with the same contract as its oneDNN builds; the bench's {@code -Ponednn} profile runs the op
 * on oneDNN, and its set-up checks the op against rnn4j there too.
 */
class LstmLayerOpTest {
    private static final double TOLERANCE = 2e-5;

    private static Parameters parameters(RecurrentCellSpec spec, long seed) {
        return JoinedLstmStepsTest.parameters(spec, seed);
    }

    private static <T> T onOp(boolean op, java.util.function.Supplier<T> code) {
        return SystemProperties.with(LstmLayerOp.PROPERTY, Boolean.toString(op), code);
    }

    /** Outputs, final h and final c of an inference pass and the final state of a final-state pass. */
    private static List<INDArray> inference(SequenceLayer layer, INDArray x, int[] lengths, State initial) {
        List<INDArray> out = new ArrayList<>();
        SequenceLayer.Trace trace = layer.forward(x, lengths, initial, false);
        out.add(trace.outputs().dup());
        for (int k = 0; k < trace.finalState().arity(); k++) {
            out.add(trace.finalState().get(k).dup());
        }
        State only = layer.finalState(x, lengths, initial);
        for (int k = 0; k < only.arity(); k++) {
            out.add(only.get(k).dup());
        }
        return out;
    }

    private static void assertClose(List<INDArray> expected, List<INDArray> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            INDArray e = expected.get(i);
            INDArray a = actual.get(i);
            assertEquals(java.util.Arrays.toString(e.shape()), java.util.Arrays.toString(a.shape()), what + " #" + i);
            double difference = e.sub(a).amaxNumber().doubleValue();
            assertTrue(difference <= TOLERANCE * Math.max(1, e.amaxNumber().doubleValue()),
                    what + " #" + i + " differs by " + difference);
        }
    }

    @ParameterizedTest(name = "bias={0}")
    @ValueSource(booleans = {true, false})
    void opPassesEqualTheJavaKernels(boolean bias) {
        RecurrentCellSpec spec = CellKind.LSTM.spec(5, 70, bias);
        Parameters p = parameters(spec, 3);
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, p, p.zerosLike());
        INDArray x = Nd4j.rand(DataType.FLOAT, 7, 6, 5).subi(0.5).muli(3);
        State initial = State.of(Nd4j.rand(DataType.FLOAT, 6, 70).subi(0.5), Nd4j.rand(DataType.FLOAT, 6, 70));
        for (State s : new State[] {null, initial}) {
            assertTrue(onOp(true, () -> layer.plan(6, false, true, false, true).layerOp()), "the op is forced");
            List<INDArray> op = onOp(true, () -> inference(layer, x, null, s));
            List<INDArray> java = onOp(false, () -> inference(layer, x, null, s));
            assertClose(java, op, "bias " + bias + ", initial state " + (s != null));
        }
    }

    /**
     * The op reads views of the parameters, and the bias sum is made every pass: a parameter written in place between
     * passes (here one element of each, in turn) must reach the next op pass.
     */
    @Test
    void parametersWrittenInPlaceBetweenPassesReachTheOp() {
        RecurrentCellSpec spec = CellKind.LSTM.spec(4, 24, true);
        Parameters p = parameters(spec, 8);
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, p, p.zerosLike());
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 3, 4).subi(0.5);
        List<INDArray> before = onOp(true, () -> inference(layer, x, null, null));
        for (String name : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
            INDArray parameter = p.get(name);
            long last = parameter.length() - 1;
            parameter.reshape(parameter.length()).putScalar(last, parameter.reshape(parameter.length())
                    .getDouble(last) + 0.75);
            List<INDArray> op = onOp(true, () -> inference(layer, x, null, null));
            List<INDArray> java = onOp(false, () -> inference(layer, x, null, null));
            assertClose(java, op, "after writing " + name);
            assertTrue(op.get(0).sub(before.get(0)).amaxNumber().doubleValue() > 1e-3, name + " changed the outputs");
            before = op;
        }
    }

    /**
     * A final-state pass on the op reads the caller's input itself, not the layer's copy of an earlier input: after a
     * pass that copied one input, passes over others (a view at an offset into a larger array, a permuted view) give
     * the Java kernels' final states of their own input.
     */
    @Test
    void finalStatePassesReadTheirOwnInput() {
        RecurrentCellSpec spec = CellKind.LSTM.spec(4, 40, true);
        Parameters p = parameters(spec, 6);
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, p, p.zerosLike());
        INDArray first = Nd4j.rand(DataType.FLOAT, 5, 3, 4).subi(0.5);
        INDArray larger = Nd4j.rand(DataType.FLOAT, 7, 3, 4).subi(0.5);
        INDArray atAnOffset = larger.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 7));
        INDArray permuted = Nd4j.rand(DataType.FLOAT, 3, 5, 4).subi(0.5).permute(1, 0, 2);
        onOp(true, () -> layer.forward(first, null, null, false));
        for (INDArray x : new INDArray[] {larger.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5)).dup(),
                atAnOffset, permuted}) {
            State op = onOp(true, () -> layer.finalState(x, null, null));
            State java = onOp(false, () -> layer.finalState(x, null, null));
            assertClose(List.of(java.get(0), java.get(1)), List.of(op.get(0), op.get(1)), "final state");
        }
    }

    /**
     * The op reads the caller's input but does not keep it: after a final-state pass the input is collectable (a
     * server's large batches must not stay alive until the layer's next pass).
     */
    @Test
    void theOpDoesNotKeepTheCallersInput() throws InterruptedException {
        RecurrentCellSpec spec = CellKind.LSTM.spec(4, 16, true);
        Parameters p = parameters(spec, 2);
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, p, p.zerosLike());
        java.lang.ref.WeakReference<INDArray> input = onOp(true, () -> {
            INDArray x = Nd4j.rand(DataType.FLOAT, 5, 3, 4);
            layer.finalState(x, null, null);
            return new java.lang.ref.WeakReference<>(x);
        });
        for (int i = 0; i < 20 && input.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(input.get() == null, "the input is still reachable after the pass");
    }

    /** The op keeps no gates: a backward recomputes the trace, and its gradients are the Java kernels'. */
    @Test
    void backwardAfterAnOpPassGivesTheJavaGradients() {
        RecurrentCellSpec spec = CellKind.LSTM.spec(4, 33, true);
        Parameters p = parameters(spec, 5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 3, 4).subi(0.5);
        State initial = State.of(Nd4j.rand(DataType.FLOAT, 3, 33).subi(0.5), Nd4j.rand(DataType.FLOAT, 3, 33));
        INDArray dOut = Nd4j.rand(DataType.FLOAT, 5, 3, 33).subi(0.5);
        State dFinal = State.of(Nd4j.rand(DataType.FLOAT, 3, 33), Nd4j.rand(DataType.FLOAT, 3, 33));
        List<INDArray> results = new ArrayList<>();
        for (boolean op : new boolean[] {false, true}) {
            Parameters gradients = p.zerosLike();
            FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, p, gradients);
            SequenceLayer.Gradient g = onOp(op, () -> layer.backward(layer.forward(x, null, initial, false), dOut,
                    dFinal));
            results.add(g.inputGradients().dup());
            results.add(g.initialStateGradient().get(0).dup());
            results.add(g.initialStateGradient().get(1).dup());
            results.add(gradients.flat().dup());
        }
        assertClose(results.subList(0, 4), results.subList(4, 8), "gradients");
    }

    @Test
    void stackedBidirectionalLayersEqualTheJavaKernelsPaddedOrNot() {
        StackedRnn spec = StackedRnn.builder(CellKind.LSTM.spec(3, 20, true)).layers(2).bidirectional(true).build();
        Parameters p = Parameters.zeros(spec.layout(), DataType.FLOAT);
        spec.initialize(p, new SplittableRandom(6));
        SequenceLayer layer = spec.create(p, p.zerosLike());
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 4, 3).subi(0.5);
        for (int[] lengths : new int[][] {null, {6, 2, 5, 1}}) {
            List<INDArray> op = onOp(true, () -> inference(layer, x, lengths, null));
            List<INDArray> java = onOp(false, () -> inference(layer, x, lengths, null));
            assertClose(java, op, "stacked bidirectional, lengths " + (lengths != null));
        }
    }

    @Test
    void onlyUnpaddedFloatLstmInferencePassesRunTheOp() {
        RecurrentCellSpec lstm = CellKind.LSTM.spec(3, 8, true);
        Parameters p = parameters(lstm, 7);
        FusedRecurrentLayer layer = new FusedRecurrentLayer(lstm, p, p.zerosLike());
        onOp(true, () -> {
            assertTrue(layer.plan(4, false, true, false, true).layerOp());
            assertFalse(layer.plan(4, true, true, true, true).layerOp(), "a training pass");
            assertFalse(layer.plan(4, false, true, false, false).layerOp(), "a padded batch");
            assertFalse(layer.plan(1, true, false, false, true).layerOp(), "a stepper's pass");
            RecurrentCellSpec gru = CellKind.GRU.spec(3, 8, true);
            Parameters g = parameters(gru, 7);
            assertFalse(new FusedRecurrentLayer(gru, g, g.zerosLike()).plan(4, false, true, false, true).layerOp(),
                    "GRU");
            Parameters d = Parameters.zeros(lstm.layout(), DataType.DOUBLE);
            assertFalse(new FusedRecurrentLayer(lstm, d, d.zerosLike()).plan(4, false, true, false, true).layerOp(),
                    "float64");
            return null;
        });
        assertFalse(onOp(false, () -> layer.plan(4, false, true, false, true).layerOp()), "switched off");
        assertEquals(HostReport.oneDnnAvx512Build(),
                SystemProperties.with(LstmLayerOp.PROPERTY, "auto",
                        () -> layer.plan(4, false, true, false, true).layerOp()),
                "auto: the op on ND4J's oneDNN AVX-512 build only");
    }

    /**
     * {@code predictVectors} runs its passes in a workspace that it reuses, and its equal-length batches run the op:
     * its predictions equal the Java kernels' over rounds of changing batches. (It does not catch op buffers made
     * inside the workspace: every pass rewrites them before reading them.)
     */
    @Test
    void modelPredictionsInTheirWorkspaceEqualTheJavaKernels() {
        SequenceModel model = SequenceModel.builder().recurrent(org.rnn4j.nd4j.cell.Lstm.builder(3, 64).build())
                .head(Dense.builder(64, 2).build()).outputMode(SequenceModel.OutputMode.LAST_STEP)
                .dataType(DataType.FLOAT).seed(13).build();
        SplittableRandom random = new SplittableRandom(14);
        for (int round = 0; round < 4; round++) {
            List<float[][]> sequences = new ArrayList<>();
            for (int k = 0; k < 5 + round; k++) {
                float[][] steps = new float[6][3];
                for (float[] step : steps) {
                    for (int f = 0; f < 3; f++) {
                        step[f] = (float) random.nextDouble(-1, 1);
                    }
                }
                sequences.add(steps);
            }
            float[][] java = onOp(false, () -> model.predictVectors(sequences));
            float[][] op = onOp(true, () -> model.predictVectors(sequences));
            for (int k = 0; k < java.length; k++) {
                for (int j = 0; j < java[k].length; j++) {
                    assertEquals(java[k][j], op[k][j], TOLERANCE, "round " + round + ", sequence " + k);
                }
            }
        }
    }

    /** Threads running inference at once each run their own op on their own buffers, with the pool's threads. */
    @Test
    void concurrentOpPassesEqualTheJavaKernels() throws Exception {
        RecurrentCellSpec spec = CellKind.LSTM.spec(6, 128, true);
        Parameters p = parameters(spec, 9);
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, p, p.zerosLike());
        int threads = 4;
        INDArray[] inputs = new INDArray[threads];
        List<List<INDArray>> expected = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            inputs[k] = Nd4j.rand(DataType.FLOAT, 5 + k, 3 + 2 * k, 6).subi(0.5);
            INDArray x = inputs[k];
            expected.add(onOp(false, () -> inference(layer, x, null, null)));
        }
        List<List<INDArray>> actual = onOp(true, () -> {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<List<INDArray>>> futures = new ArrayList<>();
                for (int k = 0; k < threads; k++) {
                    INDArray x = inputs[k];
                    futures.add(pool.submit(() -> {
                        List<INDArray> last = null;
                        for (int pass = 0; pass < 20; pass++) {
                            last = inference(layer, x, null, null);
                        }
                        return last;
                    }));
                }
                List<List<INDArray>> results = new ArrayList<>();
                for (java.util.concurrent.Future<List<INDArray>> f : futures) {
                    results.add(f.get(120, java.util.concurrent.TimeUnit.SECONDS));
                }
                return results;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdownNow();
            }
        });
        for (int k = 0; k < threads; k++) {
            assertClose(expected.get(k), actual.get(k), "thread " + k);
        }
    }

    /** ND4J's OpenBLAS runs on OpenMP: a count left raised after the op oversubscribed this thread's products. */
    @Test
    void theOpLeavesTheThreadsOpenMpCountAsItFoundIt() {
        RecurrentCellSpec spec = CellKind.LSTM.spec(3, 128, true);
        Parameters p = parameters(spec, 8);
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, p, p.zerosLike());
        int before = Backend.openMpThreadsOfThisThread();
        onOp(true, () -> layer.finalState(Nd4j.rand(DataType.FLOAT, 4, 16, 3), null, null));
        assertEquals(before, Backend.openMpThreadsOfThisThread());
    }

    @Test
    void aBadSwitchIsRefusedNamingItsValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SystemProperties.with(LstmLayerOp.PROPERTY, "yes", LstmLayerOp::chosen));
        assertEquals("rnn4j.lstmLayerOp must be auto, true or false but is 'yes'", e.getMessage());
    }
}
