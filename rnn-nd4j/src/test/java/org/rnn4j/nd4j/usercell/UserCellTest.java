package org.rnn4j.nd4j.usercell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Cell;
import org.rnn4j.api.Loss;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.CellSpec;
import org.rnn4j.nd4j.io.CellTypes;
import org.rnn4j.nd4j.io.ModelArchive;
import org.rnn4j.nd4j.layer.CellLoop;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.layer.StackedRnnLayer;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.stream.RecurrentStream;
import org.rnn4j.testkit.GradientCheck;

/**
 * A cell written in test sources only ({@link IndRnn}) is as first-class as the built-in ones: stacked and
 * bidirectional with exact gradients, masked by sequence lengths, streamed, and saved and loaded in a model file
 * under a registered type.
 */
class UserCellTest {
    private static final int[] LENGTHS = {5, 2, 4};

    @TempDir
    Path dir;

    @BeforeAll
    static void register() {
        CellTypes.register("indrnn", IndRnn.class);
    }

    private static SequenceModel model(boolean bidirectional, SequenceModel.OutputMode mode) {
        StackedRnn stack = StackedRnn.builder(new IndRnn(2, 3)).layers(2).bidirectional(bidirectional).build();
        return SequenceModel.builder().recurrent(stack).head(Dense.builder(stack.outputSize(), 2).build())
                .outputMode(mode).dataType(DataType.DOUBLE).seed(3).build();
    }

    private static INDArray input() {
        Nd4j.getRandom().setSeed(5);
        return Nd4j.rand(DataType.DOUBLE, 5, 3, 2).subi(0.5).muli(2);
    }

    @Test
    void aStackedBidirectionalUserCellHasExactGradients() {
        SequenceModel m = model(true, SequenceModel.OutputMode.LAST_STEP);
        assertTrue(((StackedRnnLayer) m.recurrent()).layer(1, 1) instanceof CellLoop, "runs the user's cell");
        INDArray x = input();
        INDArray targets = Nd4j.rand(DataType.DOUBLE, 3, 2);
        Loss loss = new MeanSquaredError();
        m.computeGradients(x, LENGTHS, targets, loss);
        INDArray analytic = m.gradients().flat().dup();
        GradientCheck.assertNonTrivial("indrnn stack", analytic);
        GradientCheck.check("indrnn stack", m.parameters().flat(), analytic,
                () -> loss.compute(m.predict(x, LENGTHS), targets).loss());
    }

    /** Each padded sequence gives what it gives alone; without the lengths, the padding changes the result. */
    @Test
    void lengthsMaskThePadding() {
        SequenceModel m = model(true, SequenceModel.OutputMode.LAST_STEP);
        INDArray x = input();
        INDArray batch = m.predict(x, LENGTHS);
        for (int b = 0; b < LENGTHS.length; b++) {
            INDArray alone = x.get(NDArrayIndex.interval(0, LENGTHS[b]), NDArrayIndex.interval(b, b + 1),
                    NDArrayIndex.all()).dup('c');
            INDArray expected = m.predict(alone, null);
            assertEquals(0, expected.sub(batch.getRow(b).reshape(1, 2)).amaxNumber().doubleValue(), 1e-12,
                    "sequence " + b);
        }
        double unmasked = m.predict(x, null).sub(batch).amaxNumber().doubleValue();
        assertTrue(unmasked > 1e-6, "the lengths changed nothing: " + unmasked);
    }

    @Test
    void aUserCellStreamsStepByStep() {
        SequenceModel m = model(false, SequenceModel.OutputMode.ALL_STEPS);
        INDArray x = input();
        INDArray whole = m.recurrent().forward(x, null).outputs();
        RecurrentStream stream = new RecurrentStream(m.recurrent(), null, 3);
        for (int t = 0; t < x.size(0); t++) {
            INDArray step = stream.step(x.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()).dup('c'));
            INDArray expected = whole.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
            assertEquals(0, expected.sub(step).amaxNumber().doubleValue(), 1e-12, "step " + t);
        }
    }

    @Test
    void aRegisteredUserCellIsSavedAndLoaded() throws IOException {
        SequenceModel m = model(true, SequenceModel.OutputMode.LAST_STEP);
        Path file = dir.resolve("indrnn.rnn4j");
        ModelArchive.save(file, m);
        SequenceModel loaded = ModelArchive.load(file);
        assertEquals(m.config(), loaded.config());
        INDArray x = input();
        assertEquals(m.predict(x, LENGTHS), loaded.predict(x, LENGTHS));
    }

    @Test
    void unknownAndUnregisteredTypesAreClearErrors() throws IOException {
        Path file = dir.resolve("indrnn.rnn4j");
        ModelArchive.save(file, model(false, SequenceModel.OutputMode.LAST_STEP));
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toUri()), Map.of())) {
            Path config = zip.getPath("rnn4j.json");
            String json = Files.readString(config, StandardCharsets.UTF_8);
            assertTrue(json.contains("\"indrnn\""), json);
            Files.writeString(config, json.replace("\"indrnn\"", "\"no-such-cell\""), StandardCharsets.UTF_8);
        }
        IOException e = assertThrows(IOException.class, () -> ModelArchive.load(file));
        assertTrue(e.getMessage().contains("'no-such-cell'") && e.getMessage().contains("CellTypes.register"),
                e.getMessage());

        SequenceModel unregistered = SequenceModel.builder().recurrent(new Unregistered(2, 3)).seed(1).build();
        IllegalArgumentException notRegistered = assertThrows(IllegalArgumentException.class,
                () -> ModelArchive.save(dir.resolve("u.rnn4j"), unregistered));
        assertTrue(notRegistered.getMessage().contains("CellTypes.register"), notRegistered.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CellTypes.register("lstm", IndRnn.class));
        assertThrows(IllegalArgumentException.class, () -> CellTypes.register("other", IndRnn.class));
    }

    @Test
    void aCellThatCannotChangeItsInputSizeCannotBeStacked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StackedRnn.builder(new Unregistered(2, 3)).layers(2).build());
        assertTrue(e.getMessage().contains("withInputSize"), e.getMessage());
        StackedRnn.builder(new Unregistered(2, 3)).layers(1).build(); // one layer needs no other input size
    }

    /** IndRNN's cell under a type nobody registered, and without {@code withInputSize}. */
    private record Unregistered(int inputSize, int hiddenSize) implements CellSpec {
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
            return new IndRnn(inputSize, hiddenSize).layout();
        }

        @Override
        public void initialize(Parameters parameters, SplittableRandom random) {
            new IndRnn(inputSize, hiddenSize).initialize(parameters, random);
        }

        @Override
        public Cell createCell(Parameters parameters, Parameters gradients) {
            return new IndRnn(inputSize, hiddenSize).createCell(parameters, gradients);
        }
    }
}
