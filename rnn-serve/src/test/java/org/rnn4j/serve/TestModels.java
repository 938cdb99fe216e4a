package org.rnn4j.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;

/** Small models of the two kinds a predictor serves, and random requests for them. */
final class TestModels {
    static final int VOCABULARY = 50;
    static final int FEATURES = 4;

    private TestModels() {
    }

    /** Token ids in: embedding, bidirectional GRU, final hidden states, two logits (the sentiment demo's shape). */
    static SequenceModel tokenClassifier() {
        return SequenceModel.builder()
                .embedding(new Embedding(VOCABULARY, 8, 0))
                .recurrent(StackedRnn.builder(Gru.builder(8, 16).build()).bidirectional(true).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN)
                .head(Dense.builder(32, 2).build())
                .seed(3).build();
    }

    /** Feature vectors in: LSTM, last step, three outputs. */
    static SequenceModel vectorRegressor() {
        return SequenceModel.builder()
                .recurrent(Lstm.builder(FEATURES, 12).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP)
                .head(Dense.builder(12, 3).build())
                .seed(5).build();
    }

    static List<int[]> tokenSequences(int count, int maxLength, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(random.ints(1 + random.nextInt(maxLength), 1, VOCABULARY).toArray());
        }
        return out;
    }

    static List<float[][]> vectorSequences(int count, int maxLength, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<float[][]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[][] s = new float[1 + random.nextInt(maxLength)][FEATURES];
            for (float[] step : s) {
                for (int f = 0; f < FEATURES; f++) {
                    step[f] = (float) random.nextGaussian();
                }
            }
            out.add(s);
        }
        return out;
    }
}
