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
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.io.PyTorchRnn;
import org.rnn4j.nd4j.layer.StackedRnn;
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
    void pytorchTourLoadsWeightsAndRuns(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path weights = dir.resolve("lstm.safetensors");
        StackedRnn exported = StackedRnn.builder(Lstm.builder(3, 4).build()).layers(2).bidirectional(true).build();
        Parameters torchWeights = Parameters.zeros(exported.layout(), DataType.FLOAT);
        exported.initialize(torchWeights, new java.util.SplittableRandom(1));
        PyTorchRnn.save(weights, torchWeights); // stands in for the file PyTorch wrote
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 2, 3);
        // README-PYTORCH-BEGIN
        // PyTorch: nn.LSTM(input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
        StackedRnn lstm = StackedRnn.builder(Lstm.builder(3, 4).build()).layers(2).bidirectional(true).build();
        SequenceModel model = SequenceModel.builder().recurrent(lstm).build();
        PyTorchRnn.load(weights, model.parameters().part("rnn"));     // checks names, shapes and types

        int[] lengths = {6, 3};                                       // no sorting or packing needed
        INDArray outputs = model.predict(x, lengths);                 // [6, 2, 8]: pad_packed_sequence's output
        // README-PYTORCH-END
        assertArrayEquals(new long[] {6, 2, 8}, outputs.shape());
        assertTrue(model.parameters().flat().equalsWithEps(torchWeights.flat(), 0));
    }

    @Test
    void layersTourBuilds() {
        // README-LAYERS-BEGIN
        StackedRnn encoder = StackedRnn.builder(Gru.builder(300, 128).build())
                .layers(2).bidirectional(true)            // outputs [T, B, 256]: forward ‖ reverse (Merge.SUM gives 128)
                .dropout(0.2).seed(7)                     // between the layers, in training passes only
                .build();
        // README-LAYERS-END
        assertEquals(256, encoder.outputSize());
    }

    @Test
    void readmeShowsTheLayersTourVerbatim() throws Exception {
        assertQuoted("README-LAYERS");
    }

    @Test
    void readmeShowsThePyTorchTourVerbatim() throws Exception {
        assertQuoted("README-PYTORCH");
    }

    @Test
    void readmeShowsTheTourVerbatim() throws Exception {
        assertQuoted("README-TOUR");
    }

    private static void assertQuoted(String marker) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path readme = Files.exists(root.resolve("README.md")) ? root.resolve("README.md")
                : root.getParent().resolve("README.md");
        String source = Files.readString(root.resolve("src/test/java/org/rnn4j/examples/ReadmeTourTest.java"));
        Matcher m = Pattern.compile("// " + marker + "-BEGIN\\n(.*?)\\n\\s*// " + marker + "-END", Pattern.DOTALL)
                .matcher(source);
        assertTrue(m.find());
        String tour = m.group(1).stripIndent().strip();
        String text = Files.readString(readme);
        assertTrue(text.contains(tour), "README.md must contain " + marker + " of ReadmeTourTest verbatim:\n" + tour);
        assertEquals(-1, tour.indexOf('\t'));
    }
}
