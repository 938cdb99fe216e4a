package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellKind;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.internal.PartitionRunner;

/**
 * The CPU host kernels ({@link HostKernels}) against the INDArray kernels that other backends run: same outputs,
 * final states and every gradient, in float64 and float32, with padding, initial states and final-state gradients;
 * and with the hidden units split into 2 and 3 partitions ({@link PartitionRunner}), in parallel threads and one
 * after the other.
 */
class HostKernelTest {
    private static final int[] LENGTHS = {7, 3, 5, 7, 1};

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void hostAndIndarrayKernelsAgree(CellKind kind) {
        compare(kind, 1, true, true);
    }

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void partitionsInParallelAgree(CellKind kind) { // that they do run in threads: PartitionRunnerTest
        compare(kind, 2, true, true);
        compare(kind, 2, true, false);
    }

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void partitionsOneAfterTheOtherAgree(CellKind kind) {
        compare(kind, 3, false, true);
        compare(kind, 2, false, false);
    }

    @Test
    void partitionCountFollowsTheThreadsAndTheHiddenSize() { // the thread count itself: BackendTest
        assertEquals(2, PartitionRunner.partitions(256, 2));
        assertEquals(1, PartitionRunner.partitions(256, 1));
        assertEquals(1, PartitionRunner.partitions(100, 2), "fewer than 64 units per partition");
        assertEquals(3, PartitionRunner.partitions(192, 4), "the most threads that give each 64 units");
        assertEquals(1, PartitionRunner.partitions(129, 2));
    }

    /** Partitions in parallel threads and one after the other give the same bits: the run is deterministic. */
    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LSTM", "GRU", "RNN_TANH"})
    void partitionedPassesAreBitIdenticalInParallelAndInOneThread(CellKind kind) {
        RecurrentCellSpec spec = kind.spec(3, 6, true);
        Parameters parameters = Parameters.zeros(spec.layout(), DataType.FLOAT);
        spec.initialize(parameters, new SplittableRandom(8));
        Nd4j.getRandom().setSeed(17);
        INDArray x = Nd4j.rand(DataType.FLOAT, 7, 5, 3);
        INDArray dOut = Nd4j.rand(DataType.FLOAT, 7, 5, 6);
        Result first = run(spec, parameters, true, 2, true, x, LENGTHS, null, dOut, null);
        Result again = run(spec, parameters, true, 2, true, x, LENGTHS, null, dOut, null);
        Result serial = run(spec, parameters, true, 2, false, x, LENGTHS, null, dOut, null);
        for (Result r : new Result[] {again, serial}) {
            assertEquals(first.outputs, r.outputs);
            assertEquals(first.dInput, r.dInput);
            assertEquals(first.gradients, r.gradients);
        }
    }

    /** Gradients handed to backward may be in any order or views; partitioned or not, the result is the same. */
    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LSTM", "GRU"})
    void gradientsInFortranOrderAgree(CellKind kind) {
        RecurrentCellSpec spec = kind.spec(3, 6, true);
        Parameters parameters = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        spec.initialize(parameters, new SplittableRandom(5));
        Nd4j.getRandom().setSeed(13);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 7, 5, 3);
        INDArray dOut = Nd4j.rand(DataType.DOUBLE, 7, 5, 6);
        State dFinal = spec.stateArity() == 2
                ? State.of(Nd4j.rand(DataType.DOUBLE, 5, 6), Nd4j.rand(DataType.DOUBLE, 5, 6))
                : State.of(Nd4j.rand(DataType.DOUBLE, 5, 6));
        INDArray[] fortran = new INDArray[dFinal.arity()];
        for (int k = 0; k < fortran.length; k++) {
            fortran[k] = dFinal.get(k).dup('f');
        }
        for (int partitions : new int[] {1, 2}) {
            for (int[] lengths : new int[][] {null, LENGTHS}) {
                Result c = run(spec, parameters, true, partitions, true, x, lengths, null, dOut, dFinal);
                Result f = run(spec, parameters, true, partitions, true, x, lengths, null, dOut.dup('f'),
                        State.of(fortran));
                String what = kind + " " + partitions + " partitions, lengths " + (lengths != null);
                close(what + " input gradient", f.dInput, c.dInput, 1e-14);
                close(what + " parameter gradients", f.gradients, c.gradients, 1e-14);
            }
        }
    }

    @Test
    void partitionsNeedTheHostKernelsAndADivisor() {
        RecurrentCellSpec spec = CellKind.LSTM.spec(3, 6, true);
        Parameters parameters = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        IllegalArgumentException notHost = assertThrows(IllegalArgumentException.class,
                () -> new FusedRecurrentLayer(spec, parameters, parameters.zerosLike(), false, 2, true));
        assertTrue(notHost.getMessage().contains("host kernels"), notHost.getMessage());
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, parameters, parameters.zerosLike(), true, 4, true);
        IllegalArgumentException divisor = assertThrows(IllegalArgumentException.class,
                () -> layer.forward(Nd4j.zeros(DataType.DOUBLE, 2, 1, 3), null, null, false));
        assertTrue(divisor.getMessage().contains("not divisible into 4"), divisor.getMessage());
    }

    /**
     * Partitions of more than one panel of the packed product kernel ({@link VectorProducts#PANEL} output columns),
     * whose recurrent-gradient blocks are packed straight from {@code W_hh}: the smaller layers above fit one panel.
     */
    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LSTM", "GRU"})
    void partitionsOfSeveralPanelsAgree(CellKind kind) {
        compare(kind, 2, true, true, 2 * (VectorProducts.PANEL + 5));
    }

    private static void compare(CellKind kind, int partitions, boolean parallel, boolean bias) {
        compare(kind, partitions, parallel, bias, 6);
    }

    private static void compare(CellKind kind, int partitions, boolean parallel, boolean bias, int hidden) {
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            RecurrentCellSpec spec = bias ? kind.spec(3, hidden, true) : kind.withoutBias(3, hidden);
            Parameters parameters = Parameters.zeros(spec.layout(), type);
            spec.initialize(parameters, new SplittableRandom(5));
            parameters.flat().addi(Nd4j.rand(type, parameters.flat().shape()).subi(0.5).muli(0.2)); // biases too
            Nd4j.getRandom().setSeed(11);
            INDArray x = Nd4j.rand(type, 7, 5, 3).subi(0.5).muli(2);
            INDArray dOut = Nd4j.rand(type, 7, 5, hidden).subi(0.5);
            State initial = spec.stateArity() == 2
                    ? State.of(Nd4j.rand(type, 5, hidden).subi(0.5), Nd4j.rand(type, 5, hidden).subi(0.5))
                    : State.of(Nd4j.rand(type, 5, hidden).subi(0.5));
            State dFinal = spec.stateArity() == 2
                    ? State.of(Nd4j.rand(type, 5, hidden), Nd4j.rand(type, 5, hidden))
                    : State.of(Nd4j.rand(type, 5, hidden));
            int[] lengths = bias ? LENGTHS : null; // the runs without bias also cover unpadded batches
            Result host = run(spec, parameters, true, partitions, parallel, x, lengths, initial, dOut, dFinal);
            Result plain = run(spec, parameters, false, 1, true, x, lengths, initial, dOut, dFinal);
            double tolerance = type == DataType.DOUBLE ? 1e-12 : 2e-6;
            String what = kind + " " + type + " " + partitions + " partitions" + (parallel ? "" : " (serial)")
                    + (bias ? "" : " without bias");
            close(what + " outputs", host.outputs, plain.outputs, tolerance);
            for (int p = 0; p < spec.stateArity(); p++) {
                close(what + " final state", host.finalState.get(p), plain.finalState.get(p), tolerance);
                close(what + " initial-state gradient", host.dInitial.get(p), plain.dInitial.get(p), tolerance);
            }
            close(what + " input gradient", host.dInput, plain.dInput, tolerance);
            close(what + " parameter gradients", host.gradients, plain.gradients, tolerance);
        }
    }

    /** Outputs, final state and gradients of one training pass, copied out of the layer's buffers. */
    record Result(INDArray outputs, State finalState, INDArray dInput, State dInitial, INDArray gradients) {
    }

    /** A training pass (forward, backward) of a new fused layer; null gradients are zero. */
    static Result run(RecurrentCellSpec spec, Parameters parameters, boolean host, int partitions,
                      boolean parallel, INDArray x, int[] lengths, State initial, INDArray dOut,
                      State dFinal) {
        Parameters gradients = parameters.zerosLike();
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, parameters, gradients, host, partitions, parallel);
        SequenceLayer.Trace trace = layer.forward(x, lengths, initial, true);
        INDArray outputs = trace.outputs().dup();
        State finalState = trace.finalState().dup();
        SequenceLayer.Gradient g = layer.backward(trace, dOut, dFinal);
        return new Result(outputs, finalState, g.inputGradients().dup(), g.initialStateGradient().dup(),
                gradients.flat().dup());
    }

    /** Agreement relative to b's largest magnitude (at least 1e-3). */
    static void close(String what, INDArray a, INDArray b, double tolerance) {
        double scale = Math.max(1e-3, b.amaxNumber().doubleValue());
        double difference = a.sub(b).amaxNumber().doubleValue();
        assertTrue(difference <= tolerance * scale, what + ": max difference " + difference + " (scale " + scale
                + ")");
    }
}
