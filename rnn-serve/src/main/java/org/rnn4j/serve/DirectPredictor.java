package org.rnn4j.serve;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.rnn4j.nd4j.model.SequenceModel;

/** {@link Predictor#direct}: each request is one pass of the model in the calling thread. */
final class DirectPredictor implements Predictor {
    private final SequenceModel model;
    private volatile boolean closed;

    DirectPredictor(SequenceModel model) {
        this.model = SequenceRequests.checkModel(model);
    }

    @Override
    public CompletableFuture<float[]> predict(float[][] sequence) {
        return answer(() -> model.predictVectors(List.<float[][]>of(SequenceRequests.checkVectors(model,
                sequence)))[0]);
    }

    @Override
    public CompletableFuture<float[]> predict(int[] tokens) {
        return answer(() -> model.predictTokens(List.<int[]>of(SequenceRequests.checkTokens(model, tokens)))[0]);
    }

    private CompletableFuture<float[]> answer(Supplier<float[]> pass) {
        if (closed) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("the predictor is closed"));
        }
        try {
            return CompletableFuture.completedFuture(pass.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
