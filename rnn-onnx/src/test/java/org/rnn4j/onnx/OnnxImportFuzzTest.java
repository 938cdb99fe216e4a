package org.rnn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.rnn4j.api.Activation;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel.OutputMode;
import org.rnn4j.onnx.OnnxRuntimeEqualityTest.Case;
import org.rnn4j.onnx.OnnxRuntimeEqualityTest.Cell;

/**
 * Damaged ONNX files: bytes flipped or cut, and graphs whose nodes lost inputs or attributes or got other ones.
 * Each either loads or fails with an {@link IOException} whose message starts with the file's name; nothing else
 * escapes (no NullPointerException, IndexOutOfBoundsException or ND4J message), and nothing hangs.
 * {@code -Drnn4j.fuzz.cases=N} runs N cases of each kind (default 300).
 */
class OnnxImportFuzzTest {
    static final int CASES = Integer.getInteger("rnn4j.fuzz.cases", 300);

    static byte[] exported() {
        return OnnxExport.toBytes(new Case("fuzz", Cell.LSTM, 2, true, StackedRnn.Merge.CONCAT, false, true,
                OutputMode.LAST_STEP, Activation.SIGMOID, true).model());
    }

    @Test
    void flippedAndCutBytesLoadOrFailAsABadFile() {
        byte[] original = exported();
        SplittableRandom random = new SplittableRandom(17);
        for (int c = 0; c < CASES; c++) {
            byte[] bytes = original.clone();
            int flips = 1 + random.nextInt(8);
            for (int k = 0; k < flips; k++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            if (c % 3 == 0) {
                bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            expectLoadOrIOException(bytes, "bytes case " + c);
        }
    }

    @Test
    void nodesWithInputsOrAttributesChangedLoadOrFailAsABadFile() throws Exception {
        Onnx.ModelProto original = Onnx.ModelProto.parseFrom(exported());
        SplittableRandom random = new SplittableRandom(23);
        List<String> names = new ArrayList<>();
        original.getGraph().getNodeList().forEach(n -> names.addAll(n.getOutputList()));
        original.getGraph().getInitializerList().forEach(t -> names.add(t.getName()));
        for (int c = 0; c < CASES; c++) {
            Onnx.GraphProto.Builder graph = original.getGraph().toBuilder();
            int k = random.nextInt(graph.getNodeCount());
            Onnx.NodeProto.Builder node = graph.getNode(k).toBuilder();
            switch (random.nextInt(4)) {
                case 0 -> { // drop the inputs after a random one
                    List<String> kept = new ArrayList<>(node.getInputList().subList(0,
                            random.nextInt(node.getInputCount() + 1)));
                    node.clearInput().addAllInput(kept);
                }
                case 1 -> node.setInput(random.nextInt(Math.max(1, node.getInputCount())) % Math.max(1,
                        node.getInputCount()), names.get(random.nextInt(names.size())));
                case 2 -> node.clearAttribute();
                default -> node.addAttribute(Onnx.AttributeProto.newBuilder().setName(node.getAttributeCount() > 0
                        ? node.getAttribute(0).getName() : "axis").setType(Onnx.AttributeProto.AttributeType.FLOAT)
                        .setF(random.nextFloat() * 10 - 5));
            }
            if (node.getInputCount() == 0 && random.nextBoolean()) {
                node.addInput(names.get(random.nextInt(names.size())));
            }
            graph.setNode(k, node);
            expectLoadOrIOException(original.toBuilder().setGraph(graph).build().toByteArray(), "graph case " + c
                    + " (node " + graph.getNode(k).getName() + ")");
        }
    }

    private static void expectLoadOrIOException(byte[] bytes, String what) {
        try {
            OnnxImport.read(bytes, "fuzz.onnx");
        } catch (IOException e) {
            assertTrue(e.getMessage().startsWith("fuzz.onnx"), what + ": " + e.getMessage());
        } catch (Throwable t) {
            fail(what + ": " + t, t);
        }
    }
}
