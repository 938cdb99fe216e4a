package org.rnn4j.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Model;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.model.SequenceModel;

/** A model of the user's: only a {@link Model}, handing its work to a {@link SequenceModel} it keeps. */
class DelegatingModel implements Model {
    final SequenceModel inner;

    DelegatingModel(SequenceModel inner) {
        this.inner = inner;
    }

    @Override
    public DataType dataType() {
        return inner.dataType();
    }

    @Override
    public Parameters parameters() {
        return inner.parameters();
    }

    @Override
    public Parameters gradients() {
        return inner.gradients();
    }

    @Override
    public INDArray predict(INDArray input, int[] lengths) {
        return inner.predict(input, lengths);
    }

    @Override
    public double computeGradients(INDArray input, int[] lengths, INDArray targets, Loss loss) {
        return inner.computeGradients(input, lengths, targets, loss);
    }
}
