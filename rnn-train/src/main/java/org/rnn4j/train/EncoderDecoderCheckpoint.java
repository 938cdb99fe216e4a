package org.rnn4j.train;

import java.io.IOException;
import java.nio.file.Path;
import org.rnn4j.api.Checks;
import org.rnn4j.nd4j.io.ModelArchive;
import org.rnn4j.nd4j.model.EncoderDecoder;
import org.rnn4j.nd4j.optim.FlatOptimizer;

/**
 * A training checkpoint of an {@link EncoderDecoder}: an encoder-decoder model file (format version 2) with the
 * same {@code checkpoint} section and array groups as a {@link Checkpoint}, which documents them.
 */
public record EncoderDecoderCheckpoint(EncoderDecoder model, FlatOptimizer optimizer, TrainingState state) {
    /** Saves atomically; the optimizer must be initialised on the model's parameters. */
    public static void save(Path file, EncoderDecoder model, FlatOptimizer optimizer, TrainingState state)
            throws IOException {
        Checks.notNull(model, "model");
        ModelArchive.save(file, model, Checkpoint.extra(0, optimizer, state), Checkpoint.arrays(optimizer, state));
    }

    /**
     * Loads the model, an optimizer initialised on its parameters with the saved state, and the trainer state.
     *
     * @throws IOException as {@link Checkpoint#load} does, and for a file that holds a sequence model
     */
    public static EncoderDecoderCheckpoint load(Path file) throws IOException {
        ModelArchive.Contents<EncoderDecoder> contents = ModelArchive.readEncoderDecoder(file);
        EncoderDecoder model = contents.model();
        Checkpoint.Restored restored = Checkpoint.restore(file, contents, model.parameters(),
                "ModelArchive.loadEncoderDecoder");
        return new EncoderDecoderCheckpoint(model, restored.optimizer(), restored.state());
    }
}
