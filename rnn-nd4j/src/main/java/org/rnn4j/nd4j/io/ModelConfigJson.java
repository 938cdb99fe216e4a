package org.rnn4j.nd4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import org.nd4j.linalg.api.buffer.DataType;
import org.rnn4j.api.Activation;
import org.rnn4j.nd4j.cell.CellSpec;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.init.WeightInit;
import org.rnn4j.nd4j.layer.Attention;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.RecurrentLayer;
import org.rnn4j.nd4j.layer.RecurrentSpec;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.EncoderDecoder;
import org.rnn4j.nd4j.model.SequenceModel;

/**
 * A {@link SequenceModel.Config} as JSON, field by field (no reflection, so a renamed Java field cannot silently
 * change the file format). Example:
 * <pre>
 * {"embedding": {"vocabulary_size": 5000, "dimension": 64, "padding_id": 0},
 *  "recurrent": {"type": "stacked", "layers": 1, "bidirectional": true, "merge": "CONCAT", "dropout": 0.0, "seed": 0,
 *                "cell": {"type": "gru", "input_size": 64, "hidden_size": 64, "bias": true,
 *                         "input_init": "XAVIER_UNIFORM", "recurrent_init": "ORTHOGONAL", "fused": true}},
 *  "head": {"input_size": 128, "output_size": 1, "activation": "IDENTITY", "bias": true},
 *  "output_mode": "LAST_STEP", "head_dropout": 0.0, "data_type": "FLOAT", "seed": 7}
 * </pre>
 * Cells are {@code "rnn"} (with {@code activation}), {@code "lstm"} (with {@code forget_bias_one}), {@code "gru"},
 * or a cell of your own registered with {@link CellTypes}: {@code {"type": "<its type>", "config": {<its record
 * components>}}}.
 */
public final class ModelConfigJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelConfigJson() {
    }

    /** @throws IllegalArgumentException if the recurrent layer is not of a built-in or registered cell */
    public static ObjectNode write(SequenceModel.Config config) {
        ObjectNode node = JSON.createObjectNode();
        if (config.embedding() != null) {
            node.set("embedding", embedding(config.embedding()));
        }
        node.set("recurrent", recurrent(config.recurrent()));
        if (config.head() != null) {
            Dense h = config.head();
            node.putObject("head").put("input_size", h.inputSize()).put("output_size", h.outputSize())
                    .put("activation", h.activation().name()).put("bias", h.bias());
        }
        node.put("output_mode", config.outputMode().name());
        node.put("head_dropout", config.headDropout());
        node.put("data_type", config.dataType().name());
        node.put("seed", config.seed());
        return node;
    }

    /**
     * An {@link EncoderDecoder.Config}:
     * <pre>
     * {"source_embedding": {"vocabulary_size": 60, "dimension": 32, "padding_id": 0},
     *  "encoder": {"type": "stacked", ...},           (as a sequence model's recurrent; CONCAT)
     *  "target_embedding": {...}, "decoder": {"type": "gru", ...},
     *  "attention": {"score": "GENERAL", "query_size": 64, "key_size": 128, "attention_size": 0},
     *  "data_type": "FLOAT", "seed": 7}
     * </pre>
     */
    public static ObjectNode write(EncoderDecoder.Config config) {
        ObjectNode node = JSON.createObjectNode();
        node.set("source_embedding", embedding(config.sourceEmbedding()));
        node.set("encoder", recurrent(config.encoder()));
        node.set("target_embedding", embedding(config.targetEmbedding()));
        node.set("decoder", cell(config.decoder()));
        Attention a = config.attention();
        node.putObject("attention").put("score", a.score().name()).put("query_size", a.querySize())
                .put("key_size", a.keySize()).put("attention_size", a.attentionSize());
        node.put("data_type", config.dataType().name());
        node.put("seed", config.seed());
        return node;
    }

    private static ObjectNode embedding(Embedding e) {
        return JSON.createObjectNode().put("vocabulary_size", e.vocabularySize()).put("dimension", e.dimension())
                .put("padding_id", e.paddingId());
    }

    private static ObjectNode recurrent(RecurrentSpec spec) {
        if (spec instanceof StackedRnn s) {
            ObjectNode node = JSON.createObjectNode().put("type", "stacked").put("layers", s.layers())
                    .put("bidirectional", s.bidirectional()).put("merge", s.merge().name()).put("dropout", s.dropout())
                    .put("seed", s.seed());
            node.set("cell", cell(s.cell()));
            return node;
        }
        if (!(spec instanceof RecurrentLayer layer)) {
            throw new IllegalArgumentException("only a RecurrentLayer or StackedRnn of a built-in or registered cell "
                    + "can be saved as JSON, not " + spec.getClass().getName() + "; save its parameters with "
                    + "SafeTensors");
        }
        return cell(layer.cell());
    }

    private static ObjectNode cell(CellSpec spec) {
        if (!(spec instanceof RecurrentCellSpec cell)) {
            return userCell(spec);
        }
        ObjectNode node = JSON.createObjectNode();
        if (cell instanceof VanillaRnn r) {
            node.put("type", "rnn").put("activation", r.activation().name());
        } else if (cell instanceof Lstm l) {
            node.put("type", "lstm").put("forget_bias_one", l.forgetBiasOne());
        } else {
            node.put("type", "gru");
        }
        return node.put("input_size", cell.inputSize()).put("hidden_size", cell.hiddenSize()).put("bias", cell.bias())
                .put("input_init", cell.inputInit().name()).put("recurrent_init", cell.recurrentInit().name())
                .put("fused", cell.fused());
    }

    /** {@code {"type": <registered type>, "config": {<record component>: <value>, ...}}}. */
    private static ObjectNode userCell(CellSpec spec) {
        String type = CellTypes.typeOf(spec.getClass()).orElseThrow(() -> new IllegalArgumentException("cell "
                + spec.getClass().getName() + " is not registered: call CellTypes.register(\"<type>\", "
                + spec.getClass().getSimpleName() + ".class) before saving (and before loading)"));
        ObjectNode config = JSON.createObjectNode();
        try {
            for (RecordComponent c : spec.getClass().getRecordComponents()) {
                config.set(c.getName(), JSON.valueToTree(c.getAccessor().invoke(spec)));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot read the components of " + spec, e);
        }
        ObjectNode node = JSON.createObjectNode().put("type", type);
        node.set("config", config);
        return node;
    }

    /**
     * @throws IOException naming the field when one is missing, of the wrong type or out of range
     */
    public static SequenceModel.Config read(JsonNode node) throws IOException {
        if (node == null || !node.isObject()) {
            throw new IOException("model must be a JSON object but is " + node);
        }
        Fields f = new Fields(node, "model");
        Embedding embedding = node.has("embedding") ? readEmbedding(f.object("embedding")) : null;
        RecurrentSpec recurrent = readRecurrent(f.object("recurrent"));
        Dense head = null;
        if (node.has("head")) {
            Fields h = f.object("head");
            head = h.build(() -> new Dense(h.integer("input_size"), h.integer("output_size"),
                    h.constant("activation", Activation.class), h.bool("bias")));
        }
        return new SequenceModel.Config(embedding, recurrent, head,
                f.constant("output_mode", SequenceModel.OutputMode.class), f.number("head_dropout"),
                f.constant("data_type", DataType.class), f.longInteger("seed"));
    }

    /**
     * @throws IOException naming the field when one is missing, of the wrong type or out of range, or when the parts
     *                     do not fit together
     */
    public static EncoderDecoder.Config readEncoderDecoder(JsonNode node) throws IOException {
        if (node == null || !node.isObject()) {
            throw new IOException("model must be a JSON object but is " + node);
        }
        Fields f = new Fields(node, "model");
        Embedding source = readEmbedding(f.object("source_embedding"));
        Fields e = f.object("encoder");
        if (!e.text("type").equals("stacked")) {
            throw new IOException("model.encoder.type must be \"stacked\" but is \"" + e.text("type") + "\"");
        }
        StackedRnn encoder = (StackedRnn) readRecurrent(e);
        Embedding target = readEmbedding(f.object("target_embedding"));
        CellSpec decoder = readCell(f.object("decoder"));
        if (!(decoder instanceof RecurrentCellSpec cell)) {
            throw new IOException("model.decoder must be a gru or lstm cell but is " + decoder);
        }
        Fields a = f.object("attention");
        Attention attention = a.build(() -> new Attention(a.constant("score", Attention.Score.class),
                a.integer("query_size"), a.integer("key_size"), a.integer("attention_size")));
        DataType dataType = f.constant("data_type", DataType.class);
        long seed = f.longInteger("seed");
        return f.build(() -> new EncoderDecoder.Config(source, encoder, target, cell, attention, dataType, seed));
    }

    private static Embedding readEmbedding(Fields e) throws IOException {
        return e.build(() -> new Embedding(e.integer("vocabulary_size"), e.integer("dimension"),
                e.integer("padding_id")));
    }

    private static RecurrentSpec readRecurrent(Fields f) throws IOException {
        if (f.text("type").equals("stacked")) {
            CellSpec cell = readCell(f.object("cell"));
            return f.build(() -> new StackedRnn(cell, f.integer("layers"), f.bool("bidirectional"),
                    f.constant("merge", StackedRnn.Merge.class), f.number("dropout"), f.longInteger("seed")));
        }
        return RecurrentLayer.of(readCell(f));
    }

    private static CellSpec readCell(Fields f) throws IOException {
        String type = f.text("type");
        return f.build(() -> switch (type) {
            case "rnn" -> new VanillaRnn(f.integer("input_size"), f.integer("hidden_size"),
                    f.constant("activation", Activation.class), f.bool("bias"),
                    f.constant("input_init", WeightInit.class), f.constant("recurrent_init", WeightInit.class),
                    f.bool("fused"));
            case "lstm" -> new Lstm(f.integer("input_size"), f.integer("hidden_size"), f.bool("bias"),
                    f.bool("forget_bias_one"), f.constant("input_init", WeightInit.class),
                    f.constant("recurrent_init", WeightInit.class), f.bool("fused"));
            case "gru" -> new Gru(f.integer("input_size"), f.integer("hidden_size"), f.bool("bias"),
                    f.constant("input_init", WeightInit.class), f.constant("recurrent_init", WeightInit.class),
                    f.bool("fused"));
            case "stacked" -> throw new IOException(f.where + " must be a cell, not a stack");
            default -> readUserCell(f, type);
        });
    }

    private static CellSpec readUserCell(Fields f, String type) throws IOException {
        Class<? extends CellSpec> spec = CellTypes.classOf(type).orElseThrow(() -> new IOException(f.where
                + ".type is '" + type + "': not a built-in cell (" + CellTypes.BUILT_IN + ") nor a registered one "
                + CellTypes.registered() + "; call CellTypes.register(\"" + type + "\", YourCellSpec.class) before "
                + "loading"));
        Fields config = f.object("config");
        RecordComponent[] components = spec.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            JsonNode value = config.field(components[i].getName());
            try {
                values[i] = JSON.treeToValue(value, types[i]);
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(config.where + "." + components[i].getName() + " must be a "
                        + types[i].getSimpleName() + " but is " + value);
            }
        }
        try {
            return spec.getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IOException(f.where + " is invalid: " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IOException(f.where + ": cannot construct " + spec.getName() + " (" + e + ")", e);
        }
    }

    /** Typed field access whose errors name the JSON path. */
    private record Fields(JsonNode node, String where) {
        JsonNode field(String name) throws IOException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw new IOException(where + "." + name + " is missing");
            }
            return v;
        }

        Fields object(String name) throws IOException {
            JsonNode v = field(name);
            if (!v.isObject()) {
                throw new IOException(where + "." + name + " must be an object but is " + v);
            }
            return new Fields(v, where + "." + name);
        }

        String text(String name) throws IOException {
            JsonNode v = field(name);
            if (!v.isTextual()) {
                throw new IOException(where + "." + name + " must be a string but is " + v);
            }
            return v.asText();
        }

        int integer(String name) throws IOException {
            JsonNode v = field(name);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new IOException(where + "." + name + " must be an int but is " + v);
            }
            return v.intValue();
        }

        long longInteger(String name) throws IOException {
            JsonNode v = field(name);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new IOException(where + "." + name + " must be an integer but is " + v);
            }
            return v.longValue();
        }

        double number(String name) throws IOException {
            JsonNode v = field(name);
            if (!v.isNumber()) {
                throw new IOException(where + "." + name + " must be a number but is " + v);
            }
            return v.doubleValue();
        }

        boolean bool(String name) throws IOException {
            JsonNode v = field(name);
            if (!v.isBoolean()) {
                throw new IOException(where + "." + name + " must be true or false but is " + v);
            }
            return v.booleanValue();
        }

        <E extends Enum<E>> E constant(String name, Class<E> type) throws IOException {
            String value = text(name);
            try {
                return Enum.valueOf(type, value);
            } catch (IllegalArgumentException e) {
                throw new IOException(where + "." + name + " is '" + value + "'; expected one of "
                        + java.util.Arrays.toString(type.getEnumConstants()));
            }
        }

        /** Runs a constructor, turning its argument checks into errors that name this object. */
        <T> T build(Constructor<T> constructor) throws IOException {
            try {
                return constructor.create();
            } catch (IllegalArgumentException e) {
                throw new IOException(where + " is invalid: " + e.getMessage());
            }
        }
    }

    @FunctionalInterface
    private interface Constructor<T> {
        T create() throws IOException;
    }
}
