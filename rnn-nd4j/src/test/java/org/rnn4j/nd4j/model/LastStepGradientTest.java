package org.rnn4j.nd4j.model;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Cell;
import org.rnn4j.api.Loss;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellSpec;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.RecurrentLayer;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.testkit.GradientCheck;

/**
 * {@link SequenceModel.OutputMode#LAST_STEP} gradients against finite differences. Built-in cells output their hidden
 * state, so the model hands the gradient of the last valid step to the layers as a final-state gradient; a user cell
 * may output something else of the same size (here {@code y = 2·h}), and then the output gradient must go through
 * the outputs.
 */
class LastStepGradientTest {
    private static final INDArray INPUT = Nd4j.rand(DataType.DOUBLE, 5, 3, 2).subi(0.5);
    private static final INDArray TARGETS = Nd4j.rand(DataType.DOUBLE, 3, 2);
    private static final int[] LENGTHS = {5, 2, 4};

    @Test
    void gradientsMatchFiniteDifferences() {
        RecurrentCellSpec gru = Gru.builder(2, 3).fused(false).build();
        for (SequenceModel m : new SequenceModel[] {
            model(RecurrentLayer.of(Gru.builder(2, 3).build())),
            model(StackedRnn.builder(Gru.builder(2, 3).build()).layers(2).build()),
            model(RecurrentLayer.of(new DoubledOutput(gru)))}) {
            Loss loss = new MeanSquaredError();
            m.computeGradients(INPUT, LENGTHS, TARGETS, loss);
            INDArray analytic = m.gradients().flat().dup();
            GradientCheck.assertNonTrivial("last step", analytic);
            GradientCheck.check("last step", m.parameters().flat(), analytic,
                    () -> loss.compute(m.predict(INPUT, LENGTHS), TARGETS).loss(),
                    GradientCheck.sample(m.parameters().layout(), 6));
        }
    }

    private static SequenceModel model(org.rnn4j.nd4j.layer.RecurrentSpec recurrent) {
        return SequenceModel.builder().recurrent(recurrent).head(Dense.builder(3, 2).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP).dataType(DataType.DOUBLE).seed(4).build();
    }

    /** A cell that outputs twice its hidden state: same width as the state, different values. */
    private record DoubledOutput(RecurrentCellSpec inner) implements CellSpec {
        @Override
        public int inputSize() {
            return inner.inputSize();
        }

        @Override
        public int hiddenSize() {
            return inner.hiddenSize();
        }

        @Override
        public int outputSize() {
            return inner.hiddenSize();
        }

        @Override
        public int stateArity() {
            return inner.stateArity();
        }

        @Override
        public ParameterLayout layout() {
            return inner.layout();
        }

        @Override
        public void initialize(Parameters parameters, SplittableRandom random) {
            inner.initialize(parameters, random);
        }

        @Override
        public Cell createCell(Parameters parameters, Parameters gradients) {
            Cell cell = inner.createCell(parameters, gradients);
            return new Cell() {
                @Override
                public int inputSize() {
                    return cell.inputSize();
                }

                @Override
                public int hiddenSize() {
                    return cell.hiddenSize();
                }

                @Override
                public int outputSize() {
                    return cell.outputSize();
                }

                @Override
                public int stateArity() {
                    return cell.stateArity();
                }

                @Override
                public DataType dataType() {
                    return cell.dataType();
                }

                @Override
                public Parameters parameters() {
                    return cell.parameters();
                }

                @Override
                public Parameters gradients() {
                    return cell.gradients();
                }

                @Override
                public Step forward(State previous, INDArray input) {
                    Step s = cell.forward(previous, input);
                    return new Step(s.previous(), s.input(), s.next(), s.output().mul(2), s.saved());
                }

                @Override
                public StepGradient backward(Step step, INDArray outputGradient, State nextStateGradient) {
                    Step inner = new Step(step.previous(), step.input(), step.next(), step.output().div(2),
                            step.saved());
                    return cell.backward(inner, outputGradient == null ? null : outputGradient.mul(2),
                            nextStateGradient);
                }
            };
        }
    }
}
