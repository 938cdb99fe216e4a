package org.rnn4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.io.ModelConfigJson;
import org.rnn4j.nd4j.layer.DropoutFrame;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.train.data.Batch;
import org.rnn4j.train.data.SequenceDataset;

/**
 * What one step asks of each partition (serialized to the executors): the model's configuration, the batch's global
 * indices, its longest sequence, the pass number that keys the dropout masks, and the broadcast parameters.
 */
final class ShareComputation implements Serializable {
    /** One model per executor thread and configuration: built once, its parameters set at every step. */
    private static final ThreadLocal<Map<String, SequenceModel>> MODELS = ThreadLocal.withInitial(HashMap::new);

    private final String configuration;
    private final int[] indices;
    private final int steps;
    private final long pass;
    private final int paddingId;
    private final int classes;
    private final LossFactory loss;
    private final Broadcast<Object> parameters;

    ShareComputation(String configuration, int[] indices, int steps, long pass, int paddingId, int classes,
                     LossFactory loss, Broadcast<Object> parameters) {
        this.configuration = configuration;
        this.indices = indices;
        this.steps = steps;
        this.pass = pass;
        this.paddingId = paddingId;
        this.classes = classes;
        this.loss = loss;
        this.parameters = parameters;
    }

    Iterator<Share> compute(int partition, Iterator<ExampleBlock> blocks) {
        long start = System.nanoTime();
        ExampleBlock block = blocks.next();
        List<int[]> tokens = new ArrayList<>();
        List<float[][]> vectors = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < indices.length; row++) { // in batch order, as one machine's batch holds them
            long local = indices[row] - block.first();
            if (local >= 0 && local < block.examples().length) {
                SparkExample e = block.examples()[(int) local];
                if (e.tokens() != null) {
                    tokens.add(e.tokens());
                } else {
                    vectors.add(e.vectors());
                }
                targets.add(e.target());
                rows.add(row);
            }
        }
        if (rows.isEmpty()) {
            return List.of(new Share(partition, 0, 0, null, (System.nanoTime() - start) / 1e9)).iterator();
        }
        float[][] t = targets.toArray(new float[0][]);
        SequenceDataset share = tokens.isEmpty() ? SequenceDataset.ofVectors(vectors, t)
                : SequenceDataset.ofTokens(tokens, t, paddingId);
        if (classes > 0) {
            share = share.targetsAsIndices(classes);
        }
        SequenceModel model = model();
        model.parameters().flat().assign(parameters.value() instanceof float[] f ? Nd4j.createFromArray(f)
                : Nd4j.createFromArray((double[]) parameters.value()));
        model.setTrainingPasses(pass);
        int[] all = new int[rows.size()];
        int[] frameRows = new int[rows.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
            frameRows[i] = rows.get(i);
        }
        Batch batch = share.batch(all, model.dataType());
        double mean = model.computeGradients(batch.input(), batch.lengths(), batch.targets(), loss.get(),
                new DropoutFrame(steps, indices.length, frameRows));
        Object gradient;
        if (model.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT) {
            float[] g = model.gradients().flat().toFloatVector();
            for (int i = 0; i < g.length; i++) {
                g[i] *= all.length;
            }
            gradient = g;
        } else {
            double[] g = model.gradients().flat().toDoubleVector();
            for (int i = 0; i < g.length; i++) {
                g[i] *= all.length;
            }
            gradient = g;
        }
        return List.of(new Share(partition, all.length, mean * all.length, gradient,
                (System.nanoTime() - start) / 1e9)).iterator();
    }

    private SequenceModel model() {
        return MODELS.get().computeIfAbsent(configuration, json -> {
            try {
                return SequenceModel.builder(ModelConfigJson.read(new ObjectMapper().readTree(json))).build();
            } catch (IOException e) {
                throw new UncheckedIOException("the model's configuration did not read back: " + e.getMessage(), e);
            }
        });
    }
}
