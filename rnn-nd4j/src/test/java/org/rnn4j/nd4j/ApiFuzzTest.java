package org.rnn4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.Adagrad;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.nd4j.optim.RmsProp;
import org.rnn4j.nd4j.optim.Sgd;

/**
 * Calls the public API with generated arguments at and past their limits (ranks, sizes, lengths, data types, NaN
 * and infinite values, token ids, hyperparameters) and requires each call to return a well-formed result or to
 * throw rnn4j's own {@link IllegalArgumentException} or {@link IllegalStateException} (thrown from rnn4j code, so
 * never a raw ND4J or JDK message), leaving the parameters (and, when it throws, the gradients) as they were. A
 * failure names the case's seed. {@value #DEFAULT_CASES} cases per test; {@code -Drnn4j.fuzz.cases=N} runs more.
 */
class ApiFuzzTest {
    static final int DEFAULT_CASES = 400;
    private static final double[] SPECIAL = Fuzz.SPECIAL;

    private static int cases() {
        return Integer.getInteger("rnn4j.fuzz.cases", DEFAULT_CASES);
    }

    private static final SequenceModel VECTORS = SequenceModel.builder().recurrent(Lstm.builder(3, 4).build())
            .head(Dense.builder(4, 2).build()).outputMode(SequenceModel.OutputMode.LAST_STEP).seed(1).build();
    private static final SequenceModel TOKENS = SequenceModel.builder().embedding(new Embedding(9, 3, 0))
            .recurrent(Gru.builder(3, 4).build()).head(Dense.builder(4, 1).build())
            .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).seed(2).build();

    @Test
    void predictAndTrainWithGeneratedInputs() {
        SplittableRandom random = new SplittableRandom(3);
        int results = 0;
        int refusals = 0;
        for (int c = 0; c < cases(); c++) {
            long seed = random.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            SequenceModel model = r.nextBoolean() ? VECTORS : TOKENS;
            INDArray input = Fuzz.array(r, model.embedding() != null);
            int[] lengths = r.nextInt(3) == 0 ? null : lengths(r, input);
            INDArray before = model.parameters().flat().dup();
            INDArray gradientsBefore = model.gradients().flat().dup();
            boolean train = r.nextInt(3) == 0;
            INDArray targets = train ? Fuzz.array(r, false) : null;
            Object out = Fuzz.call("case " + seed, () -> train
                    ? (Object) model.computeGradients(input, lengths, targets, new MeanSquaredError())
                    : model.predict(input, lengths));
            if (out instanceof INDArray predictions) {
                assertTrue(predictions.rank() == 2 && predictions.size(0) == input.size(1)
                        && !predictions.isNaN().any(), "case " + seed + ": predictions "
                        + Arrays.toString(predictions.shape()));
                results++;
            } else if (out instanceof Double loss) {
                assertTrue(Double.isFinite(loss), "case " + seed + ": loss " + loss);
                results++;
            } else {
                refusals++;
                assertTrue(Arrays.equals(gradientsBefore.data().asDouble(), model.gradients().flat().data()
                        .asDouble()), "case " + seed + ": a refused call changed the gradients");
            }
            assertTrue(before.equalsWithEps(model.parameters().flat(), 0), "case " + seed + " changed parameters");
        }
        System.out.printf("generated inputs: %d results, %d clear refusals%n", results, refusals);
        assertTrue(results > 0 && refusals > 0, "the generator must reach both outcomes");
    }

    @Test
    void plainJavaSequencesWithGeneratedContents() {
        SplittableRandom random = new SplittableRandom(4);
        for (int c = 0; c < cases(); c++) {
            long seed = random.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            int n = r.nextInt(4);
            List<int[]> tokens = new ArrayList<>();
            List<float[][]> vectors = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int steps = r.nextInt(5);
                tokens.add(r.nextInt(10) == 0 ? null : r.ints(steps, -1, 11).toArray());
                float[][] s = r.nextInt(10) == 0 ? null : new float[steps][];
                for (int t = 0; s != null && t < steps; t++) {
                    s[t] = r.nextInt(10) == 0 ? null : new float[2 + r.nextInt(3)];
                    for (int f = 0; s[t] != null && f < s[t].length; f++) {
                        s[t][f] = (float) SPECIAL[r.nextInt(SPECIAL.length)];
                    }
                }
                vectors.add(s);
            }
            Object rows = Fuzz.call("case " + seed, () -> r.nextBoolean() ? TOKENS.predictTokens(tokens)
                    : VECTORS.predictVectors(vectors));
            if (rows instanceof float[][] out) {
                assertTrue(out.length == n, "case " + seed);
            }
        }
    }

    @Test
    void optimizersAndLayersWithGeneratedHyperparameters() {
        SplittableRandom random = new SplittableRandom(5);
        for (int c = 0; c < cases(); c++) {
            long seed = random.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            double a = SPECIAL[r.nextInt(SPECIAL.length)];
            double b = SPECIAL[r.nextInt(SPECIAL.length)];
            double d = SPECIAL[r.nextInt(SPECIAL.length)];
            double e = SPECIAL[r.nextInt(SPECIAL.length)];
            int size = new int[] {-1, 0, 1, 2, Integer.MAX_VALUE}[r.nextInt(5)];
            Object made = Fuzz.call("case " + seed, () -> switch (r.nextInt(6)) {
                case 0 -> new Adam(a, b, d, e, a);
                case 1 -> new Sgd(a, b, d, r.nextBoolean(), e);
                case 2 -> new RmsProp(a, b, d, e);
                case 3 -> new Adagrad(a, b, d, e);
                case 4 -> Dense.builder(size, 1 + r.nextInt(3)).build();
                default -> Lstm.builder(1 + r.nextInt(3), size).build();
            });
            if (made instanceof org.rnn4j.api.Optimizer optimizer) {
                // an optimizer that was built steps a model with finite results
                SequenceModel m = SequenceModel.builder().recurrent(Lstm.builder(2, 2).build())
                        .outputMode(SequenceModel.OutputMode.LAST_STEP).seed(1).build();
                optimizer.initialise(m.parameters());
                m.computeGradients(Nd4j.rand(DataType.FLOAT, 3, 2, 2), Nd4j.rand(DataType.FLOAT, 2, 2),
                        new MeanSquaredError());
                Object stepped = Fuzz.call("case " + seed + " step", () -> {
                    optimizer.step(m.parameters(), m.gradients());
                    return m.parameters().flat();
                });
                if (stepped instanceof INDArray p) {
                    assertTrue(!p.isNaN().any(), "case " + seed + ": NaN parameters after a step of " + optimizer);
                }
            }
        }
    }

    private static int[] lengths(SplittableRandom r, INDArray input) {
        long batch = input.rank() > 1 ? input.size(1) : 1;
        long steps = input.rank() > 0 ? input.size(0) : 1;
        int n = r.nextInt(8) == 0 ? r.nextInt(4) : (int) batch;
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = r.nextInt(8) == 0 ? r.nextInt(-1, (int) steps + 3) : 1 + r.nextInt((int) Math.max(1, steps));
        }
        return lengths;
    }

    @Test
    void theGeneratorsAreDeterministic() {
        assertArrayEquals(Fuzz.array(new SplittableRandom(9), false).shape(), Fuzz.array(new SplittableRandom(9), false).shape());
    }
}
