package org.rnn4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Training iterations and inference passes over configurations A and B, rnn4j beside DL4J. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RecurrentBenchmark {
    @Param({"A", "B"})
    public String config;

    @Param({"rnn4j-lstm", "dl4j-lstm", "rnn4j-gru", "rnn4j-rnn", "dl4j-rnn"})
    public String impl;

    /** 0 = ND4J's defaults. */
    @Param({"1", "2"})
    public int threads;

    private Runner runner;

    @Setup
    public void setup() {
        Runners.threads(threads);
        runner = Runners.create(impl, Workload.named(config));
    }

    @Benchmark
    public Object train() {
        return runner.train();
    }

    @Benchmark
    public Object infer() {
        return runner.infer();
    }
}
