package org.rnn4j.nd4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Checks;
import org.rnn4j.nd4j.cell.CellSpec;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.RecurrentLayer;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;

/**
 * A whole PyTorch model's {@code state_dict} (saved as safetensors) to and from a {@link SequenceModel} of the same
 * structure: the embedding, the recurrent stack and the dense head, by the module's attribute names.
 * <pre>
 *   PyTorch module                               rnn4j SequenceModel
 *   self.embedding = nn.Embedding(V, E)          embedding(new Embedding(V, E, ...))
 *   self.lstm = nn.LSTM(E, H, num_layers=L,      recurrent(StackedRnn.builder(Lstm.builder(E, H).build())
 *                       bidirectional=True)                 .layers(L).bidirectional(true).build())
 *   self.fc = nn.Linear(2 * H, O)                head(Dense.builder(2 * H, O).build())
 *
 *   embedding.weight        embedding.weight
 *   lstm.weight_ih_l0       rnn.l0.weight_ih     (every tensor of the stack as in {@link PyTorchRnn})
 *   lstm.bias_hh_l1_reverse rnn.l1_reverse.bias_hh
 *   fc.weight, fc.bias      head.weight, head.bias
 * </pre>
 * The attribute names default to {@code embedding}, the cell's kind ({@code rnn}, {@code lstm} or {@code gru}) and
 * {@code fc}; {@link Names} sets others (nested modules too: {@code "encoder.lstm"}). What the module's
 * {@code forward} does between them is the model's {@link SequenceModel.OutputMode}: {@code h_n[-2], h_n[-1]}
 * concatenated is {@code FINAL_HIDDEN}; {@code output[-1]} (or each sequence's last valid step with packing) is
 * {@code LAST_STEP}. Loading checks every name, shape and value before it changes anything; float16 and bfloat16
 * tensors are refused by the safetensors reader. Files written here carry {@code format = rnn4j.pytorch-model},
 * {@code format_version = 1}.
 */
public final class PyTorchModel {
    public static final String FORMAT = "rnn4j.pytorch-model";
    public static final int FORMAT_VERSION = 1;

    private PyTorchModel() {
    }

    /** The PyTorch module's attribute names of the three parts (a part the model lacks is not read). */
    public record Names(String embedding, String recurrent, String head) {
        public static final String DEFAULT_EMBEDDING = "embedding";
        public static final String DEFAULT_HEAD = "fc";

        public Names {
            checkName(embedding, "embedding");
            checkName(recurrent, "recurrent");
            checkName(head, "head");
        }

        /** {@code embedding}, the cell's kind in lower case ({@code rnn}, {@code lstm}, {@code gru}), {@code fc}. */
        public static Names defaults(SequenceModel model) {
            Checks.notNull(model, "model");
            CellSpec cell = model.config().recurrent() instanceof StackedRnn s ? s.cell()
                    : model.config().recurrent() instanceof RecurrentLayer l ? l.cell() : null;
            String kind = cell instanceof Lstm ? "lstm" : cell instanceof Gru ? "gru" : "rnn";
            return new Names(DEFAULT_EMBEDDING, kind, DEFAULT_HEAD);
        }

        private static void checkName(String name, String part) {
            Checks.notNull(name, part);
            if (name.isBlank() || name.startsWith(".") || name.endsWith(".")) {
                throw new IllegalArgumentException(part + " must be a module attribute name such as 'lstm' or "
                        + "'encoder.lstm' but is '" + name + "'");
            }
        }
    }

    /** Loads a PyTorch {@code state_dict} into {@code model} with the {@link Names#defaults}. */
    public static void load(Path file, SequenceModel model) throws IOException {
        load(file, model, Names.defaults(model));
    }

    /** Loads a PyTorch {@code state_dict} into {@code model}; nothing changes unless every tensor fits. */
    public static void load(Path file, SequenceModel model, Names names) throws IOException {
        Checks.notNull(model, "model");
        Checks.notNull(names, "names");
        SafeTensors.Contents contents = SafeTensors.read(file);
        PyTorchRnn.checkVersion(file, contents, FORMAT, FORMAT_VERSION);
        PyTorchRnn.assign(file, contents, torchNames(model, names), model.parameters(), "model",
                "another module, or attribute names other than " + names + "?",
                "a different vocabulary, sizes, cell type or head");
    }

    /** Writes {@code model}'s parameters as the {@code state_dict} of the matching PyTorch module, atomically. */
    public static void save(SequenceModel model, Path file) throws IOException {
        save(model, file, Names.defaults(model));
    }

    public static void save(SequenceModel model, Path file, Names names) throws IOException {
        Checks.notNull(model, "model");
        Checks.notNull(names, "names");
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        torchNames(model, names).forEach((torch, rnn4j) -> tensors.put(torch, model.parameters().get(rnn4j)));
        SafeTensors.write(file, tensors, Map.of("format", FORMAT, "format_version",
                Integer.toString(FORMAT_VERSION)));
    }

    /** PyTorch's name → rnn4j's name, for every parameter of the model. */
    static Map<String, String> torchNames(SequenceModel model, Names names) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : model.parameters().names()) {
            out.put(torchName(name, names), name);
        }
        return out;
    }

    private static String torchName(String name, Names names) {
        int dot = name.indexOf('.');
        String part = name.substring(0, dot);
        String rest = name.substring(dot + 1);
        return switch (part) {
            case "embedding" -> names.embedding() + "." + rest;
            case "rnn" -> names.recurrent() + "." + PyTorchRnn.toPyTorch(rest);
            case "head" -> names.head() + "." + rest;
            default -> throw new IllegalStateException("a SequenceModel parameter outside its three parts: " + name);
        };
    }
}
