package org.rnn4j.bench;


import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One streaming step of batch 1 (input 64, hidden 256) with the state carried, as a service calls it (with
 * {@code rnn4j-lstm-into}, into a row the caller allocated once: {@code RecurrentStream.step(x, out)}); and, as
 * {@code matvec-lstm}, only the two matrix-vector products an LSTM step needs ({@code [1, 64] × [64, 1024]} and
 * {@code [1, 256] × [256, 1024]}, bare {@code Nd4j.gemm} calls into a preallocated row): the floor a step is
 * compared with.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StreamingBenchmark {
    @Param({"rnn4j-lstm", "rnn4j-lstm-into", "dl4j-lstm", "rnn4j-gru", "rnn4j-rnn", "dl4j-rnn", "matvec-lstm"})
    public String impl;

    @Param({"1"})
    public int threads;

    private Runner runner;
    private boolean into;
    private INDArray x;
    private INDArray h;
    private INDArray inputWeights;
    private INDArray recurrentWeights;
    private INDArray gates;

    @Setup
    public void setup() {
        Runners.threads(threads);
        Workload w = Workload.STREAM;
        if (impl.startsWith("matvec")) {
            x = Nd4j.rand(DataType.FLOAT, 1, w.input());
            h = Nd4j.rand(DataType.FLOAT, 1, w.hidden());
            inputWeights = Nd4j.rand(DataType.FLOAT, 4L * w.hidden(), w.input());
            recurrentWeights = Nd4j.rand(DataType.FLOAT, 4L * w.hidden(), w.hidden());
            gates = Nd4j.create(DataType.FLOAT, new long[] {1, 4L * w.hidden()}, 'c');
        } else {
            into = impl.endsWith("-into");
            runner = Runners.create(into ? impl.substring(0, impl.length() - "-into".length()) : impl, w);
        }
    }

    @Benchmark
    public Object step() {
        if (runner == null) {
            Nd4j.gemm(x, inputWeights, gates, false, true, 1.0, 0.0);
            Nd4j.gemm(h, recurrentWeights, gates, false, true, 1.0, 1.0);
            return gates;
        }
        return into ? ((Rnn4jRunner) runner).stepInto() : runner.step();
    }
}
