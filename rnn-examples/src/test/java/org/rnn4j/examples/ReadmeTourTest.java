package org.rnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Optimizer;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.Sgd;

/** Keeps the README's API tour compiling and working: the code between the markers is the README's, verbatim. */
class ReadmeTourTest {
    @Test
    void tourRunsAndLearns() {
        // README-TOUR-BEGIN
        // A vanilla RNN over 3 features with 16 hidden units; a dense head reads the last step.
        SequenceModel model = SequenceModel.builder()
                .recurrent(VanillaRnn.builder(3, 16).activation(Activation.TANH).build())
                .head(Dense.builder(16, 1).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP)
                .seed(42)
                .build();

        // Sequences are time-major: [time, batch, features]. Target: the mean of each sequence's first feature.
        INDArray x = Nd4j.rand(DataType.FLOAT, 10, 32, 3);
        INDArray y = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).mean(0).reshape(32, 1);

        Loss mse = new MeanSquaredError();
        Optimizer sgd = new Sgd(0.1);
        sgd.initialise(model.parameters());
        double first = model.computeGradients(x, y, mse);
        double loss = first;
        for (int step = 0; step < 300; step++) {
            loss = model.computeGradients(x, y, mse);   // forward, loss, backpropagation through time
            sgd.step(model.parameters(), model.gradients());
        }
        INDArray prediction = model.predict(x);          // [32, 1]
        // README-TOUR-END
        assertArrayEquals(new long[] {32, 1}, prediction.shape());
        assertTrue(loss < first / 3, "loss " + first + " -> " + loss);
    }

    @Test
    void readmeShowsTheTourVerbatim() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path readme = Files.exists(root.resolve("README.md")) ? root.resolve("README.md")
                : root.getParent().resolve("README.md");
        String source = Files.readString(root.resolve("src/test/java/org/rnn4j/examples/ReadmeTourTest.java"));
        Matcher m = Pattern.compile("// README-TOUR-BEGIN\\n(.*?)\\n\\s*// README-TOUR-END", Pattern.DOTALL)
                .matcher(source);
        assertTrue(m.find());
        String tour = m.group(1).stripIndent().strip();
        String text = Files.readString(readme);
        assertTrue(text.contains(tour), "README.md must contain the tour of ReadmeTourTest verbatim:\n" + tour);
        assertEquals(-1, tour.indexOf('\t'));
    }
}
