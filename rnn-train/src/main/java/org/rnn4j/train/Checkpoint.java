package org.rnn4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.io.ModelArchive;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.FlatOptimizer;
import org.rnn4j.nd4j.optim.Optimizers;

/**
 * A training checkpoint: an rnn4j model file ({@link ModelArchive}, format version 1) whose {@code extra} JSON holds
 * <pre>
 * {"checkpoint": {"training_passes": 640,
 *                 "optimizer": {"kind": "adam", "hyperparameters": {"lr": 0.001, ...}, "steps": 640},
 *                 "trainer": {"completed_epochs": 2, "seed": 7, "batch_size": 32, "shuffle": true,
 *                             "bucket_by_length": false, "best_epoch": 1, "best_score": 0.83,
 *                             "epochs_without_improvement": 0, "history": [{"epoch": 0, ...}, ...]}}}
 * </pre>
 * and whose array groups are {@code optimizer} (the optimizer's state buffers by name) and {@code best} (the best
 * epoch's parameters, when there is one). Any model file reader can load the model of a checkpoint; a file without
 * the {@code checkpoint} section is refused by {@link #load} with a message saying so.
 */
public record Checkpoint(SequenceModel model, FlatOptimizer optimizer, TrainingState state) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPTIMIZER = "optimizer";
    private static final String BEST = "best";

    /** Saves atomically; the optimizer must be initialised on the model's parameters. */
    public static void save(Path file, SequenceModel model, FlatOptimizer optimizer, TrainingState state)
            throws IOException {
        Checks.notNull(optimizer, "optimizer");
        Checks.notNull(state, "state");
        ObjectNode checkpoint = JSON.createObjectNode();
        checkpoint.put("training_passes", model.trainingPasses());
        ObjectNode opt = checkpoint.putObject("optimizer").put("kind", optimizer.kind());
        ObjectNode hyper = opt.putObject("hyperparameters");
        optimizer.hyperparameters().forEach(hyper::put);
        opt.put("steps", optimizer.steps());
        ObjectNode trainer = checkpoint.putObject("trainer")
                .put("completed_epochs", state.completedEpochs()).put("seed", state.seed())
                .put("batch_size", state.batchSize()).put("shuffle", state.shuffle())
                .put("bucket_by_length", state.bucketByLength()).put("best_epoch", state.bestEpoch())
                .put("epochs_without_improvement", state.epochsWithoutImprovement());
        number(trainer, "best_score", state.bestScore());
        ArrayNode history = trainer.putArray("history");
        for (EpochSummary e : state.history()) {
            ObjectNode h = history.addObject().put("epoch", e.epoch());
            number(h, "train_loss", e.trainLoss());
            number(h, "validation_loss", e.validationLoss());
            h.put("metric_name", e.metricName());
            number(h, "metric", e.metric());
            number(h, "learning_rate", e.learningRate());
            number(h, "seconds", e.seconds());
            number(h, "examples_per_second", e.examplesPerSecond());
            h.put("improved", e.improved());
        }
        Map<String, Map<String, INDArray>> arrays = new LinkedHashMap<>();
        arrays.put(OPTIMIZER, optimizer.state());
        if (state.bestParameters() != null) {
            arrays.put(BEST, ModelArchive.byName(state.bestParameters()));
        }
        ObjectNode extra = JSON.createObjectNode();
        extra.set("checkpoint", checkpoint);
        ModelArchive.save(file, model, extra, arrays);
    }

    /** JSON has no NaN: a missing value is null. */
    private static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    private static double number(JsonNode node, String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }

    /**
     * Loads the model, an optimizer initialised on its parameters with the saved state, and the trainer state.
     *
     * @throws IOException for everything {@link ModelArchive#read} refuses, for a model file that is not a
     *                     checkpoint, and for optimizer state that does not fit the model
     */
    public static Checkpoint load(Path file) throws IOException {
        ModelArchive.Contents contents = ModelArchive.read(file);
        JsonNode checkpoint = contents.extra() == null ? null : contents.extra().get("checkpoint");
        if (checkpoint == null || !checkpoint.isObject()) {
            throw new IOException(file + " is a model file but not a training checkpoint (no checkpoint section); "
                    + "load it with ModelArchive.load");
        }
        SequenceModel model = contents.model();
        try {
            JsonNode opt = required(checkpoint, "optimizer");
            Map<String, Double> hyper = new LinkedHashMap<>();
            required(opt, "hyperparameters").fields().forEachRemaining(e -> hyper.put(e.getKey(), e.getValue().asDouble()));
            FlatOptimizer optimizer = Optimizers.create(required(opt, "kind").asText(), hyper);
            optimizer.initialise(model.parameters());
            Map<String, INDArray> optimizerState = contents.arrays().get(OPTIMIZER);
            if (optimizerState == null) {
                throw new IOException("it has no optimizer.safetensors");
            }
            optimizer.restore(optimizerState, required(opt, "steps").asLong());
            model.setTrainingPasses(required(checkpoint, "training_passes").asLong());

            JsonNode t = required(checkpoint, "trainer");
            List<EpochSummary> history = new ArrayList<>();
            for (JsonNode h : required(t, "history")) {
                history.add(new EpochSummary(h.path("epoch").asInt(), number(h, "train_loss"),
                        number(h, "validation_loss"), h.path("metric_name").asText(null), number(h, "metric"),
                        number(h, "learning_rate"), number(h, "seconds"), number(h, "examples_per_second"),
                        h.path("improved").asBoolean()));
            }
            Parameters best = null;
            Map<String, INDArray> bestArrays = contents.arrays().get(BEST);
            if (bestArrays != null) {
                best = model.parameters().zerosLike();
                ModelArchive.assign(BEST + ".safetensors", bestArrays, best);
            }
            TrainingState state = new TrainingState(required(t, "completed_epochs").asInt(),
                    required(t, "seed").asLong(), required(t, "batch_size").asInt(),
                    required(t, "shuffle").asBoolean(), required(t, "bucket_by_length").asBoolean(),
                    required(t, "best_epoch").asInt(), number(t, "best_score"),
                    required(t, "epochs_without_improvement").asInt(), history, best);
            return new Checkpoint(model, optimizer, state);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException(file + ": the checkpoint does not fit its model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String name) throws IOException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new IOException("the checkpoint section lacks '" + name + "'");
        }
        return v;
    }
}
