package org.rnn4j.nd4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

/**
 * Weights of PyTorch's {@code torch.nn.RNN}, {@code LSTM} and {@code GRU} (any {@code num_layers},
 * {@code bidirectional}, {@code bias}) in a safetensors file with PyTorch's parameter names, to and from the
 * parameters of a {@link org.rnn4j.nd4j.layer.StackedRnn} or a single cell. rnn4j uses PyTorch's equations, gate
 * order and weight layout, so the tensors move unchanged; only the names differ:
 * <pre>
 *   PyTorch                  rnn4j StackedRnn           rnn4j single cell
 *   weight_ih_l0             l0.weight_ih               weight_ih
 *   bias_hh_l1_reverse       l1_reverse.bias_hh         -
 * </pre>
 * Export from PyTorch with {@code safetensors.torch.save_file(module.state_dict(), path)} (or any writer of the
 * format). The file must hold exactly the tensors the layer expects, with the expected shapes, as F32 or F64 (converted
 * to the layer's data type). Files written here carry {@code __metadata__} {@code format = rnn4j.pytorch-rnn} and
 * {@code format_version = 1}; a file from a newer version is refused.
 */
public final class PyTorchRnn {
    public static final String FORMAT = "rnn4j.pytorch-rnn";
    public static final int FORMAT_VERSION = 1;
    private static final Pattern STACKED = Pattern.compile("l(\\d+)(_reverse)?\\.(\\w+)");
    private static final Pattern TORCH = Pattern.compile("(\\w+?)_l(\\d+)(_reverse)?");

    private PyTorchRnn() {
    }

    /** PyTorch's name of an rnn4j parameter name. */
    public static String toPyTorch(String name) {
        Matcher m = STACKED.matcher(name);
        if (m.matches()) {
            return m.group(3) + "_l" + m.group(1) + (m.group(2) == null ? "" : m.group(2));
        }
        if (name.contains(".")) {
            throw new IllegalArgumentException("parameter '" + name + "' is not part of a recurrent layer");
        }
        return name + "_l0";
    }

    /** Reads {@code file} into {@code target} (the parameters of a stack or a cell), checking every tensor. */
    public static void load(Path file, Parameters target) throws IOException {
        Checks.notNull(target, "target");
        SafeTensors.Contents contents = SafeTensors.read(file);
        checkVersion(file, contents, FORMAT, FORMAT_VERSION);
        Map<String, String> expected = new LinkedHashMap<>();
        for (String name : target.layout().names()) {
            expected.put(toPyTorch(name), name);
        }
        assign(file, contents, expected, target, "layer", "a different num_layers, bidirectional or bias?",
                "input size, hidden size or cell type differ");
    }

    /**
     * Checks that {@code contents} holds exactly the tensors {@code expected} names (file name → parameter name),
     * each of its parameter's shape and finite, and only then copies them into {@code target}: a file that fails any
     * check changes nothing. {@code owner} names what the parameters belong to; the hints end the messages of extra
     * tensors and of wrong shapes.
     */
    static void assign(Path file, SafeTensors.Contents contents, Map<String, String> expected, Parameters target,
                       String owner, String extraHint, String shapeHint) throws IOException {
        ParameterLayout layout = target.layout();
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(contents.tensors().keySet());
        if (!missing.isEmpty()) {
            String first = missing.first();
            throw new IOException(file + " lacks tensor(s) " + missing + " (e.g. '" + first + "' of shape "
                    + Arrays.toString(layout.shape(expected.get(first))) + "); it holds "
                    + contents.tensors().keySet());
        }
        TreeSet<String> extra = new TreeSet<>(contents.tensors().keySet());
        extra.removeAll(expected.keySet());
        if (!extra.isEmpty()) {
            throw new IOException(file + " has unexpected tensor(s) " + extra + " for a " + owner + " with "
                    + expected.keySet() + " (" + extraHint + ")");
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            INDArray tensor = contents.tensors().get(e.getKey());
            long[] want = layout.shape(e.getValue());
            if (!Arrays.equals(tensor.shape(), want)) {
                throw new IOException(file + ": tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(tensor.shape()) + " but the " + owner + " expects " + Arrays.toString(want)
                        + " (" + shapeHint + ")");
            }
            if (tensor.isNaN().any() || tensor.isInfinite().any()) {
                throw new IOException(file + ": tensor '" + e.getKey() + "' has NaN or infinite values");
            }
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            target.get(e.getValue()).assign(contents.tensors().get(e.getKey()).castTo(target.dataType()));
        }
    }

    /** Writes {@code source} with PyTorch's names, atomically. */
    public static void save(Path file, Parameters source) throws IOException {
        Checks.notNull(source, "source");
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (String name : source.names()) {
            tensors.put(toPyTorch(name), source.get(name));
        }
        SafeTensors.write(file, tensors, Map.of("format", FORMAT, "format_version",
                Integer.toString(FORMAT_VERSION)));
    }

    /** Refuses a file that rnn4j wrote in {@code format} at a newer version than {@code readable}. */
    static void checkVersion(Path file, SafeTensors.Contents contents, String format, int readable)
            throws IOException {
        String version = contents.metadata().get("format_version");
        if (format.equals(contents.metadata().get("format")) && version != null
                && parseVersion(file, version) > readable) {
            throw new IOException(file + " was written in " + format + " version " + version + "; this rnn4j reads "
                    + "up to version " + readable + ": upgrade rnn4j");
        }
    }

    private static int parseVersion(Path file, String version) throws IOException {
        try {
            return Integer.parseInt(version.strip());
        } catch (NumberFormatException e) {
            throw new IOException(file + ": format_version '" + version + "' is not a number");
        }
    }

    /** The rnn4j stack name of a PyTorch name, for messages and tools. */
    public static String fromPyTorch(String torchName) {
        Matcher m = TORCH.matcher(torchName);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + torchName + "' is not a PyTorch RNN parameter name");
        }
        return "l" + m.group(2) + (m.group(3) == null ? "" : m.group(3)) + "." + m.group(1);
    }
}
