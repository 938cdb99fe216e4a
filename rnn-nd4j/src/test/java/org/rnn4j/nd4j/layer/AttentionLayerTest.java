package org.rnn4j.nd4j.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Parameters;
import org.rnn4j.testkit.GradientCheck;

/**
 * Each attention score: weights that sum to 1 over each sequence's own source steps and are 0 on padding, a context
 * that padding cannot change, and gradients of the query, the keys and every parameter equal to central finite
 * differences in float64 (padded batch, a loss on both the context and the weights).
 */
class AttentionLayerTest {
    static final int QUERY = 3;
    static final int KEY = 4;
    static final int[] LENGTHS = {5, 2, 4};
    static final long STEPS = 5;

    static Attention spec(Attention.Score score) {
        return switch (score) {
            case ADDITIVE -> Attention.additive(QUERY, KEY, 6);
            case GENERAL -> Attention.general(QUERY, KEY);
            case DOT -> Attention.dot(KEY);
        };
    }

    record Setup(AttentionLayer layer, Parameters parameters, Parameters gradients, INDArray query, INDArray keys,
                 INDArray contextWeights, INDArray weightWeights) {
        static Setup of(Attention.Score score, long seed) {
            Attention a = spec(score);
            Parameters p = Parameters.zeros(a.layout(), DataType.DOUBLE);
            a.initialize(p, new SplittableRandom(seed));
            if (score == Attention.Score.ADDITIVE) {
                p.get("bias").assign(Nd4j.rand(DataType.DOUBLE, 6).subi(0.5));
            }
            Parameters g = p.zerosLike();
            Nd4j.getRandom().setSeed(seed);
            return new Setup(a.create(p, g), p, g, Nd4j.rand(DataType.DOUBLE, 3, a.querySize()).subi(0.5),
                    Nd4j.rand(DataType.DOUBLE, STEPS, 3, KEY).subi(0.5), Nd4j.rand(DataType.DOUBLE, 3, KEY),
                    Nd4j.rand(DataType.DOUBLE, 3, STEPS));
        }

        /** A loss on the context and on the weights, so that both paths of the backward are exercised. */
        double loss() {
            AttentionLayer.Pass pass = layer.forward(query, keys, LENGTHS);
            return pass.context().mul(contextWeights).sumNumber().doubleValue()
                    + pass.weights().mul(weightWeights).sumNumber().doubleValue();
        }
    }

    @ParameterizedTest
    @EnumSource(Attention.Score.class)
    void weightsSumToOneOverValidStepsAndPaddingCannotChangeTheContext(Attention.Score score) {
        Setup s = Setup.of(score, 3);
        AttentionLayer.Pass pass = s.layer().forward(s.query(), s.keys(), LENGTHS);
        for (int b = 0; b < LENGTHS.length; b++) {
            double sum = 0;
            for (int t = 0; t < STEPS; t++) {
                double w = pass.weights().getDouble(b, t);
                if (t >= LENGTHS[b]) {
                    assertEquals(0, w, "padding step " + t + " of sequence " + b);
                }
                sum += w;
            }
            assertEquals(1, sum, 1e-12, "sequence " + b);
        }
        INDArray garbage = s.keys().dup();
        garbage.get(NDArrayIndex.interval(2, STEPS), NDArrayIndex.point(1), NDArrayIndex.all())
                .assign(Nd4j.rand(DataType.DOUBLE, STEPS - 2, KEY).muli(3));
        AttentionLayer.Pass padded = s.layer().forward(s.query(), garbage, LENGTHS);
        assertEquals(pass.context().getRow(1), padded.context().getRow(1), "sequence 1 ignores its padding");
        AttentionLayer.Pass unmasked = s.layer().forward(s.query(), garbage, null);
        assertTrue(pass.context().getRow(1).distance2(unmasked.context().getRow(1)) > 1e-3,
                "without lengths the same keys change the context: the mask is what protects it");
    }

    @ParameterizedTest
    @EnumSource(Attention.Score.class)
    void gradientsMatchFiniteDifferences(Attention.Score score) {
        Setup s = Setup.of(score, 5);
        AttentionLayer.Pass pass = s.layer().forward(s.query(), s.keys(), LENGTHS);
        AttentionLayer.Gradient g = s.layer().backward(pass, s.contextWeights(), s.weightWeights());
        GradientCheck.assertNonTrivial("query", g.queryGradient());
        GradientCheck.check(score + " query", s.query(), g.queryGradient(), s::loss);
        GradientCheck.check(score + " keys", s.keys(), g.keyGradients(), s::loss);
        for (int b = 0; b < LENGTHS.length; b++) {
            for (long t = LENGTHS[b]; t < STEPS; t++) {
                assertEquals(0, g.keyGradients().get(NDArrayIndex.point(t), NDArrayIndex.point(b),
                        NDArrayIndex.all()).norm2Number().doubleValue(), "padded key " + t + " of " + b);
            }
        }
        if (s.parameters().flat().length() > 0) {
            GradientCheck.assertNonTrivial("parameters", s.gradients().flat());
            GradientCheck.check(score + " parameters", s.parameters().flat(), s.gradients().flat(), s::loss);
        }
    }

    @Test
    void badArgumentsAreNamedAndABackwardRunsOnce() {
        Setup s = Setup.of(Attention.Score.GENERAL, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.layer().forward(s.query(), Nd4j.rand(DataType.DOUBLE, STEPS, 2, KEY), null));
        assertTrue(e.getMessage().startsWith("query"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> s.layer().forward(s.query(), s.keys(), new int[] {5, 0, 4}));
        assertTrue(e.getMessage().contains("length"), e.getMessage());
        AttentionLayer.Pass pass = s.layer().forward(s.query(), s.keys(), LENGTHS);
        INDArray before = s.gradients().flat().dup();
        e = assertThrows(IllegalArgumentException.class,
                () -> s.layer().backward(pass, Nd4j.rand(DataType.DOUBLE, 3, KEY + 1), null));
        assertTrue(e.getMessage().startsWith("contextGradient"), e.getMessage());
        assertEquals(before, s.gradients().flat(), "a refused backward adds nothing");
        s.layer().backward(pass, s.contextWeights(), null);
        e = assertThrows(IllegalArgumentException.class, () -> s.layer().backward(pass, s.contextWeights(), null));
        assertEquals("pass was already passed to backward", e.getMessage());
        AttentionLayer other = Setup.of(Attention.Score.GENERAL, 8).layer();
        e = assertThrows(IllegalArgumentException.class, () -> s.layer().forward(s.query(),
                other.keys(s.keys(), LENGTHS)));
        assertTrue(e.getMessage().contains("this layer's keys"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Attention(Attention.Score.DOT, 3, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> Attention.additive(3, 4, 0));
    }
}
