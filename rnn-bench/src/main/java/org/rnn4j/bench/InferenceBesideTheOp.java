package org.rnn4j.bench;

import java.util.Locale;

/**
 * rnn4j's LSTM inference and ND4J's bare {@code lstmLayer} op ({@link LstmLayerOpBenchmark}, the same work) in
 * alternating blocks of passes in one JVM ({@link AlternatingBlocks}): each round's medians and their ratio, then the
 * median over rounds of each. Usage: {@code InferenceBesideTheOp CONFIG THREADS PASSES_PER_BLOCK ROUNDS}, e.g.
 * {@code mvn -q -pl rnn-bench -Ponednn exec:exec -Dbench.main=org.rnn4j.bench.InferenceBesideTheOp
 * -Dbench.args="A 2 200 12"}.
 */
public final class InferenceBesideTheOp {
    private InferenceBesideTheOp() {
    }

    public static void main(String[] args) {
        AlternatingBlocks.Settings settings = AlternatingBlocks.Settings.parse("InferenceBesideTheOp", args);
        LstmLayerOpBenchmark op = new LstmLayerOpBenchmark();
        op.config = settings.config();
        op.threads = settings.threads();
        op.setup(); // Runners.threads(threads) for both sides, and the op's OpenMP threads; checks the op's result
        Runner rnn4j = Runners.create("rnn4j-lstm", Workload.named(op.config));
        AlternatingBlocks.Rounds rounds = AlternatingBlocks.time("rnn4j", rnn4j::infer, "op", op::infer, settings);
        System.out.printf(Locale.ROOT, "config %s, %d threads, %d rounds of %d passes: %s%n", op.config, op.threads,
                settings.rounds(), settings.passes(), rounds.summary("rnn4j", "op"));
    }
}
