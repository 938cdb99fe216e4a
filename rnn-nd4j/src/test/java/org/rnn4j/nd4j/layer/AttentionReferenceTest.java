package org.rnn4j.nd4j.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.io.SafeTensors;

/**
 * Additive, general and dot attention against PyTorch 1.13's autograd ({@code tools/pytorch/make_attention_reference.py}):
 * context, weights and the gradients of the query, the keys and every parameter, on a padded batch, to 1e-10 in
 * float64.
 */
class AttentionReferenceTest {
    static final double TOLERANCE = 1e-10;

    @ParameterizedTest
    @EnumSource(Attention.Score.class)
    void matchesPyTorch(Attention.Score score) throws Exception {
        String name = score.name().toLowerCase();
        SafeTensors.Contents ref = SafeTensors.read(Path.of(AttentionReferenceTest.class
                .getResource("/pytorch-attention/" + name + ".safetensors").toURI()));
        INDArray query = ref.tensors().get("query");
        INDArray keys = ref.tensors().get("keys");
        Attention spec = switch (score) {
            case ADDITIVE -> Attention.additive((int) query.size(1), (int) keys.size(2),
                    (int) ref.tensors().get("param.v").length());
            case GENERAL -> Attention.general((int) query.size(1), (int) keys.size(2));
            case DOT -> Attention.dot((int) keys.size(2));
        };
        Parameters p = Parameters.zeros(spec.layout(), DataType.DOUBLE);
        for (String parameter : p.names()) {
            p.get(parameter).assign(ref.tensors().get("param." + parameter));
        }
        Parameters g = p.zerosLike();
        AttentionLayer layer = spec.create(p, g);
        int[] lengths = ref.tensors().get("lengths").toIntVector();
        AttentionLayer.Pass pass = layer.forward(query, keys, lengths);
        assertClose(ref.tensors().get("context"), pass.context(), name + " context");
        assertClose(ref.tensors().get("weights"), pass.weights(), name + " weights");
        AttentionLayer.Gradient d = layer.backward(pass, ref.tensors().get("context_weights"),
                ref.tensors().get("weight_weights"));
        assertClose(ref.tensors().get("grad_query"), d.queryGradient(), name + " dquery");
        assertClose(ref.tensors().get("grad_keys"), d.keyGradients(), name + " dkeys");
        for (String parameter : p.names()) {
            assertClose(ref.tensors().get("grad_param." + parameter), g.get(parameter), name + " d" + parameter);
        }
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double worst = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(worst < TOLERANCE, what + " differs from PyTorch by " + worst);
    }
}
