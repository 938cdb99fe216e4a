package org.rnn4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.train.data.SequenceDataset;

/** Small learnable tasks for trainer tests. */
final class Tasks {
    private Tasks() {
    }

    /**
     * Is the sum of a sequence of values in [-1, 1] positive? Lengths 2 to 12: the answer needs every step, so the
     * network must carry a running sum through time; the majority class is about 50%.
     */
    static SequenceDataset signOfSum(int count, long seed) {
        return signOfSum(count, 12, seed);
    }

    static SequenceDataset signOfSum(int count, int maxLength, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<float[][]> sequences = new ArrayList<>();
        float[][] targets = new float[count][];
        for (int i = 0; i < count; i++) {
            float[][] s = new float[2 + random.nextInt(maxLength - 1)][];
            double sum = 0;
            for (int t = 0; t < s.length; t++) {
                float v = (float) (random.nextDouble() * 2 - 1);
                s[t] = new float[] {v};
                sum += v;
            }
            sequences.add(s);
            targets[i] = new float[] {sum > 0 ? 1 : 0};
        }
        return SequenceDataset.ofVectors(sequences, targets);
    }

    static SequenceModel gru(long seed) {
        return SequenceModel.builder().recurrent(Gru.builder(1, 16).build()).head(Dense.builder(16, 1).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP).seed(seed).build();
    }

    /** A model with every source of randomness: stacked dropout and head dropout. */
    static SequenceModel stochastic(long seed) {
        return SequenceModel.builder()
                .recurrent(StackedRnn.builder(Lstm.builder(1, 8).build()).layers(2).dropout(0.2).seed(seed).build())
                .head(Dense.builder(8, 1).build()).headDropout(0.1)
                .outputMode(SequenceModel.OutputMode.LAST_STEP).dataType(DataType.FLOAT).seed(seed).build();
    }
}
