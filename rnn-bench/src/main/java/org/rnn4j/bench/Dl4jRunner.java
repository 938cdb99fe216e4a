package org.rnn4j.bench;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Deeplearning4j 1.0.0-M2.1 on the same work: its LSTM (or SimpleRnn; DL4J has no GRU) wrapped in LastTimeStep,
 * a dense output layer under MSE, Adam. DL4J's recurrent layout is {@code [batch, features, time]}.
 */
final class Dl4jRunner implements Runner {
    private final MultiLayerNetwork net;
    private final MultiLayerNetwork streaming;
    private final INDArray x;
    private final INDArray y;
    private final INDArray stepInput;
    private final int gates;

    Dl4jRunner(String cell, Workload w) {
        gates = cell.equals("lstm") ? 4 : 1;
        net = network(cell, w, true);
        streaming = network(cell, w, false);
        Nd4j.getRandom().setSeed(1);
        x = Nd4j.rand(DataType.FLOAT, w.batch(), w.input(), w.steps());
        y = Nd4j.rand(DataType.FLOAT, w.batch(), 1);
        stepInput = Nd4j.rand(DataType.FLOAT, w.batch(), w.input(), 1);
    }

    private static MultiLayerNetwork network(String cell, Workload w, boolean lastStep) {
        org.deeplearning4j.nn.conf.layers.Layer recurrent = switch (cell) {
            case "lstm" -> new LSTM.Builder().nIn(w.input()).nOut(w.hidden()).activation(Activation.TANH).build();
            case "rnn" -> new SimpleRnn.Builder().nIn(w.input()).nOut(w.hidden()).activation(Activation.TANH).build();
            default -> throw new IllegalArgumentException("DL4J has no '" + cell + "' layer");
        };
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.FLOAT).updater(new Adam(1e-3)).list();
        MultiLayerConfiguration conf = lastStep
                ? list.layer(new LastTimeStep(recurrent))
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(w.hidden()).nOut(1)
                                .activation(Activation.IDENTITY).build()).build()
                : list.layer(recurrent).layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder(
                        LossFunctions.LossFunction.MSE).nIn(w.hidden()).nOut(1).activation(Activation.IDENTITY)
                        .build()).build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    @Override
    public Object train() {
        net.fit(x, y);
        return net.score();
    }

    @Override
    public Object infer() {
        return net.output(x);
    }

    @Override
    public Object step() {
        return streaming.rnnTimeStep(stepInput);
    }

    @Override
    public int gates() {
        return gates;
    }
}
