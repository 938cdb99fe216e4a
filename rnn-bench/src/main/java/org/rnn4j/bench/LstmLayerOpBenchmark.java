package org.rnn4j.bench;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.rnn4j.nd4j.model.SequenceModel;

/**
 * ND4J's own native {@code lstmLayer} op (libnd4j's fused LSTM; with a oneDNN build of nd4j-native, the bench's
 * {@code -Ponednn} profile, it runs on oneDNN) doing the inference work of {@link RecurrentBenchmark#infer}: the LSTM forward pass over the whole batch
 * and the dense head on the last step, with the weights of the rnn4j model of the same workload (checked at set-up:
 * the op's last hidden state must equal rnn4j's). The op is built through {@code DynamicCustomOp.builder} because
 * {@code new LSTMLayer(...)} refuses null optional inputs in 1.0.0-M2.1; its outputs are allocated once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LstmLayerOpBenchmark {
    @Param({"A", "B"})
    public String config;

    @Param({"1", "2"})
    public int threads;

    private DynamicCustomOp op;
    private INDArray lastHidden;
    private INDArray headWeights;
    private INDArray headBias;
    private INDArray predictions;

    @Setup
    public void setup() {
        Runners.threads(threads);
        if (threads > 0) { // 0: the defaults, as for the other side
            // the op's own threads (and oneDNN's) are OpenMP's, which rnn4j's Backend keeps at one: give it the same
            // number as the other side gets (each JMH fork is its own JVM)
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        }
        Workload w = Workload.named(config);
        SequenceModel model = new Rnn4jRunner("lstm", w).model();
        INDArray x = Nd4j.rand(DataType.FLOAT, w.steps(), w.batch(), w.input());
        // libnd4j's layout: x·Wx + h·Wr + b with Wx [I, 4H], Wr [H, 4H], gates i f g o (PyTorch's, transposed)
        INDArray wx = model.parameters().get("rnn.weight_ih").transpose().dup('c');
        INDArray wr = model.parameters().get("rnn.weight_hh").transpose().dup('c');
        INDArray b = model.parameters().get("rnn.bias_ih").add(model.parameters().get("rnn.bias_hh"));
        headWeights = model.parameters().get("head.weight").transpose().dup('c');
        headBias = model.parameters().get("head.bias").reshape(1, 1).dup('c');
        INDArray sequence = Nd4j.create(DataType.FLOAT, w.steps(), w.batch(), w.hidden());
        lastHidden = Nd4j.create(DataType.FLOAT, w.batch(), w.hidden());
        INDArray lastCell = Nd4j.create(DataType.FLOAT, w.batch(), w.hidden());
        predictions = Nd4j.create(DataType.FLOAT, w.batch(), 1);
        op = lstmLayer(x, wx, wr, b, sequence, lastHidden, lastCell);
        infer();
        INDArray expected = model.recurrent().forward(x, null, null, false).finalState().hidden();
        double difference = lastHidden.sub(expected).amaxNumber().doubleValue();
        if (difference > 1e-4) {
            throw new IllegalStateException("ND4J's lstmLayer op and rnn4j disagree by " + difference
                    + ": the benchmark would not compare the same work");
        }
    }

    /**
     * The op on {@code x} ({@code [T, B, I]}) with {@code Wx} {@code [I, 4H]}, {@code Wr} {@code [H, 4H]} and bias
     * {@code [4H]}, no initial state, writing every step's {@code h}, the last {@code h} and the last {@code c}.
     */
    static DynamicCustomOp lstmLayer(INDArray x, INDArray wx, INDArray wr, INDArray bias, INDArray sequence,
                                     INDArray lastHidden, INDArray lastCell) {
        return DynamicCustomOp.builder("lstmLayer")
                .addInputs(x, wx, wr, bias)
                .addIntegerArguments(LSTMDataFormat.TNS.ordinal(), LSTMDirectionMode.FWD.ordinal(),
                        LSTMActivations.SIGMOID.ordinal(), LSTMActivations.TANH.ordinal(),
                        LSTMActivations.TANH.ordinal()) // gate, output, cell activations
                .addFloatingPointArguments(0.0) // no cell clipping
                // bias, sequence lengths, initial h, initial c, peepholes, full sequence, last h, last c
                .addBooleanArguments(true, false, false, false, false, true, true, true)
                .addOutputs(sequence, lastHidden, lastCell)
                .build();
    }

    @Benchmark
    public Object infer() {
        Nd4j.exec(op);
        Nd4j.gemm(lastHidden, headWeights, predictions, false, false, 1.0, 0.0);
        return predictions.addi(headBias);
    }
}
