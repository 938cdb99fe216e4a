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
 * The GEMM roof: the matrix products of one LSTM forward pass as bare {@code Nd4j.gemm} calls on ND4J's fastest
 * path (preallocated c-order results): one {@code [T*B, I] × [I, 4H]} input projection and {@code T} products
 * {@code [B, H] × [H, 4H]}. Its GFLOP/s is the most a kernel built on these calls can reach here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GemmRoofBenchmark {
    @Param({"A", "B"})
    public String config;

    @Param({"1", "2"})
    public int threads;

    private INDArray x;
    private INDArray wih;
    private INDArray whh;
    private INDArray gates;
    private INDArray h;
    private INDArray[] stepGates;

    @Setup
    public void setup() {
        Runners.threads(threads);
        Workload w = Workload.named(config);
        long rows = (long) w.steps() * w.batch();
        x = Nd4j.rand(DataType.FLOAT, rows, w.input());
        wih = Nd4j.rand(DataType.FLOAT, 4L * w.hidden(), w.input());
        whh = Nd4j.rand(DataType.FLOAT, 4L * w.hidden(), w.hidden());
        gates = Nd4j.create(DataType.FLOAT, new long[] {rows, 4L * w.hidden()}, 'c');
        h = Nd4j.rand(DataType.FLOAT, w.batch(), w.hidden());
        stepGates = new INDArray[w.steps()];
        for (int t = 0; t < w.steps(); t++) {
            stepGates[t] = gates.get(org.nd4j.linalg.indexing.NDArrayIndex.interval((long) t * w.batch(),
                    (long) (t + 1) * w.batch()), org.nd4j.linalg.indexing.NDArrayIndex.all());
        }
    }

    @Benchmark
    public Object forwardGemms() {
        Nd4j.gemm(x, wih, gates, false, true, 1.0, 0.0);
        for (INDArray g : stepGates) {
            Nd4j.gemm(h, whh, g, false, true, 1.0, 1.0);
        }
        return gates;
    }
}
