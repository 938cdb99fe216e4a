package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellKind;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.internal.VectorSupport;
import org.rnn4j.testkit.SystemProperties;

/**
 * The LSTM's joined steps ({@link JoinedLstmSteps}) in passes that keep no trace ({@code finalState}): split by
 * hidden units (small batches) or by rows (batches of at least {@link JoinedLstmSteps#MIN_GROUP_ROWS} rows per
 * thread), they give the same bits as the traced pass, whose joined steps {@link VectorKernelsTest} compares with
 * the other kernels; and they agree with the path without the Vector API. Batches of 5 and 19 rows leave row blocks
 * of fewer than 4 rows; unsorted padded lengths make the groups' active rows change from step to step.
 */
class JoinedLstmStepsTest {
    private static final int HIDDEN = 16;
    private static final RecurrentCellSpec SPEC = CellKind.LSTM.spec(3, HIDDEN, true);

    /**
     * Hidden sizes whose rows and partitions (6, 10, 18 units) no vector width divides; batches around the row-group
     * threshold of 2 partitions (16 rows).
     */
    @ParameterizedTest
    @ValueSource(ints = {12, 20, 36})
    void passesWithoutTraceEqualTracedPasses(int hidden) {
        assumeJoinedSteps();
        RecurrentCellSpec spec = CellKind.LSTM.spec(3, hidden, true);
        Parameters parameters = parameters(spec, 5);
        for (int batch : new int[] {5, 15, 16, 17, 19}) {
            Nd4j.getRandom().setSeed(batch);
            INDArray x = Nd4j.rand(DataType.FLOAT, 7, batch, 3).subi(0.5).muli(4);
            State initial = State.of(Nd4j.rand(DataType.FLOAT, batch, hidden).subi(0.5),
                    Nd4j.rand(DataType.FLOAT, batch, hidden).subi(0.5));
            int[] lengths = new int[batch];
            for (int k = 0; k < batch; k++) {
                lengths[k] = 1 + (k * 5) % 7;
            }
            for (int partitions : new int[] {1, 2}) {
                for (boolean parallel : new boolean[] {true, false}) {
                    for (int[] l : new int[][] {null, lengths}) {
                        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, parameters,
                                parameters.zerosLike(), true, partitions, parallel);
                        String what = "hidden " + hidden + ", batch " + batch + ", " + partitions + " partitions, parallel " + parallel
                                + ", lengths " + (l != null);
                        State only = layer.finalState(x, l, initial);
                        boolean rowGroups = partitions > 1 && batch >= JoinedLstmSteps.MIN_GROUP_ROWS * partitions;
                        assertEquals(rowGroups, layer.plan(batch, false, true, false, false).rowGroups(),
                                what + ": row groups");
                        State traced = layer.forward(x, l, initial, false).finalState();
                        State withoutVectors = SystemProperties.with(VectorSupport.PROPERTY, "false",
                                () -> layer.finalState(x, l, initial));
                        for (int k = 0; k < spec.stateArity(); k++) {
                            assertArrayEquals(bits(traced.get(k)), bits(only.get(k)), what + ", state " + k);
                            double difference = withoutVectors.get(k).sub(only.get(k)).amaxNumber().doubleValue();
                            assertTrue(difference < 1e-5, what + ", state " + k + " differs by " + difference
                                    + " from the path without the Vector API");
                        }
                    }
                }
            }
        }
    }

    /**
     * A pass without trace leaves the gate buffers unallocated; a traced pass after it allocates and uses them. On
     * rnn4j's kernels: a traced inference pass on ND4J's op (its oneDNN build) keeps no gates.
     */
    @Test
    void passesWithoutTraceAllocateNoGateBuffers() {
        SystemProperties.with(LstmLayerOp.PROPERTY, "false", () -> {
            passesWithoutTraceAllocateNoGateBuffersOnOwnKernels();
            return null;
        });
    }

    private void passesWithoutTraceAllocateNoGateBuffersOnOwnKernels() {
        assumeJoinedSteps();
        Parameters parameters = parameters(SPEC, 6);
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 9, 3);
        for (int partitions : new int[] {1, 2}) {
            FusedRecurrentLayer layer = new FusedRecurrentLayer(SPEC, parameters, parameters.zerosLike(), true,
                    partitions, true);
            State only = layer.finalState(x, null, null);
            assertFalse(layer.inferenceBuffersHoldGates(), partitions + " partitions: gates allocated");
            State traced = layer.forward(x, null, null, false).finalState();
            assertTrue(layer.inferenceBuffersHoldGates(), partitions + " partitions: no gates after a traced pass");
            assertArrayEquals(bits(traced.get(1)), bits(only.get(1)), partitions + " partitions");
            assertArrayEquals(bits(only.get(0)), bits(layer.finalState(x, null, null).get(0)));
        }
    }

    private static void assumeJoinedSteps() {
        assumeTrue(VectorSupport.enabled() && VectorSupport.productKernelFits(), "the joined steps need the Vector API");
    }

    /** Initialised parameters with a random offset (so that no gate sits at its initial value). */
    static Parameters parameters(RecurrentCellSpec spec, long seed) {
        Parameters parameters = Parameters.zeros(spec.layout(), DataType.FLOAT);
        spec.initialize(parameters, new SplittableRandom(seed));
        Nd4j.getRandom().setSeed(seed);
        parameters.flat().addi(Nd4j.rand(DataType.FLOAT, parameters.flat().shape()).subi(0.5).muli(0.5));
        return parameters;
    }

    /** The elements themselves ({@code INDArray.equals} allows a difference of 1e-5). */
    private static float[] bits(INDArray a) {
        return a.dup('c').data().asFloat();
    }
}
