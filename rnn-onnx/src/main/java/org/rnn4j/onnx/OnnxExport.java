package org.rnn4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.CellSpec;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.io.AtomicFiles;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.RecurrentLayer;
import org.rnn4j.nd4j.layer.RecurrentSpec;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.onnx.GraphWriter.Attribute;

/**
 * A whole {@link SequenceModel} as one ONNX graph (opset {@value #OPSET}, IR version 7), which ONNX Runtime and
 * other runtimes run with the same answers as rnn4j.
 *
 * <p><b>Inputs and output</b> (time-major, as rnn4j; {@code time} and {@code batch} are dynamic axes):
 * <pre>
 *   tokens   int64 [time, batch]           a model with an embedding (padding positions: any valid id)
 *   input    float [time, batch, features] a model without one
 *   lengths  int32 [batch]                 each sequence's valid steps, 1..time (all time for a full batch)
 *   output   float [batch, outputs]        OutputMode LAST_STEP and FINAL_HIDDEN
 *            float [time, batch, outputs]  OutputMode ALL_STEPS (padded steps are 0, as in rnn4j)
 * </pre>
 *
 * <p><b>The graph</b>: {@code Gather} (embedding) → per layer one ONNX {@code RNN}, {@code LSTM} or {@code GRU}
 * with {@code sequence_lens = lengths} ({@code direction = bidirectional} for a bidirectional stack; its {@code Y}
 * {@code [time, directions, batch, hidden]} transposed and reshaped to rnn4j's concatenation, or summed for
 * {@link StackedRnn.Merge#SUM}) → the step selection (LAST_STEP: each sequence's own last valid step, by a one-hot
 * mask over time; FINAL_HIDDEN: the top layer's {@code Y_h}, forward then reverse) → the dense head
 * ({@code Gemm}, or {@code MatMul} + {@code Add} over every step) and its activation. Dropout is not exported: it
 * does nothing at inference. Weights are stored as float32 (a float64 model is rounded) with ONNX's gate order
 * ({@link GateOrder}); biases as {@code [b_ih, b_hh]} per direction. Cells other than rnn4j's RNN, LSTM and GRU
 * have no ONNX operator and are refused.
 */
public final class OnnxExport {
    public static final int OPSET = 14;
    public static final long IR_VERSION = 7;
    public static final String TOKENS = "tokens";
    public static final String INPUT = "input";
    public static final String LENGTHS = "lengths";
    public static final String OUTPUT = "output";
    public static final String TIME = "time";
    public static final String BATCH = "batch";

    private OnnxExport() {
    }

    /** Writes the model to {@code file} atomically (see {@link AtomicFiles}). */
    public static void save(SequenceModel model, Path file) throws IOException {
        Checks.notNull(file, "file");
        AtomicFiles.write(file, toBytes(model));
    }

    /** The model as ONNX bytes. */
    public static byte[] toBytes(SequenceModel model) {
        return toProto(model).toByteArray();
    }

    static Onnx.ModelProto toProto(SequenceModel model) {
        Checks.notNull(model, "model");
        SequenceModel.Config config = model.config();
        Layers layers = Layers.of(config.recurrent());
        Parameters p = model.parameters();
        for (String name : p.names()) {
            INDArray values = p.get(name);
            if (values.isNaN().any() || values.isInfinite().any()) {
                throw new IllegalArgumentException("model's parameter '" + name + "' holds NaN or infinite values; "
                        + "an exported model must be finite");
            }
        }
        GraphWriter g = new GraphWriter("rnn4j");
        String lengths = LENGTHS;
        g.input(GraphWriter.value(LENGTHS, Onnx.TensorProto.DataType.INT32, BATCH));

        String x;
        if (config.embedding() != null) {
            g.input(GraphWriter.value(TOKENS, Onnx.TensorProto.DataType.INT64, TIME, BATCH));
            x = g.node("Gather", List.of(g.floats("embedding.weight", p.get("embedding.weight")), TOKENS), 1,
                    Attribute.of("axis", 0));
        } else {
            g.input(GraphWriter.value(INPUT, Onnx.TensorProto.DataType.FLOAT, TIME, BATCH,
                    (long) config.recurrent().inputSize()));
            x = INPUT;
        }

        String topY = null;
        String topYh = null;
        for (int l = 0; l < layers.count; l++) {
            String[] outs = recurrentLayer(g, p, layers, l, x, lengths);
            topY = outs[0];
            topYh = outs[1];
            x = layerOutput(g, layers, topY);
        }

        int outputs;
        boolean everyStep = config.outputMode() == SequenceModel.OutputMode.ALL_STEPS;
        String features = switch (config.outputMode()) {
            case ALL_STEPS -> x;
            case LAST_STEP -> lastValidStep(g, x, lengths);
            case FINAL_HIDDEN -> g.node("Reshape", List.of(g.node("Transpose", List.of(topYh), 1,
                    Attribute.ints("perm", 1, 0, 2)), g.longs("shape", false, 0, -1)), 1);
        };
        outputs = config.outputMode() == SequenceModel.OutputMode.FINAL_HIDDEN
                ? layers.directions * layers.cell.hiddenSize() : config.recurrent().outputSize();
        String y = features;
        Dense head = config.head();
        if (head != null) {
            y = head(g, p, head, features, everyStep);
            outputs = head.outputSize();
        }
        if (everyStep) {
            y = g.node("Mul", List.of(y, stepMask(g, y, lengths)), 1);
        }
        g.nameLastOutput(OUTPUT); // whatever the path, the last node made y
        if (everyStep) {
            g.output(GraphWriter.value(OUTPUT, Onnx.TensorProto.DataType.FLOAT, TIME, BATCH, (long) outputs));
        } else {
            g.output(GraphWriter.value(OUTPUT, Onnx.TensorProto.DataType.FLOAT, BATCH, (long) outputs));
        }
        return Onnx.ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("rnn4j")
                .setModelVersion(1).setDocString("rnn4j SequenceModel " + config.outputMode())
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g.build()).build();
    }

    /** The recurrent part as ONNX sees it: layers of one cell, one or two directions, and how they merge. */
    private record Layers(RecurrentCellSpec cell, int count, int directions, StackedRnn.Merge merge, boolean stacked,
                          StackedRnn stack) {
        static Layers of(RecurrentSpec spec) {
            if (spec instanceof StackedRnn s) {
                return new Layers(recurrentCell(s.cell()), s.layers(), s.directions(), s.merge(), true, s);
            }
            if (spec instanceof RecurrentLayer layer) {
                return new Layers(recurrentCell(layer.cell()), 1, 1, StackedRnn.Merge.CONCAT, false, null);
            }
            throw new IllegalArgumentException("model.recurrent must be a StackedRnn or a RecurrentLayer to export "
                    + "to ONNX but is " + spec.getClass().getName());
        }

        RecurrentCellSpec cellOf(int layer) {
            return stacked ? recurrentCell(stack.layerCell(layer)) : cell;
        }

        /** rnn4j's name of a parameter of one layer and direction. */
        String name(int layer, int direction, String parameter) {
            return stacked ? "rnn." + StackedRnn.prefix(layer, direction) + "." + parameter : "rnn." + parameter;
        }
    }

    private static RecurrentCellSpec recurrentCell(CellSpec cell) {
        if (cell instanceof VanillaRnn || cell instanceof Lstm || cell instanceof Gru) {
            return (RecurrentCellSpec) cell;
        }
        throw new IllegalArgumentException("model.recurrent's cell must be rnn4j's VanillaRnn, Lstm or Gru to export "
                + "to ONNX (ONNX has operators for those only) but is " + cell.getClass().getName());
    }

    /** One ONNX RNN/LSTM/GRU node over {@code x}; returns its {@code Y} and {@code Y_h}. */
    private static String[] recurrentLayer(GraphWriter g, Parameters p, Layers layers, int l, String x,
                                           String lengths) {
        RecurrentCellSpec cell = layers.cellOf(l);
        GateOrder order = GateOrder.of(cell);
        INDArray[] w = new INDArray[layers.directions];
        INDArray[] r = new INDArray[layers.directions];
        INDArray[] b = new INDArray[layers.directions];
        for (int d = 0; d < layers.directions; d++) {
            w[d] = order.toOnnx(p.get(layers.name(l, d, "weight_ih")));
            r[d] = order.toOnnx(p.get(layers.name(l, d, "weight_hh")));
            if (cell.bias()) {
                b[d] = Nd4j.concat(0, order.toOnnx(p.get(layers.name(l, d, "bias_ih")).reshape(-1)),
                        order.toOnnx(p.get(layers.name(l, d, "bias_hh")).reshape(-1)));
            }
        }
        String prefix = "rnn.l" + l;
        List<String> inputs = new ArrayList<>(List.of(x, g.floats(prefix + ".W", Nd4j.stack(0, w)),
                g.floats(prefix + ".R", Nd4j.stack(0, r)),
                cell.bias() ? g.floats(prefix + ".B", Nd4j.stack(0, b)) : "", lengths));
        List<Attribute> attributes = new ArrayList<>(List.of(Attribute.of("hidden_size", cell.hiddenSize()),
                Attribute.of("direction", layers.directions == 2 ? "bidirectional" : "forward")));
        String op;
        if (cell instanceof Lstm) {
            op = "LSTM";
        } else if (cell instanceof Gru) {
            op = "GRU";
            attributes.add(Attribute.of("linear_before_reset", 1));
        } else {
            op = "RNN";
            String activation = onnxActivation(((VanillaRnn) cell).activation(), "the RNN cell's activation");
            attributes.add(Attribute.strings("activations", layers.directions == 2
                    ? new String[] {activation, activation} : new String[] {activation}));
        }
        return g.nodeOutputs(op, inputs, 2, attributes.toArray(Attribute[]::new));
    }

    /** {@code Y [T, D, B, H]} as rnn4j's layer output {@code [T, B, D·H]} (or {@code [T, B, H]} summed). */
    private static String layerOutput(GraphWriter g, Layers layers, String y) {
        if (layers.directions == 1) {
            return g.node("Squeeze", List.of(y, g.longs("axes", false, 1)), 1);
        }
        if (layers.merge == StackedRnn.Merge.SUM) {
            return g.node("ReduceSum", List.of(y, g.longs("axes", false, 1)), 1, Attribute.of("keepdims", 0));
        }
        String tbdh = g.node("Transpose", List.of(y), 1, Attribute.ints("perm", 0, 2, 1, 3));
        return g.node("Reshape", List.of(tbdh, g.longs("shape", false, 0, 0, -1)), 1);
    }

    /** {@code [T, B, F]} → {@code [B, F]}: each sequence's step {@code lengths[b] - 1}, by a one-hot mask over time. */
    private static String lastValidStep(GraphWriter g, String x, String lengths) {
        String steps = timeIndex(g, x);
        String last = g.node("Sub", List.of(g.node("Cast", List.of(lengths), 1, Attribute.of("to",
                Onnx.TensorProto.DataType.INT64.getNumber())), g.longs("one", false, 1)), 1);
        String oneHot = g.node("Cast", List.of(g.node("Equal", List.of(
                g.node("Unsqueeze", List.of(steps, g.longs("axes", false, 1)), 1),
                g.node("Unsqueeze", List.of(last, g.longs("axes", false, 0)), 1)), 1)), 1,
                Attribute.of("to", Onnx.TensorProto.DataType.FLOAT.getNumber()));
        String picked = g.node("Mul", List.of(x, g.node("Unsqueeze", List.of(oneHot, g.longs("axes", false, 2)), 1)),
                1);
        return g.node("ReduceSum", List.of(picked, g.longs("axes", false, 0)), 1, Attribute.of("keepdims", 0));
    }

    /** {@code [T, B, 1]}: 1 on each sequence's valid steps, 0 on padding. */
    private static String stepMask(GraphWriter g, String x, String lengths) {
        String steps = timeIndex(g, x);
        String valid = g.node("Less", List.of(g.node("Unsqueeze", List.of(steps, g.longs("axes", false, 1)), 1),
                g.node("Unsqueeze", List.of(g.node("Cast", List.of(lengths), 1, Attribute.of("to",
                        Onnx.TensorProto.DataType.INT64.getNumber())), g.longs("axes", false, 0)), 1)), 1);
        String mask = g.node("Cast", List.of(valid), 1, Attribute.of("to",
                Onnx.TensorProto.DataType.FLOAT.getNumber()));
        return g.node("Unsqueeze", List.of(mask, g.longs("axes", false, 2)), 1);
    }

    /** {@code 0, 1, ..., T-1} for a {@code [T, ...]} value. */
    private static String timeIndex(GraphWriter g, String x) {
        String steps = g.node("Gather", List.of(g.node("Shape", List.of(x), 1), g.longs("index", true, 0)), 1,
                Attribute.of("axis", 0));
        return g.node("Range", List.of(g.longs("zero", true, 0), steps, g.longs("one", true, 1)), 1);
    }

    /** The dense head over {@code [B, F]} ({@code Gemm}) or every step {@code [T, B, F]} ({@code MatMul + Add}). */
    private static String head(GraphWriter g, Parameters p, Dense head, String features, boolean everyStep) {
        INDArray weight = p.get("head.weight");
        String y;
        if (everyStep) {
            y = g.node("MatMul", List.of(features, g.floats("head.weight_t", weight.transpose())), 1);
            if (head.bias()) {
                y = g.node("Add", List.of(y, g.floats("head.bias", p.get("head.bias").reshape(-1))), 1);
            }
        } else {
            List<String> inputs = new ArrayList<>(List.of(features, g.floats("head.weight", weight)));
            if (head.bias()) {
                inputs.add(g.floats("head.bias", p.get("head.bias").reshape(-1)));
            }
            y = g.node("Gemm", inputs, 1, Attribute.of("transB", 1));
        }
        if (head.activation() != Activation.IDENTITY) {
            y = g.node(onnxActivation(head.activation(), "the head's activation"), List.of(y), 1);
        }
        return y;
    }

    private static String onnxActivation(Activation activation, String what) {
        return switch (activation) {
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
            case RELU -> "Relu";
            case IDENTITY -> throw new IllegalArgumentException(what + " must be SIGMOID, TANH or RELU to export to "
                    + "ONNX but is IDENTITY");
        };
    }
}
