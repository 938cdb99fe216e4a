package org.rnn4j.nd4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;

/**
 * The CPU host kernels ({@link HostKernels}) against the INDArray kernels that other backends run: same outputs,
 * final states and every gradient, in float64 and float32, with padding, initial states and final-state gradients.
 */
class HostKernelTest {
    private static final int[] LENGTHS = {7, 3, 5, 7, 1};

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void hostAndIndarrayKernelsAgree(CellKind kind) {
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            RecurrentCellSpec spec = kind.spec(3, 6, true);
            Parameters parameters = Parameters.zeros(spec.layout(), type);
            spec.initialize(parameters, new SplittableRandom(5));
            parameters.flat().addi(Nd4j.rand(type, parameters.flat().shape()).subi(0.5).muli(0.2)); // biases too
            Nd4j.getRandom().setSeed(11);
            INDArray x = Nd4j.rand(type, 7, 5, 3).subi(0.5).muli(2);
            INDArray dOut = Nd4j.rand(type, 7, 5, 6).subi(0.5);
            State initial = spec.stateArity() == 2
                    ? State.of(Nd4j.rand(type, 5, 6).subi(0.5), Nd4j.rand(type, 5, 6).subi(0.5))
                    : State.of(Nd4j.rand(type, 5, 6).subi(0.5));
            State dFinal = spec.stateArity() == 2
                    ? State.of(Nd4j.rand(type, 5, 6), Nd4j.rand(type, 5, 6)) : State.of(Nd4j.rand(type, 5, 6));
            Result host = run(spec, parameters, true, x, initial, dOut, dFinal);
            Result plain = run(spec, parameters, false, x, initial, dOut, dFinal);
            double tolerance = type == DataType.DOUBLE ? 1e-12 : 2e-6;
            close(kind + " " + type + " outputs", host.outputs, plain.outputs, tolerance);
            for (int p = 0; p < spec.stateArity(); p++) {
                close(kind + " final state", host.finalState.get(p), plain.finalState.get(p), tolerance);
                close(kind + " initial-state gradient", host.dInitial.get(p), plain.dInitial.get(p), tolerance);
            }
            close(kind + " input gradient", host.dInput, plain.dInput, tolerance);
            close(kind + " parameter gradients", host.gradients, plain.gradients, tolerance);
        }
    }

    private record Result(INDArray outputs, State finalState, INDArray dInput, State dInitial, INDArray gradients) {
    }

    private static Result run(RecurrentCellSpec spec, Parameters parameters, boolean host, INDArray x, State initial,
                              INDArray dOut, State dFinal) {
        Parameters gradients = parameters.zerosLike();
        FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, parameters, gradients, host);
        SequenceLayer.Trace trace = layer.forward(x, LENGTHS, initial, true);
        INDArray outputs = trace.outputs().dup();
        State finalState = trace.finalState().dup();
        SequenceLayer.Gradient g = layer.backward(trace, dOut, dFinal);
        return new Result(outputs, finalState, g.inputGradients().dup(), g.initialStateGradient().dup(),
                gradients.flat().dup());
    }

    private static void close(String what, INDArray a, INDArray b, double tolerance) {
        double scale = Math.max(1e-3, b.amaxNumber().doubleValue());
        double difference = a.sub(b).amaxNumber().doubleValue();
        assertTrue(difference <= tolerance * scale, what + ": max difference " + difference + " (scale " + scale
                + ")");
    }
}
