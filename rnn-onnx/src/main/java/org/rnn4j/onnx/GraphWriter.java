package org.rnn4j.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Builds one ONNX graph: initializers from arrays, nodes with their attributes, and typed inputs and outputs whose
 * dimensions are numbers or names (dynamic axes). Every value a node makes gets a fresh name from its purpose.
 */
final class GraphWriter {
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private int counter;

    GraphWriter(String name) {
        graph.setName(name);
    }

    /** A float32 initializer holding {@code array} (any data type, c order), named {@code name}. */
    String floats(String name, INDArray array) {
        float[] values = array.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        graph.addInitializer(Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber())
                .addAllDims(dims(array.shape()))
                .setRawData(ByteString.copyFrom(bytes.array())));
        return name;
    }

    /** An int64 initializer (shapes, axes, indices): a vector, or a scalar when {@code scalar}. */
    String longs(String purpose, boolean scalar, long... values) {
        String name = fresh(purpose);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.INT64.getNumber());
        if (!scalar) {
            t.addDims(values.length);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Adds a node; returns its first output's name. {@code inputs} may hold "" for an omitted optional input. */
    String node(String op, List<String> inputs, int outputs, Attribute... attributes) {
        return nodeOutputs(op, inputs, outputs, attributes)[0];
    }

    String[] nodeOutputs(String op, List<String> inputs, int outputs, Attribute... attributes) {
        String base = fresh(op.toLowerCase());
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(base).addAllInput(inputs);
        String[] names = new String[outputs];
        for (int k = 0; k < outputs; k++) {
            names[k] = outputs == 1 ? base + "_out" : base + "_out" + k;
            n.addOutput(names[k]);
        }
        for (Attribute a : attributes) {
            n.addAttribute(a.proto());
        }
        graph.addNode(n);
        return names;
    }

    /** Renames the graph's last node's first output to {@code name} (the graph output). */
    void nameLastOutput(String name) {
        int last = graph.getNodeCount() - 1;
        graph.setNode(last, graph.getNode(last).toBuilder().setOutput(0, name));
    }

    /** A graph input or output: {@code dims} holds Long (fixed) or String (named, dynamic) entries. */
    static Onnx.ValueInfoProto value(String name, Onnx.TensorProto.DataType type, Object... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            Onnx.TensorShapeProto.Dimension.Builder dim = Onnx.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    void input(Onnx.ValueInfoProto value) {
        graph.addInput(value);
    }

    void output(Onnx.ValueInfoProto value) {
        graph.addOutput(value);
    }

    Onnx.GraphProto build() {
        return graph.build();
    }

    private String fresh(String purpose) {
        return purpose + "_" + counter++;
    }

    private static List<Long> dims(long[] shape) {
        return java.util.Arrays.stream(shape).boxed().toList();
    }

    /** A node attribute. */
    record Attribute(Onnx.AttributeProto proto) {
        static Attribute of(String name, long value) {
            return new Attribute(Onnx.AttributeProto.newBuilder().setName(name)
                    .setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build());
        }

        static Attribute of(String name, String value) {
            return new Attribute(Onnx.AttributeProto.newBuilder().setName(name)
                    .setType(Onnx.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(value)).build());
        }

        static Attribute ints(String name, long... values) {
            Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                    .setType(Onnx.AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            return new Attribute(a.build());
        }

        static Attribute strings(String name, String... values) {
            Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                    .setType(Onnx.AttributeProto.AttributeType.STRINGS);
            for (String v : values) {
                a.addStrings(ByteString.copyFromUtf8(v));
            }
            return new Attribute(a.build());
        }
    }
}
