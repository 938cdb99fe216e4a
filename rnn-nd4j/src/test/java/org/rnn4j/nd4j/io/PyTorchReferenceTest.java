package org.rnn4j.nd4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.layer.StackedRnn;

/**
 * rnn4j against PyTorch itself: weights exported from {@code torch.nn.RNN/LSTM/GRU} (float64) are loaded, and the
 * outputs, final states and every gradient must match what PyTorch computed, to 1e-5 relative. The reference files
 * come from {@code tools/pytorch/make_reference.py}; this test needs no Python.
 */
class PyTorchReferenceTest {
    static final double RELATIVE = 1e-5;

    static Stream<String> cases() throws IOException {
        try (InputStream in = PyTorchReferenceTest.class.getResourceAsStream("/pytorch/cases.txt")) {
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .filter(s -> !s.isBlank()).toList().stream();
        }
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(PyTorchReferenceTest.class.getResource("/pytorch/" + name).toURI());
    }

    /** The rnn4j stack that mirrors the PyTorch module described by a reference file's metadata. */
    static StackedRnn specFor(Map<String, String> meta) {
        int input = Integer.parseInt(meta.get("input_size"));
        int hidden = Integer.parseInt(meta.get("hidden_size"));
        boolean bias = Boolean.parseBoolean(meta.get("bias"));
        RecurrentCellSpec cell = switch (meta.get("mode")) {
            case "RNN" -> VanillaRnn.builder(input, hidden).bias(bias)
                    .activation(meta.get("nonlinearity").equals("relu") ? Activation.RELU : Activation.TANH).build();
            case "LSTM" -> Lstm.builder(input, hidden).bias(bias).build();
            case "GRU" -> Gru.builder(input, hidden).bias(bias).build();
            default -> throw new IllegalArgumentException(meta.get("mode"));
        };
        return StackedRnn.builder(cell).layers(Integer.parseInt(meta.get("num_layers")))
                .bidirectional(Boolean.parseBoolean(meta.get("bidirectional"))).build();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPyTorch(String name) throws Exception {
        SafeTensors.Contents ref = SafeTensors.read(resource(name + ".reference.safetensors"));
        Map<String, INDArray> t = ref.tensors();
        StackedRnn spec = specFor(ref.metadata());
        Parameters parameters = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        PyTorchRnn.load(resource(name + ".weights.safetensors"), parameters);
        SequenceLayer layer = spec.create(parameters, parameters.zerosLike());
        boolean lstm = t.containsKey("c0");
        int[] lengths = Boolean.parseBoolean(ref.metadata().get("masked"))
                ? Arrays.stream(t.get("lengths").toDoubleVector()).mapToInt(d -> (int) d).toArray() : null;

        SequenceLayer.Trace trace = layer.forward(t.get("input"), lengths, state(t, "h0", "c0", lstm));
        assertRelative(t.get("output"), trace.outputs(), name + " outputs");
        State expectedFinal = state(t, "h_n", "c_n", lstm);
        for (int k = 0; k < expectedFinal.arity(); k++) {
            assertRelative(expectedFinal.get(k), trace.finalState().get(k), name + " final state part " + k);
        }

        SequenceLayer.Gradient g = layer.backward(trace, t.get("output_gradient"),
                state(t, "h_n_gradient", "c_n_gradient", lstm));
        assertRelative(t.get("grad_input"), g.inputGradients(), name + " input gradient");
        State expectedInitial = state(t, "grad_h0", "grad_c0", lstm);
        for (int k = 0; k < expectedInitial.arity(); k++) {
            assertRelative(expectedInitial.get(k), g.initialStateGradient().get(k), name + " h0/c0 gradient " + k);
        }
        for (String p : spec.layout().names()) {
            assertRelative(t.get("grad_" + PyTorchRnn.toPyTorch(p)), layer.gradients().get(p), name + " d" + p);
        }
    }

    /** PyTorch's {@code [layers*directions, B, H]} states as rnn4j's parts: h (and c) per layer and direction. */
    static State state(Map<String, INDArray> t, String h, String c, boolean lstm) {
        INDArray hs = t.get(h);
        INDArray cs = lstm ? t.get(c) : null;
        int n = (int) hs.size(0);
        INDArray[] parts = new INDArray[lstm ? 2 * n : n];
        for (int i = 0; i < n; i++) {
            if (lstm) {
                parts[2 * i] = hs.slice(i).dup();
                parts[2 * i + 1] = cs.slice(i).dup();
            } else {
                parts[i] = hs.slice(i).dup();
            }
        }
        return State.of(parts);
    }

    static void assertRelative(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double[] e = expected.dup().data().asDouble();
        double[] a = actual.dup('c').data().asDouble();
        for (int i = 0; i < e.length; i++) {
            double tolerance = RELATIVE * Math.abs(e[i]) + 1e-12;
            assertTrue(Math.abs(e[i] - a[i]) <= tolerance, what + "[" + i + "]: PyTorch " + e[i] + ", rnn4j " + a[i]);
        }
    }
}
