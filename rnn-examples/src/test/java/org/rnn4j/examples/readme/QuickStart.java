package org.rnn4j.examples.readme;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.io.ModelArchive;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;
import org.rnn4j.nd4j.model.Probabilities;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.data.SequenceDataset;

public class QuickStart {
    public static void main(String[] args) throws Exception {
        // 1000 sequences of 2 features and 5 to 30 steps; label 1 when the first feature sums to more than 0
        SplittableRandom random = new SplittableRandom(1);
        List<float[][]> sequences = new ArrayList<>();
        float[][] labels = new float[1000][];
        for (int i = 0; i < labels.length; i++) {
            float[][] steps = new float[5 + random.nextInt(26)][2];
            double sum = 0;
            for (float[] step : steps) {
                step[0] = (float) random.nextGaussian();
                step[1] = (float) random.nextGaussian();
                sum += step[0];
            }
            sequences.add(steps);
            labels[i] = new float[] {sum > 0 ? 1 : 0};
        }
        SequenceDataset data = SequenceDataset.ofVectors(sequences, labels);
        SequenceDataset train = data.subset(IntStream.range(0, 800).toArray());
        SequenceDataset validation = data.subset(IntStream.range(800, 1000).toArray());

        // an LSTM of 32 units; its last step into one logit
        SequenceModel model = SequenceModel.builder()
                .recurrent(Lstm.builder(2, 32).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP)
                .head(Dense.builder(32, 1).build())
                .seed(7)
                .build();
        Trainer.builder(model, new BinaryCrossEntropyWithLogits(), new Adam(0.01))
                .epochs(8)
                .validation(validation, Metrics.binaryAccuracy())
                .build()
                .fit(train);

        // save, load, and predict from plain Java arrays (padding and lengths are done inside)
        Path file = Path.of(args.length > 0 ? args[0] : "quick-start.rnn4j");
        ModelArchive.save(file, model);
        SequenceModel loaded = ModelArchive.load(file);
        float[][] logits = loaded.predictVectors(List.of(
                new float[][] {{1.5f, 0}, {0.5f, 0}, {1, 0}},
                new float[][] {{-2, 0}, {0.5f, 0}}));
        float[][] p = Probabilities.of(logits);
        System.out.printf("P(positive) = %.3f and %.3f%n", p[0][0], p[1][0]);
    }
}
