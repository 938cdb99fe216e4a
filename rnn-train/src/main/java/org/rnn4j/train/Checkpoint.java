package org.rnn4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
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
        Checks.notNull(model, "model");
        ModelArchive.save(file, model, extra(model.trainingPasses(), optimizer, state), arrays(optimizer, state));
    }

    /** The model file's {@code extra}: the checkpoint section. */
    static ObjectNode extra(long trainingPasses, FlatOptimizer optimizer, TrainingState state) {
        Checks.notNull(optimizer, "optimizer");
        Checks.notNull(state, "state");
        ObjectNode checkpoint = JSON.createObjectNode();
        checkpoint.put("training_passes", trainingPasses);
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
        ObjectNode extra = JSON.createObjectNode();
        extra.set("checkpoint", checkpoint);
        return extra;
    }

    /** The model file's array groups: the optimizer's state and the best parameters. */
    static Map<String, Map<String, INDArray>> arrays(FlatOptimizer optimizer, TrainingState state) {
        Map<String, Map<String, INDArray>> arrays = new LinkedHashMap<>();
        arrays.put(OPTIMIZER, optimizer.state());
        if (state.bestParameters() != null) {
            arrays.put(BEST, ModelArchive.byName(state.bestParameters()));
        }
        return arrays;
    }

    /** JSON has no NaN: a missing value is null. */
    private static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    /**
     * Loads the model, an optimizer initialised on its parameters with the saved state, and the trainer state.
     *
     * @throws IOException for everything {@link ModelArchive#read} refuses, for a model file that is not a
     *                     checkpoint, and for optimizer state that does not fit the model
     */
    public static Checkpoint load(Path file) throws IOException {
        ModelArchive.Contents<SequenceModel> contents = ModelArchive.read(file);
        SequenceModel model = contents.model();
        Restored restored = restore(file, contents, model.parameters(), "ModelArchive.load");
        model.setTrainingPasses(restored.trainingPasses());
        return new Checkpoint(model, restored.optimizer(), restored.state());
    }

    /** What a checkpoint restores besides the model's parameters. */
    record Restored(FlatOptimizer optimizer, TrainingState state, long trainingPasses) {
    }

    /**
     * Reads the checkpoint section of a model file's contents, initialising an optimizer on {@code parameters}.
     *
     * @param loadHint how to load the file as a plain model, for the message when it is not a checkpoint
     */
    static Restored restore(Path file, ModelArchive.Contents<?> contents, Parameters parameters, String loadHint)
            throws IOException {
        JsonNode checkpoint = contents.extra() == null ? null : contents.extra().get("checkpoint");
        if (checkpoint == null || !checkpoint.isObject()) {
            throw new IOException(file + " is a model file but not a training checkpoint (no checkpoint section); "
                    + "load it with " + loadHint);
        }
        try {
            // every field is type- and range-checked: a checkpoint that loads is never read as something else
            JsonNode opt = object(checkpoint, "optimizer", "optimizer");
            Map<String, Double> hyper = new LinkedHashMap<>();
            JsonNode hyperparameters = object(opt, "hyperparameters", "optimizer.hyperparameters");
            for (Iterator<Map.Entry<String, JsonNode>> it = hyperparameters.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                hyper.put(e.getKey(), finite(e.getValue(), "optimizer.hyperparameters." + e.getKey()));
            }
            FlatOptimizer optimizer = Optimizers.create(text(opt, "kind", "optimizer.kind"), hyper);
            long steps = integer(opt, "steps", "optimizer.steps", 0, Long.MAX_VALUE);
            long trainingPasses = integer(checkpoint, "training_passes", "training_passes", 0, Long.MAX_VALUE);

            JsonNode t = object(checkpoint, "trainer", "trainer");
            JsonNode historyNode = required(t, "history");
            if (!historyNode.isArray()) {
                throw new IOException("trainer.history must be an array but is " + describe(historyNode));
            }
            List<EpochSummary> history = new ArrayList<>();
            for (int i = 0; i < historyNode.size(); i++) {
                JsonNode h = historyNode.get(i);
                String at = "trainer.history[" + i + "]";
                if (!h.isObject()) {
                    throw new IOException(at + " must be an object but is " + describe(h));
                }
                JsonNode metricName = h.get("metric_name");
                if (metricName != null && !metricName.isNull() && !metricName.isTextual()) {
                    throw new IOException(at + ".metric_name must be a string or null but is "
                            + describe(metricName));
                }
                history.add(new EpochSummary((int) integer(h, "epoch", at + ".epoch", 0, Integer.MAX_VALUE),
                        number(h, "train_loss", at), number(h, "validation_loss", at),
                        metricName == null || metricName.isNull() ? null : metricName.asText(),
                        number(h, "metric", at), number(h, "learning_rate", at), number(h, "seconds", at),
                        number(h, "examples_per_second", at), bool(h, "improved", at + ".improved")));
            }
            TrainingState state = new TrainingState(
                    (int) integer(t, "completed_epochs", "trainer.completed_epochs", 0, Integer.MAX_VALUE),
                    integer(t, "seed", "trainer.seed", Long.MIN_VALUE, Long.MAX_VALUE),
                    (int) integer(t, "batch_size", "trainer.batch_size", 1, Integer.MAX_VALUE),
                    bool(t, "shuffle", "trainer.shuffle"), bool(t, "bucket_by_length", "trainer.bucket_by_length"),
                    (int) integer(t, "best_epoch", "trainer.best_epoch", -1, Integer.MAX_VALUE),
                    number(t, "best_score", "trainer"),
                    (int) integer(t, "epochs_without_improvement", "trainer.epochs_without_improvement", 0,
                            Integer.MAX_VALUE), history, null);
            // only now, with every field read, does anything get built from the file's arrays
            optimizer.initialise(parameters);
            Map<String, INDArray> optimizerState = contents.arrays().get(OPTIMIZER);
            if (optimizerState == null) {
                throw new IOException("it has no optimizer.safetensors");
            }
            optimizer.restore(optimizerState, steps);
            Parameters best = null;
            Map<String, INDArray> bestArrays = contents.arrays().get(BEST);
            if (bestArrays != null) {
                best = parameters.zerosLike();
                ModelArchive.assign(BEST + ".safetensors", bestArrays, best);
            }
            state = new TrainingState(state.completedEpochs(), state.seed(), state.batchSize(), state.shuffle(),
                    state.bucketByLength(), state.bestEpoch(), state.bestScore(), state.epochsWithoutImprovement(),
                    state.history(), best);
            return new Restored(optimizer, state, trainingPasses);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException(file + ": the checkpoint does not fit its model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode object(JsonNode node, String name, String path) throws IOException {
        JsonNode v = required(node, name);
        if (!v.isObject()) {
            throw new IOException("the checkpoint's " + path + " must be an object but is " + describe(v));
        }
        return v;
    }

    private static String text(JsonNode node, String name, String path) throws IOException {
        JsonNode v = required(node, name);
        if (!v.isTextual()) {
            throw new IOException("the checkpoint's " + path + " must be a string but is " + describe(v));
        }
        return v.asText();
    }

    private static boolean bool(JsonNode node, String name, String path) throws IOException {
        JsonNode v = required(node, name);
        if (!v.isBoolean()) {
            throw new IOException("the checkpoint's " + path + " must be true or false but is " + describe(v));
        }
        return v.booleanValue();
    }

    /** An integral JSON number in {@code [min, max]} (1e308 or 3.5 are not). */
    private static long integer(JsonNode node, String name, String path, long min, long max) throws IOException {
        JsonNode v = required(node, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new IOException("the checkpoint's " + path + " must be an integer in [" + min + ", " + max
                    + "] but is " + describe(v));
        }
        return v.longValue();
    }

    private static double finite(JsonNode v, String path) throws IOException {
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new IOException("the checkpoint's " + path + " must be a finite number but is " + describe(v));
        }
        return v.doubleValue();
    }

    /** A number, or NaN for a missing or null value (JSON has no NaN); anything else is an error. */
    private static double number(JsonNode node, String name, String path) throws IOException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw new IOException("the checkpoint's " + path + "." + name + " must be a number or null but is "
                    + describe(v));
        }
        return v.doubleValue();
    }

    private static String describe(JsonNode v) {
        String text = v.toString();
        return (text.length() > 60 ? text.substring(0, 60) + "..." : text) + " (" + v.getNodeType()
                .toString().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    private static JsonNode required(JsonNode node, String name) throws IOException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new IOException("the checkpoint section lacks '" + name + "'");
        }
        return v;
    }
}
