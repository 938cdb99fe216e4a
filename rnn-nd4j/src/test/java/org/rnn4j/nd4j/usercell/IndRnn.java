package org.rnn4j.nd4j.usercell;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Cell;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellSpec;
import org.rnn4j.nd4j.init.Initializers;

/**
 * A cell written as a user would, in test sources only: IndRNN (Li et al., 2018), each hidden unit recurrent only
 * to itself, {@code h_t = tanh(x_t · Wᵀ + u ⊙ h_{t-1} + b)}, parameters {@code weight [H, I]}, {@code recurrent [H]},
 * {@code bias [H]}.
 */
public record IndRnn(int inputSize, int hiddenSize) implements CellSpec {
    public IndRnn {
        Checks.positive(inputSize, "inputSize");
        Checks.positive(hiddenSize, "hiddenSize");
    }

    @Override
    public int outputSize() {
        return hiddenSize;
    }

    @Override
    public int stateArity() {
        return 1;
    }

    @Override
    public ParameterLayout layout() {
        return ParameterLayout.builder().add("weight", hiddenSize, inputSize).add("recurrent", hiddenSize)
                .add("bias", hiddenSize).build();
    }

    @Override
    public void initialize(Parameters parameters, SplittableRandom random) {
        double bound = 1 / Math.sqrt(inputSize);
        Initializers.uniform(parameters.get("weight"), -bound, bound, random);
        Initializers.uniform(parameters.get("recurrent"), 0, 1, random);
        Initializers.uniform(parameters.get("bias"), -bound, bound, random);
    }

    @Override
    public IndRnn withInputSize(int inputSize) {
        return new IndRnn(inputSize, hiddenSize);
    }

    @Override
    public Cell createCell(Parameters parameters, Parameters gradients) {
        IndRnn spec = this;
        return new Cell() {
            @Override
            public int inputSize() {
                return spec.inputSize;
            }

            @Override
            public int hiddenSize() {
                return spec.hiddenSize;
            }

            @Override
            public int outputSize() {
                return spec.hiddenSize;
            }

            @Override
            public int stateArity() {
                return 1;
            }

            @Override
            public DataType dataType() {
                return parameters.dataType();
            }

            @Override
            public Parameters parameters() {
                return parameters;
            }

            @Override
            public Parameters gradients() {
                return gradients;
            }

            @Override
            public Step forward(State previous, INDArray input) {
                INDArray h = previous == null ? Nd4j.zeros(dataType(), input.size(0), spec.hiddenSize)
                        : previous.hidden();
                INDArray next = Nd4j.math().tanh(input.mmul(parameters.get("weight").transpose())
                        .addi(h.mulRowVector(parameters.get("recurrent"))).addiRowVector(parameters.get("bias")));
                return new Step(State.of(h), input, State.of(next), next, new INDArray[0]);
            }

            @Override
            public StepGradient backward(Step step, INDArray outputGradient, State nextStateGradient) {
                INDArray h = step.next().hidden();
                INDArray dh = Nd4j.zerosLike(h);
                if (outputGradient != null) {
                    dh.addi(outputGradient);
                }
                if (nextStateGradient != null) {
                    dh.addi(nextStateGradient.hidden());
                }
                INDArray da = dh.muli(h.mul(h).rsubi(1)); // tanh' = 1 - h²
                INDArray previous = step.previous().hidden();
                gradients.get("weight").addi(da.transpose().mmul(step.input()));
                gradients.get("recurrent").addi(da.mul(previous).sum(0));
                gradients.get("bias").addi(da.sum(0));
                return new StepGradient(State.of(da.mulRowVector(parameters.get("recurrent"))),
                        da.mmul(parameters.get("weight")));
            }
        };
    }
}
