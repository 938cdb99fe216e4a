package org.rnn4j.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.model.SequenceModel.OutputMode;
import org.rnn4j.onnx.GraphReader.Features;
import org.rnn4j.onnx.GraphReader.Head;
import org.rnn4j.onnx.GraphReader.Layer;
import org.rnn4j.onnx.GraphReader.ReadModel;
import org.rnn4j.onnx.GraphReader.Sequence;

/**
 * An ONNX file of a recurrent sequence model as a {@link SequenceModel}: what {@link OnnxExport} writes, and what
 * {@code torch.onnx.export} makes of the usual PyTorch modules (an {@code nn.Embedding}, an {@code nn.RNN},
 * {@code nn.LSTM} or {@code nn.GRU} of any depth, bidirectional or not, {@code batch_first} or not;
 * {@code output[-1]} (or {@code output[:, -1]}, or {@code output[-1:]} squeezed), {@code h_n[-1]} or
 * {@code torch.cat([h_n[-2], h_n[-1]], 1)}; an {@code nn.Linear} over those or over every step, and a sigmoid,
 * tanh, relu or softmax after it).
 *
 * <p>Supported operators: {@link #OPERATORS}, each in the roles such models give it ({@link GraphReader}); anything
 * else is an {@link IOException} naming the operator and the node. Initial states must be zeros (the usual
 * {@code Shape} → {@code ConstantOfShape} plumbing), weights constants; a final {@code Softmax} is reported by
 * {@link Imported#softmax()} rather than built in (rnn4j's heads output logits: {@code Probabilities.of} gives the
 * graph's output). A graph without {@code sequence_lens} runs over every step: the imported model equals it on
 * full-length batches, and on padded batches gives each sequence what the graph would give it alone.
 */
public final class OnnxImport {
    /**
     * The operators a graph may use, in the roles described above: Add, Cast, Concat, Constant, ConstantOfShape,
     * Dropout, Equal, GRU, Gather, Gemm, Identity, LSTM, Less, MatMul, Mul, RNN, Range, ReduceSum, Relu, Reshape,
     * Shape, Sigmoid, Slice, Softmax, Squeeze, Sub, Tanh, Transpose, Unsqueeze.
     */
    public static final Set<String> OPERATORS = GraphReader.SUPPORTED;
    /** ONNX files larger than this are refused before they are parsed. */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private OnnxImport() {
    }

    /**
     * The model read; whether the graph applies a softmax to its outputs; whether its input (and an every-step
     * output) is batch-major, {@code [batch, time, ...]} (PyTorch's {@code batch_first=True}), where the model, as
     * all of rnn4j, is time-major ({@code predictTokens} and {@code predictVectors} take plain sequences either way).
     */
    public record Imported(SequenceModel model, boolean softmax, boolean batchFirst) {
    }

    public static Imported read(Path file) throws IOException {
        Checks.notNull(file, "file");
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(file + " is " + size + " bytes; rnn4j reads ONNX files up to " + MAX_FILE_BYTES);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in.readAllBytes(), file.toString());
        }
    }

    /** Reads ONNX bytes; {@code source} names them in messages. */
    public static Imported read(byte[] bytes, String source) throws IOException {
        Checks.notNull(bytes, "bytes");
        Onnx.ModelProto proto;
        try {
            proto = Onnx.ModelProto.parseFrom(bytes);
        } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
            throw new IOException(source + " is not an ONNX model: " + e.getMessage(), e);
        }
        for (Onnx.OperatorSetIdProto opset : proto.getOpsetImportList()) {
            if ((opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx")) && opset.getVersion() < 13) {
                throw new IOException(source + " uses opset " + opset.getVersion() + "; rnn4j reads opset 13 or "
                        + "newer (axes as inputs)");
            }
        }
        try {
            return build(GraphReader.read(proto, source), source);
        } catch (IllegalArgumentException e) { // what the reader and the builders say, naming the file and node
            throw new IOException(e.getMessage(), e);
        } catch (RuntimeException e) { // the safety net: a file no check foresaw is still only a bad file
            throw new IOException(source + " could not be read as a sequence model: " + e, e);
        }
    }

    private static Imported build(ReadModel read, String source) {
        Layer first = read.layers().get(0);
        int top = read.layers().size() - 1;
        boolean bias = first.b() != null;
        RecurrentCellSpec cell = switch (first.op()) {
            case "LSTM" -> Lstm.builder(read.inputSize(), first.hidden()).bias(bias).build();
            case "GRU" -> Gru.builder(read.inputSize(), first.hidden()).bias(bias).build();
            default -> VanillaRnn.builder(read.inputSize(), first.hidden()).activation(first.activation()).bias(bias)
                    .build();
        };
        StackedRnn stack = StackedRnn.builder(cell).layers(read.layers().size()).bidirectional(first.directions() == 2)
                .merge(read.merge()).build();
        for (int l = 0; l < read.layers().size(); l++) {
            long expected = l == 0 ? read.inputSize() : stack.outputSize();
            long actual = read.layers().get(l).w().size(2);
            if (actual != expected) {
                throw new IllegalArgumentException(source + ": layer " + l + "'s W reads " + actual
                        + " features but " + (l == 0 ? "the input has " : "the layer below gives ") + expected);
            }
        }
        GraphReader.Value output = read.output();
        Head head = output instanceof Head h ? h : null;
        Features features = head != null ? head.features() : output instanceof Features f ? f
                : output instanceof Sequence s && s.layer() == top ? new Features(OutputMode.ALL_STEPS, top) : null;
        if (features == null) {
            throw new IllegalArgumentException(source + ": the graph's output is " + output + ", not a head over "
                    + "selected features of the recurrent stack");
        }
        if (features.layer() != top) {
            throw new IllegalArgumentException(source + ": the graph selects layer " + features.layer()
                    + "'s outputs, not the top layer's (" + top + ")");
        }
        SequenceModel.Builder b = SequenceModel.builder().recurrent(stack).outputMode(features.mode());
        if (read.embedding() != null) {
            b.embedding(new Embedding(Math.toIntExact(read.embedding().size(0)),
                    Math.toIntExact(read.embedding().size(1)), Embedding.NO_PADDING));
        }
        if (head != null) {
            b.head(Dense.builder(Math.toIntExact(head.weight().size(1)), Math.toIntExact(head.weight().size(0)))
                    .activation(head.activation()).bias(head.bias() != null).build());
        }
        SequenceModel model = b.build();
        Parameters p = model.parameters();
        if (read.embedding() != null) {
            p.get("embedding.weight").assign(read.embedding());
        }
        GateOrder order = GateOrder.of(cell);
        long rows = (long) cell.gates() * cell.hiddenSize();
        for (int l = 0; l < read.layers().size(); l++) {
            Layer layer = read.layers().get(l);
            for (int d = 0; d < layer.directions(); d++) {
                String prefix = "rnn." + StackedRnn.prefix(l, d) + ".";
                p.get(prefix + "weight_ih").assign(order.toRnn4j(slice(layer.w(), d)));
                p.get(prefix + "weight_hh").assign(order.toRnn4j(slice(layer.r(), d)));
                if (bias) {
                    INDArray both = layer.b().getRow(d);
                    p.get(prefix + "bias_ih").assign(order.toRnn4j(both.get(NDArrayIndex.interval(0, rows)).dup())
                            .reshape(p.get(prefix + "bias_ih").shape()));
                    p.get(prefix + "bias_hh").assign(order.toRnn4j(both.get(NDArrayIndex.interval(rows, 2 * rows))
                            .dup()).reshape(p.get(prefix + "bias_hh").shape()));
                }
            }
        }
        if (head != null) {
            checkFinite(head.weight(), source, "the head's weight");
            p.get("head.weight").assign(head.weight());
            if (head.bias() != null) {
                checkFinite(head.bias(), source, "the head's bias");
                p.get("head.bias").assign(head.bias().reshape(p.get("head.bias").shape()));
            }
        }
        if (read.embedding() != null) {
            checkFinite(read.embedding(), source, "the embedding");
        }
        return new Imported(model, head != null && head.softmax(), read.batchMajorInput());
    }

    private static INDArray slice(INDArray perDirection, int d) {
        return perDirection.get(NDArrayIndex.point(d), NDArrayIndex.all(), NDArrayIndex.all()).dup('c');
    }

    private static void checkFinite(INDArray a, String source, String what) {
        if (a.isNaN().any() || a.isInfinite().any()) {
            throw new IllegalArgumentException(source + ": " + what + " holds NaN or infinite values");
        }
    }
}
