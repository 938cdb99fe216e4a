package org.rnn4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Loss;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.nd4j.stream.RecurrentStream;

/** rnn4j: a fused LSTM, GRU or RNN layer, its last step into a dense layer, MSE, Adam. */
final class Rnn4jRunner implements Runner {
    private final SequenceModel model;
    private final Adam adam = new Adam(1e-3);
    private final Loss loss = new MeanSquaredError();
    private final INDArray x;
    private final INDArray y;
    private final INDArray stepInput;
    private final RecurrentStream stream;
    private final INDArray stepOutput;
    private final int gates;

    Rnn4jRunner(String cell, Workload w) {
        RecurrentCellSpec spec = switch (cell) {
            case "lstm" -> Lstm.builder(w.input(), w.hidden()).build();
            case "gru" -> Gru.builder(w.input(), w.hidden()).build();
            case "rnn" -> VanillaRnn.builder(w.input(), w.hidden()).build();
            default -> throw new IllegalArgumentException(cell);
        };
        gates = spec.gates();
        model = SequenceModel.builder().recurrent(spec).head(Dense.builder(w.hidden(), 1).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP).dataType(DataType.FLOAT).seed(1).build();
        adam.initialise(model.parameters());
        Nd4j.getRandom().setSeed(1);
        x = Nd4j.rand(DataType.FLOAT, w.steps(), w.batch(), w.input());
        y = Nd4j.rand(DataType.FLOAT, w.batch(), 1);
        stepInput = Nd4j.rand(DataType.FLOAT, w.batch(), w.input());
        stream = new RecurrentStream(model.recurrent(), null, w.batch());
        stepOutput = Nd4j.create(DataType.FLOAT, w.batch(), w.hidden());
    }

    @Override
    public Object train() {
        double value = model.computeGradients(x, y, loss);
        adam.step(model.parameters(), model.gradients());
        return value;
    }

    @Override
    public Object infer() {
        return model.predict(x);
    }

    @Override
    public Object step() {
        return stream.step(stepInput);
    }

    /** {@link #step} into a row allocated once ({@code RecurrentStream.step(x, out)}). */
    Object stepInto() {
        return stream.step(stepInput, stepOutput);
    }

    /** The model this runner trains and runs (other benchmarks copy its weights). */
    SequenceModel model() {
        return model;
    }

    @Override
    public int gates() {
        return gates;
    }
}
