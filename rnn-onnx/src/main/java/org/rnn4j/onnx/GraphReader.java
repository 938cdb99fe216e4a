package org.rnn4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Activation;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel.OutputMode;
import org.rnn4j.onnx.OnnxTensors.Tensor;

/**
 * Reads an ONNX graph as what it computes, in rnn4j's terms: the nodes are evaluated in order on symbolic values
 * ("the token ids", "layer 1's Y", "the final hidden state of layer 1, reverse", "a one-hot mask of each sequence's
 * last step", a constant, ...), and each operator knows what it makes of the kinds it is given. A graph that ends
 * in a value of the form {@code head(select(stack(embed(tokens))))} is a {@link ReadModel}; any operator, or any
 * use of one, outside that algebra is an error naming the node.
 *
 * <p>Constants ({@code Constant}, initializers, and what shape arithmetic makes of them) are folded only as far as
 * the plumbing needs: shapes and zeros for initial states ({@code Shape}, {@code Gather}, {@code Unsqueeze},
 * {@code Concat}, {@code ConstantOfShape}, {@code Slice}) never become numbers, only "derived from the input's
 * shape".
 */
final class GraphReader {
    static final Set<String> SUPPORTED = java.util.Collections.unmodifiableSet(new TreeSet<>(List.of("Add", "Cast", "Concat", "Constant",
            "ConstantOfShape", "Dropout", "Equal", "GRU", "Gather", "Gemm", "Identity", "LSTM", "Less", "MatMul",
            "Mul", "RNN", "Range", "ReduceSum", "Relu", "Reshape", "Shape", "Sigmoid", "Slice", "Softmax", "Squeeze",
            "Sub", "Tanh", "Transpose", "Unsqueeze")));

    /** What a value of the graph is. */
    sealed interface Value {
    }

    record Constant(Tensor tensor) implements Value {
    }

    /** Derived from a dynamic shape (sizes, zero-filled initial states before {@code ConstantOfShape}). */
    record ShapeDerived() implements Value {
    }

    /** All zeros of a dynamic shape: an initial state that is no initial state. */
    record Zeros() implements Value {
    }

    record Tokens() implements Value {
    }

    record Lengths() implements Value {
    }

    /** {@code [T, B, F]}: the input features (layer -1: the embedded tokens or the input vectors) or a layer's. */
    record Sequence(int layer) implements Value {
    }

    /** {@code [B, T, F]}: a layer's output transposed to batch-major (PyTorch's {@code batch_first=True}). */
    record BatchMajorSequence(int layer) implements Value {
    }

    /** {@code [1, B, F]}: a layer's last step, sliced ({@code output[-1:]}). */
    record LastStepSlice(int layer) implements Value {
    }

    /** {@code Y [T, D, B, H]} of a layer, and transposed to {@code [T, B, D, H]}. */
    record LayerY(int layer, boolean transposed) implements Value {
    }

    /** {@code Y_h [D, B, H]} of a layer, or transposed to {@code [B, D, H]}. */
    record LayerYh(int layer, boolean transposed) implements Value {
    }

    /** {@code Y_c [D, B, H]} of an LSTM layer: nothing rnn4j's models read. */
    record LayerYc(int layer) implements Value {
    }

    /** Several {@code Y_h} concatenated along directions (PyTorch's {@code h_n}): (layer, direction) per row. */
    record HiddenRows(List<int[]> rows) implements Value {
    }

    /** {@code [B, H]}: one layer's and direction's final hidden state. */
    record Hidden(int layer, int direction) implements Value {
    }

    /** The head's input: features {@code [B, F]} or {@code [T, B, F]} selected from the top of the stack. */
    record Features(OutputMode mode, int layer) implements Value {
    }

    /** The 0..T-1 time index, each sequence's last valid index, and masks made of them. */
    record TimeIndex() implements Value {
    }

    record LastIndex() implements Value {
    }

    record LastStepMask() implements Value {
    }

    record ValidStepMask() implements Value {
    }

    /** Each sequence's last valid step masked in, not yet summed over time. */
    record MaskedLastStep(int layer) implements Value {
    }

    /** The dense head over features: weight {@code [O, F]}, bias or null, activation, and a final softmax. */
    record Head(Features features, INDArray weight, INDArray bias, Activation activation, boolean softmax)
            implements Value {
        Head with(Activation a) {
            return new Head(features, weight, bias, a, softmax);
        }
    }

    /** One recurrent layer as read from its node. */
    record Layer(String op, int hidden, int directions, Activation activation, INDArray w, INDArray r, INDArray b,
                 boolean lengths) {
    }

    /** What the graph computes. */
    record ReadModel(INDArray embedding, int inputSize, List<Layer> layers, StackedRnn.Merge merge,
                     boolean batchMajorInput, Value output) {
    }

    private final String file;
    private final Map<String, Value> values = new HashMap<>();
    private final List<Layer> layers = new ArrayList<>();
    private StackedRnn.Merge merge;
    /** Whether the graph's input is batch-major ({@code [batch, time, ...]}), transposed before the first layer. */
    private boolean batchMajorInput;
    private INDArray embedding;
    private int inputSize = -1;
    private String node = "";

    private GraphReader(String file) {
        this.file = file;
    }

    static ReadModel read(Onnx.ModelProto model, String file) {
        return new GraphReader(file).read(model.getGraph());
    }

    private ReadModel read(Onnx.GraphProto graph) {
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            values.put(t.getName(), new Constant(OnnxTensors.toTensor(t, file + ": initializer")));
        }
        for (Onnx.ValueInfoProto input : graph.getInputList()) {
            if (values.containsKey(input.getName())) {
                continue; // an initializer listed as an input too (older exporters)
            }
            values.put(input.getName(), input(input));
        }
        for (Onnx.NodeProto n : graph.getNodeList()) {
            node = "node '" + n.getName() + "' (" + n.getOpType() + ")";
            if (!SUPPORTED.contains(n.getOpType())) {
                throw fail("operator '" + n.getOpType() + "' is not supported on import; rnn4j reads " + SUPPORTED);
            }
            Value[] out;
            try {
                out = evaluate(n);
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) { // a malformed node (too few inputs, a wrong attribute type, ...)
                throw fail("is malformed: " + e);
            }
            for (int k = 0; k < out.length && k < n.getOutputCount(); k++) {
                if (!n.getOutput(k).isEmpty()) {
                    values.put(n.getOutput(k), out[k]);
                }
            }
        }
        node = "the graph's output";
        if (graph.getOutputCount() != 1) {
            throw fail("the graph has " + graph.getOutputCount() + " outputs; a sequence model has one");
        }
        if (layers.isEmpty()) {
            throw fail("the graph has no RNN, LSTM or GRU node");
        }
        return new ReadModel(embedding, inputSize, layers, merge == null ? StackedRnn.Merge.CONCAT : merge,
                batchMajorInput, value(graph.getOutput(0).getName()));
    }

    private Value input(Onnx.ValueInfoProto input) {
        Onnx.TypeProto.Tensor type = input.getType().getTensorType();
        Onnx.TensorProto.DataType elem = Onnx.TensorProto.DataType.forNumber(type.getElemType());
        int rank = type.getShape().getDimCount();
        node = "graph input '" + input.getName() + "'";
        if (rank == 1 && (elem == Onnx.TensorProto.DataType.INT32 || elem == Onnx.TensorProto.DataType.INT64)) {
            return new Lengths();
        }
        if (rank == 2 && (elem == Onnx.TensorProto.DataType.INT64 || elem == Onnx.TensorProto.DataType.INT32)) {
            return new Tokens();
        }
        if (rank == 3 && elem == Onnx.TensorProto.DataType.FLOAT) {
            Onnx.TensorShapeProto.Dimension features = type.getShape().getDim(2);
            if (!features.hasDimValue()) {
                throw fail("the feature axis of a [time, batch, features] input must be a fixed size");
            }
            inputSize = Math.toIntExact(features.getDimValue());
            return new Sequence(-1);
        }
        throw fail("is " + elem + " of rank " + rank + "; rnn4j reads int64 tokens [time, batch], float vectors "
                + "[time, batch, features] and int32 lengths [batch]");
    }

    /** The inputs each operator needs at least (the rest are optional). */
    private static final Map<String, Integer> MIN_INPUTS = Map.ofEntries(Map.entry("Constant", 0),
            Map.entry("RNN", 3), Map.entry("LSTM", 3), Map.entry("GRU", 3), Map.entry("Range", 3),
            Map.entry("Slice", 3), Map.entry("Gather", 2), Map.entry("Unsqueeze", 2), Map.entry("Reshape", 2),
            Map.entry("Sub", 2), Map.entry("Equal", 2), Map.entry("Less", 2), Map.entry("Mul", 2),
            Map.entry("Add", 2), Map.entry("MatMul", 2), Map.entry("Gemm", 2));

    private Value[] evaluate(Onnx.NodeProto n) {
        int needed = MIN_INPUTS.getOrDefault(n.getOpType(), 1);
        if (n.getInputCount() < needed) {
            throw fail("has " + n.getInputCount() + " input(s); " + n.getOpType() + " needs at least " + needed);
        }
        List<Value> in = new ArrayList<>();
        for (String name : n.getInputList()) {
            in.add(name.isEmpty() ? null : value(name));
        }
        return switch (n.getOpType()) {
            case "Constant" -> one(new Constant(OnnxTensors.toTensor(attribute(n, "value").getT(), file + ": "
                    + node)));
            case "Identity", "Dropout" -> one(in.get(0));
            case "Shape" -> one(new ShapeDerived());
            case "ConstantOfShape" -> one(constantOfShape(n, in));
            case "Cast" -> one(in.get(0) instanceof Constant ? in.get(0) : cast(in.get(0)));
            case "Gather" -> one(gather(n, in));
            case "Unsqueeze", "Slice", "Concat", "Reshape", "Squeeze", "Transpose", "ReduceSum", "Sub", "Equal",
                 "Less", "Range", "Mul", "Add", "MatMul", "Gemm", "Sigmoid", "Tanh", "Relu", "Softmax" ->
                    one(arithmetic(n, in));
            case "RNN", "LSTM", "GRU" -> recurrent(n, in);
            default -> throw fail("operator '" + n.getOpType() + "' is not supported on import");
        };
    }

    private Value constantOfShape(Onnx.NodeProto n, List<Value> in) {
        Onnx.AttributeProto value = attributeOrNull(n, "value");
        if (value != null) {
            INDArray v = OnnxTensors.toTensor(value.getT(), file + ": " + node).values();
            if (v.length() != 1 || v.getDouble(0) != 0) {
                throw fail("fills with " + v + "; rnn4j reads zero initial states only");
            }
        }
        if (!(in.get(0) instanceof ShapeDerived || in.get(0) instanceof Constant)) {
            throw fail("its shape comes from " + describe(in.get(0)));
        }
        return new Zeros();
    }

    /** {@code Slice(x, starts = [-1], ends >= 0 or past the end, axes = [0], steps = [1])}: {@code x[-1:]}. */
    private Value lastStepSlice(Sequence seq, List<Value> in) {
        long[] starts = constantLongs(in.get(1), "starts");
        long[] ends = constantLongs(in.get(2), "ends");
        long[] axes = in.size() > 3 && in.get(3) != null ? constantLongs(in.get(3), "axes") : new long[] {0};
        long[] steps = in.size() > 4 && in.get(4) != null ? constantLongs(in.get(4), "steps") : new long[] {1};
        if (Arrays.equals(starts, new long[] {-1}) && ends.length == 1 && ends[0] >= Integer.MAX_VALUE
                && Arrays.equals(axes, new long[] {0}) && Arrays.equals(steps, new long[] {1})) {
            return new LastStepSlice(seq.layer());
        }
        throw fail("slices " + describe(seq) + " from " + Arrays.toString(starts) + " to " + Arrays.toString(ends)
                + " along axes " + Arrays.toString(axes) + "; rnn4j reads the last step, x[-1:]");
    }

    private Value cast(Value v) {
        if (v instanceof Lengths || v instanceof LastStepMask || v instanceof ValidStepMask
                || v instanceof ShapeDerived || v instanceof Sequence || v instanceof LastIndex) {
            return v;
        }
        throw fail("casts " + describe(v));
    }

    private Value gather(Onnx.NodeProto n, List<Value> in) {
        long axis = intAttribute(n, "axis", 0);
        Value data = in.get(0);
        Value index = in.get(1);
        if (data instanceof Constant c && index instanceof Tokens && axis == 0) {
            if (c.tensor().dims().length != 2) {
                throw fail("gathers token ids from a tensor of dims " + Arrays.toString(c.tensor().dims())
                        + "; an embedding is [vocabulary, dimension]");
            }
            if (embedding != null) {
                throw fail("is a second embedding; rnn4j models have one");
            }
            embedding = c.tensor().values();
            inputSize = Math.toIntExact(embedding.size(1));
            return new Sequence(-1);
        }
        if (data instanceof ShapeDerived || (data instanceof Constant && index instanceof Constant)) {
            return new ShapeDerived();
        }
        if (data instanceof BatchMajorSequence s && index instanceof Constant k && k.tensor().scalar() && axis == 1
                && k.tensor().longs()[0] == -1) {
            return new Features(OutputMode.LAST_STEP, s.layer()); // output[:, -1] of a batch_first module
        }
        if (!(index instanceof Constant k) || !k.tensor().scalar() || axis != 0) {
            throw fail("gathers " + describe(data) + " at " + describe(index) + " along axis " + axis
                    + "; rnn4j reads a constant scalar index along axis 0 here");
        }
        long i = k.tensor().longs()[0];
        if (data instanceof Sequence s && s.layer() >= 0 && i == -1) {
            return new Features(OutputMode.LAST_STEP, s.layer());
        }
        if (data instanceof LayerYh yh && !yh.transposed()) {
            int d = directionsOf(yh.layer());
            return new Hidden(yh.layer(), Math.toIntExact(Math.floorMod(i, d)));
        }
        if (data instanceof HiddenRows rows) {
            int[] row = rows.rows().get(Math.toIntExact(Math.floorMod(i, rows.rows().size())));
            return new Hidden(row[0], row[1]);
        }
        throw fail("gathers index " + i + " of " + describe(data));
    }

    private Value arithmetic(Onnx.NodeProto n, List<Value> in) {
        String op = n.getOpType();
        Value a = in.get(0);
        Value b = in.size() > 1 ? in.get(1) : null;
        boolean shapeOnly = in.stream().allMatch(v -> v == null || v instanceof Constant || v instanceof ShapeDerived);
        switch (op) {
            case "Unsqueeze", "Slice", "Concat", "Reshape", "Squeeze" -> {
                if (shapeOnly) {
                    return new ShapeDerived();
                }
                if (a instanceof Zeros && op.equals("Slice")) {
                    return a;
                }
                if (a instanceof Sequence seq && seq.layer() >= 0 && op.equals("Slice")) {
                    return lastStepSlice(seq, in);
                }
            }
            default -> {
            }
        }
        return switch (op) {
            case "Unsqueeze" -> {
                if (a instanceof TimeIndex || a instanceof LastIndex || a instanceof LastStepMask
                        || a instanceof ValidStepMask || a instanceof Lengths) {
                    yield a;
                }
                throw fail("unsqueezes " + describe(a));
            }
            case "Squeeze" -> {
                long[] axes = constantLongs(b, "axes");
                if (a instanceof LayerY y && !y.transposed() && Arrays.equals(axes, new long[] {1})
                        && directionsOf(y.layer()) == 1) {
                    yield new Sequence(y.layer());
                }
                if (a instanceof LayerYh yh && !yh.transposed() && Arrays.equals(axes, new long[] {0})
                        && directionsOf(yh.layer()) == 1) {
                    yield new Hidden(yh.layer(), 0);
                }
                if (a instanceof LastStepSlice last && Arrays.equals(axes, new long[] {0})) {
                    yield new Features(OutputMode.LAST_STEP, last.layer());
                }
                throw fail("squeezes axes " + Arrays.toString(axes) + " of " + describe(a));
            }
            case "Transpose" -> {
                long[] perm = n.getAttributeList().stream().filter(x -> x.getName().equals("perm")).findFirst()
                        .map(x -> x.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(null);
                if (a instanceof LayerY y && !y.transposed() && Arrays.equals(perm, new long[] {0, 2, 1, 3})) {
                    yield new LayerY(y.layer(), true);
                }
                if (a instanceof LayerYh yh && !yh.transposed() && Arrays.equals(perm, new long[] {1, 0, 2})) {
                    yield new LayerYh(yh.layer(), true);
                }
                boolean swapsTimeAndBatch = Arrays.equals(perm, new long[] {1, 0, 2});
                if (a instanceof Sequence seq && seq.layer() == -1 && swapsTimeAndBatch && layers.isEmpty()
                        && !batchMajorInput) {
                    batchMajorInput = true; // the input was [batch, time, features]: now time-major, as rnn4j's
                    yield seq;
                }
                if (a instanceof Sequence seq && seq.layer() >= 0 && swapsTimeAndBatch) {
                    yield new BatchMajorSequence(seq.layer());
                }
                if (a instanceof BatchMajorSequence seq && swapsTimeAndBatch) {
                    yield new Sequence(seq.layer());
                }
                throw fail("transposes " + describe(a) + " by " + Arrays.toString(perm));
            }
            case "Reshape" -> {
                long[] shape = constantLongs(b, "shape");
                if (a instanceof LayerY y && y.transposed() && shape.length == 3 && shape[0] == 0 && shape[1] == 0
                        && (shape[2] == -1 || shape[2] == (long) directionsOf(y.layer()) * layers.get(y.layer())
                        .hidden())) {
                    mergeIs(StackedRnn.Merge.CONCAT);
                    yield new Sequence(y.layer());
                }
                if (a instanceof LayerYh yh && yh.transposed() && shape.length == 2 && shape[0] == 0
                        && (shape[1] == -1 || shape[1] == (long) directionsOf(yh.layer()) * layers.get(yh.layer())
                        .hidden())) {
                    yield new Features(OutputMode.FINAL_HIDDEN, yh.layer());
                }
                throw fail("reshapes " + describe(a) + " to " + Arrays.toString(shape));
            }
            case "Concat" -> {
                long axis = intAttribute(n, "axis", 0);
                if (in.stream().allMatch(v -> v instanceof LayerYh yh && !yh.transposed()) && axis == 0) {
                    List<int[]> rows = new ArrayList<>();
                    for (Value v : in) {
                        int layer = ((LayerYh) v).layer();
                        for (int d = 0; d < directionsOf(layer); d++) {
                            rows.add(new int[] {layer, d});
                        }
                    }
                    yield new HiddenRows(rows);
                }
                if (in.size() == 2 && a instanceof Hidden f && b instanceof Hidden r && (axis == 1 || axis == -1)
                        && f.layer() == r.layer() && f.direction() == 0 && r.direction() == 1) {
                    yield new Features(OutputMode.FINAL_HIDDEN, f.layer());
                }
                throw fail("concatenates " + in.stream().map(this::describe).toList() + " along axis " + axis
                        + " (rnn4j's final hidden features are the top layer's forward then reverse state)");
            }
            case "ReduceSum" -> {
                long[] axes = constantLongs(b, "axes");
                long keep = intAttribute(n, "keepdims", 1);
                if (a instanceof LayerY y && !y.transposed() && Arrays.equals(axes, new long[] {1}) && keep == 0) {
                    mergeIs(StackedRnn.Merge.SUM);
                    yield new Sequence(y.layer());
                }
                if (a instanceof MaskedLastStep m && Arrays.equals(axes, new long[] {0}) && keep == 0) {
                    yield new Features(OutputMode.LAST_STEP, m.layer());
                }
                throw fail("sums " + describe(a) + " over axes " + Arrays.toString(axes));
            }
            case "Range" -> {
                if (in.get(0) instanceof Constant start && start.tensor().longs()[0] == 0
                        && in.get(2) instanceof Constant step && step.tensor().longs()[0] == 1
                        && in.get(1) instanceof ShapeDerived) {
                    yield new TimeIndex();
                }
                throw fail("makes a range other than 0..time-1");
            }
            case "Sub" -> {
                if (a instanceof Lengths && b instanceof Constant one && one.tensor().values().length() == 1
                        && one.tensor().longs()[0] == 1) {
                    yield new LastIndex();
                }
                if (shapeOnly) {
                    yield new ShapeDerived();
                }
                throw fail("subtracts " + describe(b) + " from " + describe(a));
            }
            case "Equal" -> {
                if (a instanceof TimeIndex && b instanceof LastIndex || a instanceof LastIndex && b instanceof TimeIndex) {
                    yield new LastStepMask();
                }
                throw fail("compares " + describe(a) + " with " + describe(b));
            }
            case "Less" -> {
                if (a instanceof TimeIndex && b instanceof Lengths) {
                    yield new ValidStepMask();
                }
                throw fail("compares " + describe(a) + " with " + describe(b));
            }
            case "Mul" -> {
                Value other = b instanceof ValidStepMask || b instanceof LastStepMask ? a : b;
                Value mask = other == a ? b : a;
                if (mask instanceof ValidStepMask && (other instanceof Sequence
                        || other instanceof Head h && h.features().mode() == OutputMode.ALL_STEPS)) {
                    yield other; // padded steps are zero in rnn4j already
                }
                if (mask instanceof LastStepMask && other instanceof Sequence s && s.layer() >= 0) {
                    yield new MaskedLastStep(s.layer());
                }
                throw fail("multiplies " + describe(a) + " by " + describe(b));
            }
            case "MatMul" -> {
                boolean everyStep = a instanceof Sequence s0 && s0.layer() >= 0
                        || a instanceof BatchMajorSequence && batchMajorInput; // batch_first: [B, T, F] in and out
                if (everyStep && b instanceof Constant w && w.tensor().dims().length == 2) {
                    int layer = a instanceof Sequence s ? s.layer() : ((BatchMajorSequence) a).layer();
                    yield new Head(new Features(OutputMode.ALL_STEPS, layer), w.tensor().values().transpose()
                            .dup('c'), null, Activation.IDENTITY, false);
                }
                throw fail("multiplies " + describe(a) + " by " + describe(b) + " (rnn4j reads every step's "
                        + "features times a constant [features, outputs] weight)");
            }
            case "Add" -> {
                Head head = a instanceof Head h ? h : b instanceof Head h2 ? h2 : null;
                Value bias = head == a ? b : a;
                if (head != null && head.bias() == null && head.activation() == Activation.IDENTITY
                        && bias instanceof Constant c && c.tensor().values().length() == head.weight().size(0)) {
                    yield new Head(head.features(), head.weight(), c.tensor().values().reshape(-1), head
                            .activation(), false);
                }
                throw fail("adds " + describe(a) + " and " + describe(b));
            }
            case "Gemm" -> gemm(n, in);
            case "Sigmoid", "Tanh", "Relu" -> {
                if (a instanceof Head h && h.activation() == Activation.IDENTITY && !h.softmax()) {
                    yield h.with(Activation.valueOf(op.toUpperCase()));
                }
                throw fail("applies " + op + " to " + describe(a) + " (rnn4j reads an activation of the head)");
            }
            case "Softmax" -> {
                long axis = intAttribute(n, "axis", -1);
                boolean last = axis == -1 || a instanceof Head h0
                        && axis == (h0.features().mode() == OutputMode.ALL_STEPS ? 2 : 1);
                if (a instanceof Head h && h.activation() == Activation.IDENTITY && !h.softmax() && last) {
                    yield new Head(h.features(), h.weight(), h.bias(), h.activation(), true);
                }
                throw fail("applies Softmax along axis " + axis + " to " + describe(a)
                        + " (rnn4j reads a softmax over the head's outputs)");
            }
            default -> throw fail("operator '" + op + "' is not supported here");
        };
    }

    private Value gemm(Onnx.NodeProto n, List<Value> in) {
        Value a = in.get(0);
        if (intAttribute(n, "transA", 0) != 0 || floatAttribute(n, "alpha", 1) != 1
                || floatAttribute(n, "beta", 1) != 1) {
            throw fail("has transA, alpha or beta other than 0, 1, 1");
        }
        Features features = a instanceof Features f ? f
                : a instanceof Hidden h && directionsOf(h.layer()) == 1 ? new Features(OutputMode.FINAL_HIDDEN,
                        h.layer()) : null;
        if (features == null || !(in.get(1) instanceof Constant w) || w.tensor().dims().length != 2) {
            throw fail("multiplies " + describe(a) + " by " + describe(in.get(1)) + " (rnn4j reads selected "
                    + "features times a constant weight)");
        }
        INDArray weight = intAttribute(n, "transB", 0) == 1 ? w.tensor().values()
                : w.tensor().values().transpose().dup('c');
        INDArray bias = null;
        if (in.size() > 2 && in.get(2) != null) {
            if (!(in.get(2) instanceof Constant c) || c.tensor().values().length() != weight.size(0)) {
                throw fail("adds " + describe(in.get(2)) + "; rnn4j reads a constant bias of " + weight.size(0)
                        + " values");
            }
            bias = c.tensor().values().reshape(-1);
        }
        return new Head(features, weight, bias, Activation.IDENTITY, false);
    }

    private Value[] recurrent(Onnx.NodeProto n, List<Value> in) {
        int index = layers.size();
        if (!(in.get(0) instanceof Sequence s) || s.layer() != index - 1) {
            throw fail("reads " + describe(in.get(0)) + "; layer " + index + " must read "
                    + (index == 0 ? "the input features" : "layer " + (index - 1) + "'s output"));
        }
        String op = n.getOpType();
        for (String unsupported : new String[] {"clip", "input_forget", "layout", "activation_alpha",
                "activation_beta"}) {
            Onnx.AttributeProto x = attributeOrNull(n, unsupported);
            if (x != null && !(x.getType() == Onnx.AttributeProto.AttributeType.INT && x.getI() == 0)) {
                throw fail("sets '" + unsupported + "', which rnn4j's cells do not have");
            }
        }
        String direction = stringAttribute(n, "direction", "forward");
        int directions = switch (direction) {
            case "forward" -> 1;
            case "bidirectional" -> 2;
            default -> throw fail("runs in direction '" + direction + "'; rnn4j runs forward or bidirectional");
        };
        int hidden = Math.toIntExact(intAttribute(n, "hidden_size", -1));
        if (hidden <= 0) {
            throw fail("has no positive hidden_size");
        }
        if (op.equals("GRU") && intAttribute(n, "linear_before_reset", 0) != 1) {
            throw fail("has linear_before_reset = 0; rnn4j's GRU (PyTorch's equations) is linear_before_reset = 1");
        }
        Activation activation = Activation.TANH;
        List<String> activations = n.getAttributeList().stream().filter(x -> x.getName().equals("activations"))
                .flatMap(x -> x.getStringsList().stream().map(bs -> bs.toStringUtf8())).toList();
        if (op.equals("RNN")) {
            if (!activations.isEmpty()) {
                if (activations.stream().distinct().count() != 1) {
                    throw fail("has activations " + activations + "; rnn4j's directions share one");
                }
                activation = switch (activations.get(0)) {
                    case "Tanh" -> Activation.TANH;
                    case "Relu" -> Activation.RELU;
                    case "Sigmoid" -> Activation.SIGMOID;
                    default -> throw fail("has activation " + activations.get(0) + "; rnn4j's RNN cell has Tanh, "
                            + "Relu or Sigmoid");
                };
            }
        } else if (!activations.isEmpty()) {
            List<String> defaults = op.equals("LSTM") ? List.of("Sigmoid", "Tanh", "Tanh") : List.of("Sigmoid",
                    "Tanh");
            for (int k = 0; k < activations.size(); k++) {
                if (!activations.get(k).equals(defaults.get(k % defaults.size()))) {
                    throw fail("has activations " + activations + "; rnn4j's " + op + " uses ONNX's defaults");
                }
            }
        }
        int gates = op.equals("LSTM") ? 4 : op.equals("GRU") ? 3 : 1;
        INDArray w = weight(in, 1, "W", directions, (long) gates * hidden, -1);
        INDArray r = weight(in, 2, "R", directions, (long) gates * hidden, hidden);
        INDArray b = in.size() > 3 && in.get(3) != null ? weight(in, 3, "B", directions, 2L * gates * hidden, 0)
                : null;
        boolean lengths = false;
        if (in.size() > 4 && in.get(4) != null) {
            if (!(in.get(4) instanceof Lengths)) {
                throw fail("takes sequence_lens from " + describe(in.get(4)) + "; rnn4j reads the graph's lengths");
            }
            lengths = true;
        }
        for (int k = 5; k < in.size(); k++) {
            if (in.get(k) != null && !(in.get(k) instanceof Zeros)) {
                throw fail("takes an initial state or peepholes from " + describe(in.get(k))
                        + "; rnn4j reads zero initial states and no peepholes");
            }
        }
        if (!layers.isEmpty()) {
            Layer first = layers.get(0);
            if (!first.op().equals(op) || first.hidden() != hidden || first.directions() != directions
                    || first.activation() != activation || (first.b() == null) != (b == null)) {
                throw fail("differs from layer 0 (" + first.op() + ", hidden " + first.hidden() + ", "
                        + first.directions() + " direction(s)); an rnn4j stack repeats one cell");
            }
        }
        layers.add(new Layer(op, hidden, directions, activation, w, r, b, lengths));
        return new Value[] {new LayerY(index, false), new LayerYh(index, false), new LayerYc(index)};
    }

    private INDArray weight(List<Value> in, int k, String name, int directions, long rows, long columns) {
        if (!(in.get(k) instanceof Constant c)) {
            throw fail("takes " + name + " from " + describe(in.get(k)) + "; rnn4j reads constant weights");
        }
        long[] dims = c.tensor().dims();
        boolean ok = columns == 0 ? dims.length == 2 && dims[0] == directions && dims[1] == rows
                : dims.length == 3 && dims[0] == directions && dims[1] == rows && (columns < 0 || dims[2] == columns);
        if (!ok) {
            throw fail(name + " has dims " + Arrays.toString(dims) + "; expected [" + directions + ", " + rows
                    + (columns == 0 ? "" : ", " + (columns < 0 ? "input size" : columns)) + "]");
        }
        INDArray values = c.tensor().values();
        if (values.isNaN().any() || values.isInfinite().any()) {
            throw fail(name + " holds NaN or infinite values");
        }
        return values;
    }

    private void mergeIs(StackedRnn.Merge m) {
        if (merge != null && merge != m) {
            throw fail("merges directions by " + m + " where an earlier layer used " + merge);
        }
        merge = m;
    }

    private int directionsOf(int layer) {
        return layers.get(layer).directions();
    }

    private long[] constantLongs(Value v, String what) {
        if (!(v instanceof Constant c)) {
            throw fail("takes its " + what + " from " + describe(v) + "; rnn4j reads constant " + what);
        }
        return c.tensor().longs();
    }

    private Value value(String name) {
        Value v = values.get(name);
        if (v == null) {
            throw fail("reads '" + name + "', which no earlier node, initializer or input makes");
        }
        return v;
    }

    private String describe(Value v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof Constant c) {
            return "a constant of dims " + Arrays.toString(c.tensor().dims());
        }
        return v.toString();
    }

    private static Value[] one(Value v) {
        return new Value[] {v};
    }

    private Onnx.AttributeProto attribute(Onnx.NodeProto n, String name) {
        Onnx.AttributeProto a = attributeOrNull(n, name);
        if (a == null) {
            throw fail("has no attribute '" + name + "'");
        }
        return a;
    }

    private static Onnx.AttributeProto attributeOrNull(Onnx.NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElse(null);
    }

    private static long intAttribute(Onnx.NodeProto n, String name, long fallback) {
        Onnx.AttributeProto a = attributeOrNull(n, name);
        return a == null ? fallback : a.getI();
    }

    private static float floatAttribute(Onnx.NodeProto n, String name, float fallback) {
        Onnx.AttributeProto a = attributeOrNull(n, name);
        return a == null || a.getType() != Onnx.AttributeProto.AttributeType.FLOAT ? fallback : a.getF();
    }

    private static String stringAttribute(Onnx.NodeProto n, String name, String fallback) {
        Onnx.AttributeProto a = attributeOrNull(n, name);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    private IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(file + ": " + node + " " + message);
    }
}
