package org.rnn4j.nd4j.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Parameters;
import org.rnn4j.testkit.HostPaths;

/**
 * Attention's Java loops on the CPU host and its INDArray path (other backends) give the same context, weights,
 * query and key gradients and parameter gradients, for every score, in float32 and float64, on padded keys with and
 * without a weight gradient.
 */
class AttentionHostPathTest {
    static final int[] LENGTHS = {5, 2, 4, 1};

    /** Everything one forward and backward produces, flattened in a fixed order. */
    static List<INDArray> run(Attention spec, DataType type, boolean host, boolean withWeightGradient) {
        return HostPaths.with(host, () -> {
            SplittableRandom random = new SplittableRandom(5);
            Parameters p = Parameters.zeros(spec.layout(), type);
            Parameters g = p.zerosLike();
            spec.initialize(p, random);
            AttentionLayer layer = spec.create(p, g);
            Nd4j.getRandom().setSeed(17);
            INDArray keys = Nd4j.randn(type, 5, 4, spec.keySize());
            INDArray query = Nd4j.randn(type, 4, spec.querySize());
            AttentionLayer.Keys prepared = layer.keys(keys, LENGTHS);
            List<INDArray> out = new ArrayList<>();
            for (int step = 0; step < 2; step++) { // two queries over the same prepared keys, as a decoder does
                AttentionLayer.Pass pass = layer.forward(query.mul(step + 1), prepared);
                INDArray dContext = Nd4j.randn(type, 4, spec.keySize());
                INDArray dWeights = withWeightGradient ? Nd4j.randn(type, 4, 5) : null;
                AttentionLayer.Gradient grad = layer.backward(pass, dContext, dWeights);
                out.add(pass.context().dup());
                out.add(pass.weights().dup());
                out.add(grad.queryGradient().dup());
                out.add(grad.keyGradients().dup());
            }
            if (g.flat().length() > 0) { // DOT has no parameters
                out.add(g.flat().dup());
            }
            return out;
        });
    }

    static Attention spec(Attention.Score score) {
        return switch (score) {
            case ADDITIVE -> Attention.additive(3, 6, 4);
            case GENERAL -> Attention.general(3, 6);
            case DOT -> Attention.dot(6);
        };
    }

    @ParameterizedTest
    @EnumSource(Attention.Score.class)
    void hostLoopsEqualTheIndarrayPath(Attention.Score score) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean weightGradient : new boolean[] {false, true}) {
                List<INDArray> host = run(spec(score), type, true, weightGradient);
                List<INDArray> plain = run(spec(score), type, false, weightGradient);
                double tolerance = type == DataType.FLOAT ? 2e-5 : 1e-12;
                for (int i = 0; i < host.size(); i++) {
                    double scale = Math.max(1, plain.get(i).amaxNumber().doubleValue());
                    double diff = host.get(i).sub(plain.get(i)).amaxNumber().doubleValue();
                    assertTrue(diff <= tolerance * scale, score + " " + type + " output " + i + " differs by " + diff);
                }
                assertTrue(score == Attention.Score.DOT || host.get(host.size() - 1).amaxNumber().doubleValue() > 0,
                        "parameter gradients were computed");
            }
        }
    }
}
