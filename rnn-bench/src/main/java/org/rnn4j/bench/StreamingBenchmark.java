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

/** One streaming step of batch 1 (input 64, hidden 256) with the state carried, as a service calls it. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StreamingBenchmark {
    @Param({"rnn4j-lstm", "dl4j-lstm", "rnn4j-gru", "rnn4j-rnn", "dl4j-rnn"})
    public String impl;

    @Param({"1"})
    public int threads;

    private Runner runner;

    @Setup
    public void setup() {
        Runners.threads(threads);
        runner = Runners.create(impl, Workload.STREAM);
    }

    @Benchmark
    public Object step() {
        return runner.step();
    }
}
