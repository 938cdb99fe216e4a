package org.rnn4j.serve;

import org.rnn4j.api.Checks;
import org.rnn4j.nd4j.model.SequenceInputs;
import org.rnn4j.nd4j.model.SequenceModel;

/** What both predictors check of a model and of each request before accepting it. */
final class SequenceRequests {
    private SequenceRequests() {
    }

    static SequenceModel checkModel(SequenceModel model) {
        Checks.notNull(model, "model");
        if (model.outputMode() == SequenceModel.OutputMode.ALL_STEPS) {
            throw new IllegalArgumentException("model must give one row of predictions per sequence "
                    + "(OutputMode.LAST_STEP or FINAL_HIDDEN) but predicts every step (OutputMode.ALL_STEPS)");
        }
        return model;
    }

    static float[][] checkVectors(SequenceModel model, float[][] sequence) {
        if (model.embedding() != null) {
            throw new IllegalStateException("this model takes token ids (it has an embedding): use predict(int[])");
        }
        return SequenceInputs.checkVectors(sequence, Math.toIntExact(model.recurrent().inputSize()), "sequence");
    }

    static int[] checkTokens(SequenceModel model, int[] tokens) {
        if (model.embedding() == null) {
            throw new IllegalStateException("this model takes feature vectors (it has no embedding): use "
                    + "predict(float[][])");
        }
        return SequenceInputs.checkTokens(tokens, model.embedding().spec().vocabularySize(), "tokens");
    }
}
