package org.rnn4j.examples.article;

import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.examples.DemoVersion;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.model.SequenceModel;
import picocli.CommandLine.Command;

/**
 * The article's worked example, computed with rnn4j: three steps of {@code h_t = σ(W_xh·x_t + W_hh·h_{t-1})},
 * {@code o_t = σ(W_ho·h_t)} with the article's inputs and weights. The article prints other numbers, which do not
 * follow from its own formulas; this prints both.
 */
@Command(name = "worked-example", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "The article's three-step vanilla RNN example: the true values next to the article's.")
public final class WorkedExample implements Callable<Integer> {
    static final double[][] INPUTS = {{0.1, 0.2}, {0.3, 0.4}, {0.5, 0.6}};
    static final double[][] W_XH = {{0.1, 0.2}, {0.3, 0.4}};
    static final double[][] W_HH = {{0.5, 0.6}, {0.7, 0.8}};
    static final double[][] W_HO = {{0.9, 1.0}};
    /** What the article prints for h_t (its o_t are two-element vectors although W_ho has one row). */
    static final double[][] ARTICLE_HIDDEN = {{0.52497919, 0.57444252}, {0.63921773, 0.6791787},
        {0.72630335, 0.7568025}};

    /** The hidden states {@code h_t} ({@code [3][2]}) and outputs {@code o_t} ({@code [3]}). */
    public record Result(double[][] hidden, double[] outputs) {
    }

    /** Builds the article's network from rnn4j parts and runs it in float64. */
    public static Result compute() {
        SequenceModel model = SequenceModel.builder()
                .recurrent(VanillaRnn.builder(2, 2).activation(Activation.SIGMOID).bias(false).build())
                .head(Dense.builder(2, 1).activation(Activation.SIGMOID).bias(false).build())
                .outputMode(SequenceModel.OutputMode.ALL_STEPS)
                .dataType(DataType.DOUBLE)
                .build();
        model.parameters().get("rnn.weight_ih").assign(Nd4j.createFromArray(W_XH));
        model.parameters().get("rnn.weight_hh").assign(Nd4j.createFromArray(W_HH));
        model.parameters().get("head.weight").assign(Nd4j.createFromArray(W_HO));

        INDArray x = Nd4j.createFromArray(INPUTS).reshape(3, 1, 2); // [time, batch, features]
        INDArray h = model.recurrent().forward(x, null).outputs(); // [3, 1, 2]
        INDArray o = model.predict(x); // [3, 1, 1]
        return new Result(h.reshape(3, 2).toDoubleMatrix(), o.reshape(3).toDoubleVector());
    }

    @Override
    public Integer call() {
        Result r = compute();
        System.out.println("The article's worked example: x1=[0.1,0.2] x2=[0.3,0.4] x3=[0.5,0.6], h0=[0,0],");
        System.out.println("W_xh=[[0.1,0.2],[0.3,0.4]] W_hh=[[0.5,0.6],[0.7,0.8]] W_ho=[0.9,1.0], σ = sigmoid, no biases");
        System.out.println();
        System.out.printf("%-4s %-22s %-10s | %s%n", "step", "h_t (rnn4j)", "o_t", "h_t as the article prints it");
        for (int t = 0; t < 3; t++) {
            System.out.printf("%-4d [%.6f, %.6f]   %.6f   | [%.8f, %.8f]%n", t + 1, r.hidden()[t][0],
                    r.hidden()[t][1], r.outputs()[t], ARTICLE_HIDDEN[t][0], ARTICLE_HIDDEN[t][1]);
        }
        System.out.println();
        System.out.println("The article's numbers do not follow from its formulas: σ(W_xh·x1) = σ([0.05, 0.11])");
        System.out.println("= [0.512497, 0.527472], and W_ho has one row, so each o_t is one number.");
        return 0;
    }
}
