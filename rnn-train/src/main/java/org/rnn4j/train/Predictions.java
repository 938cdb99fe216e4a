package org.rnn4j.train;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Model;
import org.rnn4j.train.data.Batch;
import org.rnn4j.train.data.SequenceDataset;

/** A model's predictions for a whole dataset next to its targets, both in dataset order. */
public record Predictions(INDArray predictions, INDArray targets) {
    /** Inference in batches of {@code batchSize} (no dropout, no gradients). */
    public static Predictions of(Model model, SequenceDataset data, int batchSize) {
        Checks.notNull(model, "model");
        Checks.notNull(data, "data");
        Checks.positive(batchSize, "batchSize");
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot predict an empty dataset");
        }
        List<INDArray> predictions = new ArrayList<>();
        List<INDArray> targets = new ArrayList<>();
        for (int from = 0; from < data.size(); from += batchSize) {
            int[] indices = new int[Math.min(batchSize, data.size() - from)];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = from + i;
            }
            Batch batch = data.batch(indices, model.dataType());
            predictions.add(model.predict(batch.input(), batch.lengths()));
            targets.add(batch.targets());
        }
        return new Predictions(concat(predictions), concat(targets));
    }

    private static INDArray concat(List<INDArray> parts) {
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }
}
