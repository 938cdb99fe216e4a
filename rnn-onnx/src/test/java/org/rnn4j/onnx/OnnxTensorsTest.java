package org.rnn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.protobuf.ByteString;

/** Tensors in each supported type, from the typed fields and from raw bytes (a slice of a larger buffer too). */
class OnnxTensorsTest {
    static Onnx.TensorProto.Builder tensor(Onnx.TensorProto.DataType type, long... dims) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName("t").setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    /** Raw little-endian bytes behind one junk byte, handed over as a substring (a buffer not at position 0). */
    static ByteString rawAfterJunk(ByteBuffer values) {
        byte[] b = new byte[values.capacity() + 1];
        values.rewind();
        values.get(b, 1, values.capacity());
        return ByteString.copyFrom(b).substring(1);
    }

    @Test
    void everyTypeReadsFromTypedFieldsAndRawBytes() {
        float[] expected = {1.5f, -2, 3.25f, 0};
        Onnx.TensorProto floats = tensor(Onnx.TensorProto.DataType.FLOAT, 2, 2).addFloatData(1.5f).addFloatData(-2)
                .addFloatData(3.25f).addFloatData(0).build();
        assertArrayEquals(expected, OnnxTensors.toTensor(floats, "test").values().reshape(4).toFloatVector());
        ByteBuffer d = ByteBuffer.allocate(4 * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : expected) {
            d.putDouble(v);
        }
        Onnx.TensorProto doubles = tensor(Onnx.TensorProto.DataType.DOUBLE, 4).setRawData(rawAfterJunk(d)).build();
        assertArrayEquals(expected, OnnxTensors.toTensor(doubles, "test").values().toFloatVector());

        Onnx.TensorProto ints = tensor(Onnx.TensorProto.DataType.INT32, 3).addInt32Data(-1).addInt32Data(7)
                .addInt32Data(0).build();
        assertArrayEquals(new long[] {-1, 7, 0}, OnnxTensors.toTensor(ints, "test").longs());
        ByteBuffer l = ByteBuffer.allocate(2 * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE)
                .putLong(-3);
        Onnx.TensorProto longs = tensor(Onnx.TensorProto.DataType.INT64, 2).setRawData(rawAfterJunk(l)).build();
        assertArrayEquals(new long[] {Long.MAX_VALUE, -3}, OnnxTensors.toTensor(longs, "test").longs(),
                "int64 exactly, beyond what a double holds");
        Onnx.TensorProto scalar = tensor(Onnx.TensorProto.DataType.INT64).addInt64Data(4).build();
        assertTrue(OnnxTensors.toTensor(scalar, "test").scalar());
    }

    @Test
    void aCountThatDisagreesWithTheDimsIsNamed() {
        Onnx.TensorProto short1 = tensor(Onnx.TensorProto.DataType.FLOAT, 3).addFloatData(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxTensors.toTensor(short1, "file.onnx"));
        assertTrue(e.getMessage().startsWith("file.onnx: tensor 't'"), e.getMessage());
        Onnx.TensorProto huge = tensor(Onnx.TensorProto.DataType.FLOAT, 1L << 20, 1L << 20).build();
        assertThrows(IllegalArgumentException.class, () -> OnnxTensors.toTensor(huge, "file.onnx"));
        Onnx.TensorProto strings = tensor(Onnx.TensorProto.DataType.STRING, 1).build();
        assertThrows(IllegalArgumentException.class, () -> OnnxTensors.toTensor(strings, "file.onnx"));
    }
}
