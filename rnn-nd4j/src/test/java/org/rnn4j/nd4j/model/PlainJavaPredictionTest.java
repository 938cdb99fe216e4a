package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;

/** predictVectors and predictTokens: padding and lengths done inside, each row as the sequence alone gives it. */
class PlainJavaPredictionTest {
    private static final SequenceModel VECTORS = SequenceModel.builder().recurrent(Lstm.builder(3, 8).build())
            .head(Dense.builder(8, 2).build()).outputMode(SequenceModel.OutputMode.LAST_STEP).seed(2).build();
    private static final SequenceModel TOKENS = SequenceModel.builder().embedding(new Embedding(20, 4, 0))
            .recurrent(Gru.builder(4, 6).build()).head(Dense.builder(6, 1).build())
            .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).seed(3).build();

    /** More sequences than one pass takes, of lengths 1 to 9, each compared with a predict of it alone. */
    @Test
    void vectorRowsEqualEachSequenceAlone() {
        SplittableRandom random = new SplittableRandom(4);
        List<float[][]> sequences = new ArrayList<>();
        for (int n = 0; n < SequenceModel.JAVA_BATCH + 44; n++) {
            float[][] s = new float[1 + n % 9][3];
            for (float[] step : s) {
                for (int k = 0; k < 3; k++) {
                    step[k] = (float) random.nextDouble(-1, 1);
                }
            }
            sequences.add(s);
        }
        float[][] rows = VECTORS.predictVectors(sequences);
        assertEquals(sequences.size(), rows.length);
        for (int n = 0; n < sequences.size(); n += 37) {
            float[][] s = sequences.get(n);
            INDArray alone = Nd4j.create(DataType.FLOAT, s.length, 1, 3);
            for (int t = 0; t < s.length; t++) {
                for (int k = 0; k < 3; k++) {
                    alone.putScalar(new long[] {t, 0, k}, s[t][k]);
                }
            }
            assertArrayEquals(VECTORS.predict(alone, null).toFloatVector(), rows[n], 1e-5f, "sequence " + n);
        }
    }

    @Test
    void tokenRowsEqualEachSequenceAlone() {
        List<int[]> sentences = List.of(new int[] {3, 5, 7}, new int[] {1}, new int[] {19, 2, 2, 4, 8});
        float[][] rows = TOKENS.predictTokens(sentences);
        for (int n = 0; n < sentences.size(); n++) {
            int[] ids = sentences.get(n);
            INDArray alone = Nd4j.create(DataType.FLOAT, ids.length, 1);
            for (int t = 0; t < ids.length; t++) {
                alone.putScalar(t, 0, ids[t]);
            }
            assertArrayEquals(TOKENS.predict(alone, null).toFloatVector(), rows[n], 1e-5f, "sentence " + n);
        }
        float[][] p = Probabilities.of(rows);
        assertEquals(1 / (1 + Math.exp(-rows[0][0])), p[0][0], 1e-6);
    }

    /**
     * Batches of growing and shrinking shapes (the layers' per-thread buffers change with each): every row the same
     * bits as {@code predict} of the same padded batch, for the fused engine (LSTM, GRU; one direction and two,
     * stacked) and a vanilla RNN.
     */
    @Test
    void rowsOfPassesOfChangingShapesEqualPredictOfTheSameBatch() {
        List<SequenceModel> models = List.of(VECTORS,
                SequenceModel.builder().recurrent(org.rnn4j.nd4j.layer.StackedRnn.builder(Lstm.builder(3, 8).build())
                        .layers(2).bidirectional(true).build()).head(Dense.builder(16, 2).build())
                        .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).seed(5).build(),
                SequenceModel.builder().recurrent(org.rnn4j.nd4j.cell.VanillaRnn.builder(3, 5).build())
                        .outputMode(SequenceModel.OutputMode.LAST_STEP).seed(6).build(),
                SequenceModel.builder().recurrent(org.rnn4j.nd4j.layer.StackedRnn.builder(Gru.builder(3, 4).build())
                        .bidirectional(true).build()).outputMode(SequenceModel.OutputMode.LAST_STEP).seed(7).build());
        SplittableRandom random = new SplittableRandom(8);
        for (SequenceModel model : models) {
            for (int batch : new int[] {5, 40, 3, SequenceModel.JAVA_BATCH + 30, 17, 1}) {
                List<float[][]> sequences = new ArrayList<>();
                for (int n = 0; n < batch; n++) {
                    float[][] s = new float[1 + random.nextInt(30)][3];
                    for (float[] step : s) {
                        for (int k = 0; k < 3; k++) {
                            step[k] = (float) random.nextDouble(-1, 1);
                        }
                    }
                    sequences.add(s);
                }
                float[][] rows = model.predictVectors(sequences);
                for (int from = 0; from < batch; from += SequenceModel.JAVA_BATCH) {
                    int to = Math.min(batch, from + SequenceModel.JAVA_BATCH);
                    PaddedBatch b = PaddedBatch.ofVectors(sequences, from, to, 3, DataType.FLOAT);
                    INDArray expected = model.predict(b.input(), b.lengths());
                    for (int k = 0; k < to - from; k++) {
                        assertArrayEquals(expected.getRow(k).toFloatVector(), rows[from + k], 0f,
                                model.config().recurrent() + ", batch " + batch + ", row " + (from + k));
                    }
                }
            }
        }
        List<int[]> sentences = List.of(new int[] {3, 5, 7}, new int[] {1}, new int[] {19, 2, 2, 4, 8});
        float[][] first = TOKENS.predictTokens(sentences);
        TOKENS.predictTokens(List.of(new int[40], new int[] {2}));
        assertArrayEquals(first, TOKENS.predictTokens(sentences), "the same bits after a larger pass");
    }

    @Test
    void badInputNamesTheSequenceAndStep() {
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> VECTORS.predictVectors(List.<float[][]>of(new float[2][3], new float[][] {{1, 2, 3}, {4, 5}})));
        assertEquals("sequences[1][1] must have 3 features (the model's input size) but has 2", width.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VECTORS.predictVectors(List.of()));
        assertThrows(IllegalArgumentException.class, () -> VECTORS.predictVectors(List.<float[][]>of(new float[0][3])));
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
                () -> TOKENS.predictTokens(List.<int[]>of(new int[] {1, 2}, new int[] {4, 20})));
        assertEquals("sequences[1][1] must be a token id in [0, 19] but is 20", id.getMessage());
        assertThrows(IllegalStateException.class, () -> TOKENS.predictVectors(List.<float[][]>of(new float[1][4])));
        assertThrows(IllegalStateException.class, () -> VECTORS.predictTokens(List.<int[]>of(new int[] {1})));
        SequenceModel everyStep = SequenceModel.builder().recurrent(Lstm.builder(3, 4).build()).seed(1).build();
        IllegalStateException steps = assertThrows(IllegalStateException.class,
                () -> everyStep.predictVectors(List.<float[][]>of(new float[2][3])));
        assertTrue(steps.getMessage().contains("ALL_STEPS"), steps.getMessage());
    }

    @Test
    void probabilitiesAreSigmoidsOrSoftmaxes() {
        float[][] p = Probabilities.of(new float[][] {{0f}, {1f, 1f, Float.NEGATIVE_INFINITY}, {1000f, 0f}});
        assertArrayEquals(new float[] {0.5f}, p[0]);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f}, p[1], 1e-7f);
        assertArrayEquals(new float[] {1f, 0f}, p[2], 1e-7f);
        assertThrows(IllegalArgumentException.class, () -> Probabilities.of(new float[][] {{}}));
    }
}
