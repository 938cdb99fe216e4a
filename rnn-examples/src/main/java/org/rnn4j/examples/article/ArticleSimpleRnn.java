package org.rnn4j.examples.article;

import java.util.SplittableRandom;
import org.rnn4j.api.Cell;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.CellSpec;
import org.rnn4j.nd4j.init.Initializers;

/**
 * The article's PyTorch {@code SimpleRNN}, written against rnn4j's {@link Cell} API as a user would write a cell of
 * their own: two linear maps over the concatenation {@code c_t = [x_t, h_{t-1}]},
 * <pre>
 *   h_t = tanh(c_t · i2h.weightᵀ + i2h.bias)        i2h.weight [hidden, input + hidden]
 *   y_t =      c_t · i2o.weightᵀ + i2o.bias         i2o.weight [output, input + hidden]
 * </pre>
 * Note that the output reads the <em>previous</em> hidden state (the article's code computes {@code i2o} from the
 * same {@code combined} tensor as {@code i2h}), unlike its formula {@code o_t = σ(W_ho·h_t)}.
 * Initialisation is PyTorch's {@code nn.Linear} default, {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}.
 */
public record ArticleSimpleRnn(int inputSize, int hiddenSize, int outputSize) implements CellSpec {
    public ArticleSimpleRnn {
        Checks.positive(inputSize, "inputSize");
        Checks.positive(hiddenSize, "hiddenSize");
        Checks.positive(outputSize, "outputSize");
    }

    @Override
    public int stateArity() {
        return 1;
    }

    @Override
    public ParameterLayout layout() {
        int combined = inputSize + hiddenSize;
        return ParameterLayout.builder()
                .add("i2h.weight", hiddenSize, combined).add("i2h.bias", hiddenSize)
                .add("i2o.weight", outputSize, combined).add("i2o.bias", outputSize)
                .build();
    }

    @Override
    public void initialize(Parameters parameters, SplittableRandom random) {
        double bound = 1 / Math.sqrt(inputSize + hiddenSize);
        for (String name : parameters.names()) {
            Initializers.uniform(parameters.get(name), -bound, bound, random);
        }
    }

    @Override
    public Cell createCell(Parameters parameters, Parameters gradients) {
        return new ArticleSimpleRnnCell(this, parameters, gradients);
    }
}
