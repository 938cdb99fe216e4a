package org.rnn4j.nd4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.nd4j.linalg.api.buffer.DataType;
import org.rnn4j.nd4j.model.EncoderDecoder;
import org.rnn4j.nd4j.model.SequenceModel;

/**
 * The rnn4j model file: a zip archive (any zip tool opens it) holding
 * <ul>
 *   <li>{@code rnn4j.json}, first: {@code {"format": "rnn4j-model", "format_version": 1, "model": {...},
 *       "extra": {...}}} where {@code model} is the {@link ModelConfigJson configuration} and {@code extra} is free
 *       JSON of the caller (a trainer's position, a tokenizer's vocabulary);</li>
 *   <li>{@code parameters.safetensors}: every parameter by its layout name, in the model's data type;</li>
 *   <li>{@code <group>.safetensors} for each named group of extra arrays (an optimizer's state).</li>
 * </ul>
 * Versions: 1 holds a {@link SequenceModel}; 2 adds {@code "model_type"}: {@code "sequence"} (the default) or
 * {@code "encoder_decoder"}, an {@link EncoderDecoder} whose {@code model} is {@link ModelConfigJson#write(
 * EncoderDecoder.Config)}. Each file is written in the lowest version that holds its model, so sequence models stay
 * readable by every rnn4j release; a reader refuses a newer version than it knows, and each kind of model is read by
 * its own method ({@link #read}, {@link #readEncoderDecoder}), which names the other when given the wrong kind.
 *
 * <p>Writes are atomic (temporary file, then rename): a failed save leaves the previous file intact, and parameters
 * with NaN or infinite values are refused rather than saved. Reading checks the zip's CRCs, the format and its
 * version, the configuration field by field, and that the arrays match the configuration's names and shapes; every
 * failure is an {@link IOException} naming the file and what is wrong.
 */
public final class ModelArchive {
    public static final String FORMAT = "rnn4j-model";
    /** The newest version this code reads and writes (encoder-decoder files); sequence models are written as 1. */
    public static final int FORMAT_VERSION = 2;
    static final int SEQUENCE_MODEL_VERSION = 1;
    static final String SEQUENCE = "sequence";
    static final String ENCODER_DECODER = "encoder_decoder";
    static final String MANIFEST = "rnn4j.json";
    static final String PARAMETERS = "parameters";
    private static final String SAFETENSORS = ".safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The most bytes the manifest may inflate to (a large vocabulary in {@code extra} fits many times over). */
    static final long MAX_MANIFEST_BYTES = 256L << 20;
    /** Room for a safetensors entry's length field and JSON header beyond its data. */
    static final long SAFETENSORS_OVERHEAD = 16L << 20;
    /** Each extra array group (an optimizer's state) may hold up to this many times the parameters' bytes. */
    static final long ARRAY_GROUP_FACTOR = 4;
    /** The largest Java byte array. */
    private static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 8;

    private ModelArchive() {
    }

    /** A model file's contents: the rebuilt model with its parameters, the caller's extra JSON and arrays. */
    public record Contents<M>(M model, ObjectNode extra, Map<String, Map<String, INDArray>> arrays) {
    }

    /** What differs between the kinds of model a file holds: its configuration, layout and construction. */
    private record Kind<C, M>(String type, ConfigReader<C> config, Function<C, ParameterLayout> layout,
                              Function<C, DataType> dataType, Function<C, M> build,
                              Function<M, Parameters> parameters) {
    }

    @FunctionalInterface
    private interface ConfigReader<C> {
        C read(JsonNode model) throws IOException;
    }

    private static final Kind<SequenceModel.Config, SequenceModel> SEQUENCE_KIND = new Kind<>(SEQUENCE,
            ModelConfigJson::read, SequenceModel::layoutOf, SequenceModel.Config::dataType,
            c -> SequenceModel.builder(c).build(), SequenceModel::parameters);
    private static final Kind<EncoderDecoder.Config, EncoderDecoder> ENCODER_DECODER_KIND = new Kind<>(
            ENCODER_DECODER, ModelConfigJson::readEncoderDecoder, EncoderDecoder.Config::layout,
            EncoderDecoder.Config::dataType, EncoderDecoder::new, EncoderDecoder::parameters);

    public static void save(Path file, SequenceModel model) throws IOException {
        save(file, model, null, Map.of());
    }

    /**
     * @param extra  free JSON stored under {@code "extra"}, or null
     * @param arrays named groups of arrays (group names: letters, digits, {@code _ - .}; not {@code parameters})
     */
    public static void save(Path file, SequenceModel model, ObjectNode extra, Map<String, Map<String, INDArray>> arrays)
            throws IOException {
        Checks.notNull(model, "model");
        ObjectNode manifest = JSON.createObjectNode().put("format", FORMAT)
                .put("format_version", SEQUENCE_MODEL_VERSION);
        manifest.set("model", ModelConfigJson.write(model.config()));
        save(file, manifest, model.parameters(), extra, arrays);
    }

    public static void save(Path file, EncoderDecoder model) throws IOException {
        save(file, model, null, Map.of());
    }

    /** An encoder-decoder model (format version 2), with the same {@code extra} and {@code arrays} as above. */
    public static void save(Path file, EncoderDecoder model, ObjectNode extra,
                            Map<String, Map<String, INDArray>> arrays) throws IOException {
        Checks.notNull(model, "model");
        ObjectNode manifest = JSON.createObjectNode().put("format", FORMAT).put("format_version", FORMAT_VERSION)
                .put("model_type", ENCODER_DECODER);
        manifest.set("model", ModelConfigJson.write(model.config()));
        save(file, manifest, model.parameters(), extra, arrays);
    }

    private static void save(Path file, ObjectNode manifest, Parameters parameters, ObjectNode extra,
                             Map<String, Map<String, INDArray>> arrays) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(arrays, "arrays");
        if (!finite(parameters.flat())) { // one check of the whole buffer; the names only to report a failure
            String name = parameters.names().stream().filter(n -> !finite(parameters.get(n))).findFirst().orElseThrow();
            throw new IllegalStateException("refusing to save " + file + ": parameter '" + name
                    + "' has NaN or infinite values (the previous file, if any, is kept)");
        }
        if (extra != null) {
            manifest.set("extra", extra);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            put(zip, PARAMETERS + SAFETENSORS, SafeTensors.encode(byName(parameters), Map.of()));
            for (Map.Entry<String, Map<String, INDArray>> group : arrays.entrySet()) {
                String name = group.getKey();
                if (name.equals(PARAMETERS) || !name.matches("[A-Za-z0-9_.-]+")) {
                    throw new IllegalArgumentException("array group name '" + name + "' is reserved or not "
                            + "made of letters, digits, '_', '-' and '.'");
                }
                put(zip, name + SAFETENSORS, SafeTensors.encode(group.getValue(), Map.of()));
            }
        }
        AtomicFiles.write(file, bytes.toByteArray());
    }

    private static boolean finite(INDArray a) {
        return !a.isNaN().any() && !a.isInfinite().any();
    }

    /** Every parameter by its layout name (views of the buffer), as the archive stores them. */
    public static Map<String, INDArray> byName(Parameters parameters) {
        Map<String, INDArray> named = new LinkedHashMap<>();
        parameters.names().forEach(n -> named.put(n, parameters.get(n)));
        return named;
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /** Whether reading accepts NaN or infinite parameters (which saving never writes). */
    public enum NonFinite {
        /** The default: a file holding one is refused, naming the parameter. */
        REFUSE,
        /** Read them as they are: to inspect a file from elsewhere, such as a diverged run's. */
        ALLOW
    }

    public static SequenceModel load(Path file) throws IOException {
        return read(file).model();
    }

    public static Contents<SequenceModel> read(Path file) throws IOException {
        return read(file, NonFinite.REFUSE);
    }

    public static Contents<SequenceModel> read(Path file, NonFinite nonFinite) throws IOException {
        return read(file, nonFinite, SEQUENCE_KIND);
    }

    public static EncoderDecoder loadEncoderDecoder(Path file) throws IOException {
        return readEncoderDecoder(file).model();
    }

    public static Contents<EncoderDecoder> readEncoderDecoder(Path file) throws IOException {
        return readEncoderDecoder(file, NonFinite.REFUSE);
    }

    public static Contents<EncoderDecoder> readEncoderDecoder(Path file, NonFinite nonFinite) throws IOException {
        return read(file, nonFinite, ENCODER_DECODER_KIND);
    }

    private static <C, M> Contents<M> read(Path file, NonFinite nonFinite, Kind<C, M> kind) throws IOException {
        Checks.notNull(file, "file");
        Checks.notNull(nonFinite, "nonFinite");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no model file there");
        }
        byte[] bytes = Files.readAllBytes(file);
        if (!hasEndRecord(bytes)) {
            throw new IOException(file + " is truncated or not an rnn4j model file: the zip end record is missing");
        }
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry first = zip.getNextEntry();
            if (first == null || !first.getName().equals(MANIFEST)) {
                throw new IOException(file + " is not an rnn4j model file: its first entry must be " + MANIFEST
                        + " but is " + (first == null ? "missing" : "'" + first.getName() + "'"));
            }
            JsonNode manifest = manifest(file, bounded(zip, MAX_MANIFEST_BYTES, file, MANIFEST, "the manifest's "
                    + "limit"));
            String type = modelType(file, manifest);
            if (!type.equals(kind.type())) {
                throw new IOException(file + " holds " + (type.equals(SEQUENCE) ? "a sequence model: load it with "
                        + "ModelArchive.load or read" : "an encoder-decoder model: load it with "
                        + "ModelArchive.loadEncoderDecoder or readEncoderDecoder"));
            }
            C config;
            try {
                config = kind.config().read(manifest.get("model"));
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
            // every size below comes from the configuration and is checked against the bytes the file holds before
            // anything is allocated or initialised: a tampered size fails here, not in a huge allocation
            ParameterLayout layout;
            long parameterBytes;
            try {
                layout = kind.layout().apply(config);
                parameterBytes = Math.multiplyExact(layout.size(), (long) kind.dataType().apply(config).width());
            } catch (ArithmeticException | IllegalArgumentException e) {
                throw new IOException(file + ": the configuration's parameters do not fit in memory ("
                        + e.getMessage() + ")", e);
            }
            long entryLimit = saturatedAdd(parameterBytes, SAFETENSORS_OVERHEAD);
            long groupLimit = saturatedAdd(saturatedMultiply(parameterBytes, ARRAY_GROUP_FACTOR), SAFETENSORS_OVERHEAD);
            String parametersEntry = PARAMETERS + SAFETENSORS;
            Map<String, Map<String, INDArray>> arrays = new LinkedHashMap<>();
            Map<String, INDArray> parameters = null;
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName();
                String where = file + "!" + name;
                if (name.equals(parametersEntry)) {
                    if (parameters != null) {
                        throw new IOException(file + " has the entry '" + name + "' twice");
                    }
                    parameters = SafeTensors.decode(where, bounded(zip, entryLimit, file, name,
                            "what the configuration's " + layout.size() + " parameters of " + kind.dataType().apply(config)
                                    + " need")).tensors();
                } else if (name.endsWith(SAFETENSORS) && !name.equals(MANIFEST)) {
                    String group = name.substring(0, name.length() - SAFETENSORS.length());
                    Map<String, INDArray> decoded = SafeTensors.decode(where, bounded(zip, groupLimit, file, name,
                            ARRAY_GROUP_FACTOR + "× the parameters' bytes")).tensors();
                    if (arrays.put(group, decoded) != null) {
                        throw new IOException(file + " has the entry '" + name + "' twice");
                    }
                } else {
                    throw new IOException(file + " has an unexpected entry '" + name + "'");
                }
            }
            if (parameters == null) {
                throw new IOException(file + " has no " + parametersEntry);
            }
            String source = file + "!" + parametersEntry;
            check(source, parameters, layout, kind.dataType().apply(config), nonFinite == NonFinite.REFUSE);
            M model;
            try {
                model = kind.build().apply(config);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": the configuration is invalid: " + e.getMessage(), e);
            }
            parameters.forEach(kind.parameters().apply(model)::set);
            JsonNode extra = manifest.get("extra");
            return new Contents<>(model, extra instanceof ObjectNode o ? o : null, arrays);
        } catch (ZipException | java.io.EOFException e) {
            throw new IOException(file + " is corrupt or truncated (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) { // the zip reader's own: an entry name that is not valid UTF-8
            throw new IOException(file + " is corrupt (" + e.getMessage() + ")", e);
        }
    }

    /** The manifest's JSON, checked for the format and its version. */
    private static JsonNode manifest(Path file, byte[] manifestBytes) throws IOException {
        JsonNode manifest;
        try {
            manifest = JSON.readTree(manifestBytes);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": " + MANIFEST + " is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (manifest == null || !FORMAT.equals(manifest.path("format").asText())) {
            throw new IOException(file + " is not an rnn4j model file: " + MANIFEST + " has no \"format\": \""
                    + FORMAT + "\"");
        }
        JsonNode version = manifest.path("format_version");
        if (!version.isInt() || version.intValue() < 1) {
            throw new IOException(file + ": format_version must be a positive integer but is " + version);
        }
        if (version.intValue() > FORMAT_VERSION) {
            throw new IOException(file + " has format version " + version.intValue() + ", written by a newer rnn4j; "
                    + "this one reads versions up to " + FORMAT_VERSION + ": upgrade rnn4j to load it");
        }
        return manifest;
    }

    /** The manifest's model type: version 1 holds sequence models only; 2 names its type. */
    private static String modelType(Path file, JsonNode manifest) throws IOException {
        JsonNode type = manifest.get("model_type");
        if (type == null || type.isNull()) {
            return SEQUENCE;
        }
        if (manifest.path("format_version").intValue() < 2) {
            throw new IOException(file + ": model_type needs format_version 2 but the file has "
                    + manifest.path("format_version").intValue());
        }
        if (!type.isTextual() || !(type.asText().equals(SEQUENCE) || type.asText().equals(ENCODER_DECODER))) {
            throw new IOException(file + ": model_type must be \"" + SEQUENCE + "\" or \"" + ENCODER_DECODER
                    + "\" but is " + type);
        }
        return type.asText();
    }

    /**
     * The current entry's bytes, inflating no more than {@code limit} (a zip entry's declared size can lie: only the
     * bytes actually inflated count).
     */
    private static byte[] bounded(ZipInputStream zip, long limit, Path file, String entry, String why)
            throws IOException {
        int cap = (int) Math.min(limit, MAX_ENTRY_BYTES);
        byte[] data = zip.readNBytes(cap + 1);
        if (data.length > cap) {
            throw new IOException(file + ": entry '" + entry + "' inflates to more than " + cap + " bytes, beyond "
                    + (cap < limit ? "the largest array Java holds" : why));
        }
        return data;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high == 0 && low >= 0 ? low : Long.MAX_VALUE;
    }

    /** A complete zip ends with an end-of-central-directory record (signature PK\5\6) and its comment. */
    private static boolean hasEndRecord(byte[] bytes) {
        int earliest = Math.max(0, bytes.length - 22 - 0xFFFF);
        for (int i = bytes.length - 22; i >= earliest; i--) {
            if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] == 5 && bytes[i + 3] == 6) {
                int commentLength = (bytes[i + 20] & 0xFF) | (bytes[i + 21] & 0xFF) << 8;
                return i + 22 + commentLength == bytes.length;
            }
        }
        return false;
    }

    /**
     * Sets {@code target} from arrays by name ({@link #byName}'s inverse).
     *
     * @param source names the arrays in messages
     * @throws IOException if a name is missing or extra, or a shape or data type differs from the configuration's
     */
    public static void assign(String source, Map<String, INDArray> tensors, Parameters target) throws IOException {
        check(source, tensors, target.layout(), target.dataType(), true);
        target.names().forEach(n -> target.set(n, tensors.get(n)));
    }

    /** Checks arrays by name against a layout and data type, and (if {@code requireFinite}) that they are finite. */
    private static void check(String source, Map<String, INDArray> tensors, ParameterLayout layout,
                              DataType type, boolean requireFinite) throws IOException {
        String where = source + " does not match the configuration: ";
        for (String name : layout.names()) {
            INDArray t = tensors.get(name);
            if (t == null) {
                throw new IOException(where + "parameter '" + name + "' is missing");
            }
            long[] expected = layout.shape(name);
            if (!Arrays.equals(expected, t.shape())) {
                throw new IOException(where + "parameter '" + name + "' has shape " + Arrays.toString(t.shape())
                        + " but the configuration needs " + Arrays.toString(expected));
            }
            if (t.dataType() != type) {
                throw new IOException(where + "parameter '" + name + "' is " + t.dataType() + " but the "
                        + "configuration's data type is " + type);
            }
            if (requireFinite && !finite(t)) { // saving refuses them: a file that holds them is not rnn4j's
                throw new IOException(source + ": parameter '" + name + "' has NaN or infinite values (read with "
                        + "ModelArchive.NonFinite.ALLOW to inspect it)");
            }
        }
        for (String name : tensors.keySet()) {
            if (!layout.contains(name)) {
                throw new IOException(where + "it has parameter '" + name + "', which the configuration does not");
            }
        }
    }
}
