package org.rnn4j.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * rnn4j's LSTM inference and ND4J's bare {@code lstmLayer} op ({@link LstmLayerOpBenchmark}, the same work) in one
 * JVM, in alternating blocks of passes: on a shared machine whose speed drifts by tens of percent within minutes,
 * blocks a second apart see the same machine, where separate JMH forks do not. Each round times a block of each side
 * (the order swaps every round), after one untimed round; it prints each round's medians and their ratio, then the
 * median over rounds of each. Usage: {@code InferenceBesideTheOp CONFIG THREADS PASSES_PER_BLOCK ROUNDS}, e.g.
 * {@code mvn -q -pl rnn-bench -Ponednn exec:exec -Dbench.main=org.rnn4j.bench.InferenceBesideTheOp
 * -Dbench.args="A 2 200 12"}.
 */
public final class InferenceBesideTheOp {
    private InferenceBesideTheOp() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: InferenceBesideTheOp CONFIG THREADS PASSES_PER_BLOCK ROUNDS, "
                    + "got " + Arrays.toString(args));
        }
        LstmLayerOpBenchmark op = new LstmLayerOpBenchmark();
        op.config = args[0];
        op.threads = Integer.parseInt(args[1]);
        int passes = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        if (op.threads < 1 || passes < 1 || rounds < 1) {
            throw new IllegalArgumentException("THREADS, PASSES_PER_BLOCK and ROUNDS must be at least 1, got "
                    + Arrays.toString(args));
        }
        op.setup(); // Runners.threads(threads) for both sides, and the op's OpenMP threads; checks the op's result
        Runner rnn4j = Runners.create("rnn4j-lstm", Workload.named(op.config));
        Object sink = null;
        double[] rnn4jMedians = new double[rounds];
        double[] opMedians = new double[rounds];
        double[] ratios = new double[rounds];
        for (int round = -1; round < rounds; round++) {
            boolean opFirst = round % 2 == 0;
            double[] first = new double[passes];
            double[] second = new double[passes];
            for (int block = 0; block < 2; block++) {
                boolean runOp = (block == 0) == opFirst;
                double[] ms = block == 0 ? first : second;
                for (int i = 0; i < passes; i++) {
                    long start = System.nanoTime();
                    sink = runOp ? op.infer() : rnn4j.infer();
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
            }
            if (round < 0) {
                continue; // warm-up
            }
            opMedians[round] = PlainLoop.medianOf(opFirst ? first : second);
            rnn4jMedians[round] = PlainLoop.medianOf(opFirst ? second : first);
            ratios[round] = opMedians[round] / rnn4jMedians[round];
            System.out.printf(Locale.ROOT, "round %d: rnn4j %.3f ms, op %.3f ms, op/rnn4j %.2f%n", round + 1,
                    rnn4jMedians[round], opMedians[round], ratios[round]);
        }
        if (sink == null) {
            throw new IllegalStateException("the passes returned nothing");
        }
        System.out.printf(Locale.ROOT, "config %s, %d threads, %d rounds of %d passes: rnn4j_ms=%.3f op_ms=%.3f "
                        + "op_over_rnn4j=%.2f (median of the rounds' ratios; range %.2f-%.2f)%n", op.config,
                op.threads, rounds, passes, PlainLoop.medianOf(rnn4jMedians), PlainLoop.medianOf(opMedians),
                PlainLoop.medianOf(ratios), Arrays.stream(ratios).min().orElseThrow(),
                Arrays.stream(ratios).max().orElseThrow());
    }
}
