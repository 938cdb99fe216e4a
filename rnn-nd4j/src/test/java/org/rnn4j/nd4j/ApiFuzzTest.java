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
 * never a raw ND4J or JDK message), leaving the parameters as they were when it throws. A failure names the case's
 * seed. {@value #DEFAULT_CASES} cases per test; {@code -Drnn4j.fuzz.cases=N} runs more.
 */
class ApiFuzzTest {
    static final int DEFAULT_CASES = 400;
    private static final double[] SPECIAL = {0, -0.0, 1, -1, 1e-300, 1e300, Double.MAX_VALUE, Double.MIN_VALUE,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.5, 0.999999, 1.000001, 2, -2, 1e-8};

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
            INDArray input = array(r, model.embedding() != null);
            int[] lengths = r.nextInt(3) == 0 ? null : lengths(r, input);
            INDArray before = model.parameters().flat().dup();
            boolean train = r.nextInt(3) == 0;
            INDArray targets = train ? array(r, false) : null;
            Object out = call("case " + seed, () -> train
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
            Object rows = call("case " + seed, () -> r.nextBoolean() ? TOKENS.predictTokens(tokens)
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
            Object made = call("case " + seed, () -> switch (r.nextInt(6)) {
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
                Object stepped = call("case " + seed + " step", () -> {
                    optimizer.step(m.parameters(), m.gradients());
                    return m.parameters().flat();
                });
                if (stepped instanceof INDArray p) {
                    assertTrue(!p.isNaN().any(), "case " + seed + ": NaN parameters after a step of " + optimizer);
                }
            }
        }
    }

    /**
     * The call's result, or null when it threw rnn4j's own IllegalArgumentException or IllegalStateException; any
     * other outcome fails naming the case.
     */
    private static Object call(String what, Supplier<Object> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            StackTraceElement top = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
            if (top == null || !top.getClassName().startsWith("org.rnn4j")) {
                fail(what + ": a raw message from " + top + ": " + e, e);
            }
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what + ": no message");
            return null;
        } catch (RuntimeException | Error e) {
            fail(what + ": not rnn4j's IllegalArgumentException or IllegalStateException but " + e, e);
            return null;
        }
    }

    /** An array of rank 0-4, sizes 0-5 (1-4 mostly), of a random data type, with special values at random. */
    private static INDArray array(SplittableRandom r, boolean ids) {
        int rank = r.nextInt(10) == 0 ? r.nextInt(5) : (ids ? 2 : 3);
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = r.nextInt(12) == 0 ? r.nextInt(6) : 1 + r.nextInt(4);
        }
        if (!ids && rank == 3 && r.nextInt(4) != 0) {
            shape[2] = 3;
        }
        DataType type = switch (r.nextInt(8)) {
            case 0 -> DataType.DOUBLE;
            case 1 -> DataType.INT;
            default -> DataType.FLOAT;
        };
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            double v = ids ? r.nextInt(-1, 11) : r.nextDouble(-2, 2);
            if (r.nextInt(30) == 0) {
                v = SPECIAL[r.nextInt(SPECIAL.length)];
            }
            a.putScalar(i, v);
        }
        return type == DataType.INT ? a.castTo(DataType.INT) : a.castTo(type);
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
        assertArrayEquals(array(new SplittableRandom(9), false).shape(), array(new SplittableRandom(9), false).shape());
    }
}
