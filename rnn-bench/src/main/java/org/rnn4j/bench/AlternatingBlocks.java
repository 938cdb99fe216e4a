package org.rnn4j.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Two kinds of pass timed in alternating blocks in one JVM: on a shared machine whose speed drifts by tens of
 * percent within minutes, blocks a second apart see the same machine, where separate JMH forks do not. After one
 * untimed round, each round times a block of each side (side {@code b} first in even rounds) and prints both blocks'
 * medians and their ratio {@code b / a}. The mains that use it take {@code CONFIG THREADS PASSES_PER_BLOCK ROUNDS}.
 */
final class AlternatingBlocks {
    /** The mains' arguments. */
    record Settings(String config, int threads, int passes, int rounds) {
        static Settings parse(String main, String[] args) {
            if (args.length != 4) {
                throw new IllegalArgumentException("usage: " + main + " CONFIG THREADS PASSES_PER_BLOCK ROUNDS, got "
                        + Arrays.toString(args));
            }
            Settings s = new Settings(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]));
            if (s.threads < 1 || s.passes < 1 || s.rounds < 1) {
                throw new IllegalArgumentException("THREADS, PASSES_PER_BLOCK and ROUNDS must be at least 1, got "
                        + Arrays.toString(args));
            }
            return s;
        }
    }

    /** Per round: the medians (ms) of side a's and side b's blocks, and {@code b / a}. */
    record Rounds(double[] a, double[] b, double[] ratios) {
        /** The summary: each side's median over rounds, the median of the ratios and their range. */
        String summary(String nameA, String nameB) {
            return String.format(Locale.ROOT, "%s_ms=%.3f %s_ms=%.3f %s_over_%s=%.3f (median of the rounds' ratios; "
                            + "range %.3f-%.3f)", nameA, PlainLoop.medianOf(a), nameB, PlainLoop.medianOf(b), nameB,
                    nameA, PlainLoop.medianOf(ratios), Arrays.stream(ratios).min().orElseThrow(),
                    Arrays.stream(ratios).max().orElseThrow());
        }
    }

    private AlternatingBlocks() {
    }

    /** Times {@code a} and {@code b} as the class says; a pass that returns null is refused (nothing was computed). */
    static Rounds time(String nameA, Supplier<?> a, String nameB, Supplier<?> b, Settings settings) {
        int rounds = settings.rounds();
        Rounds result = new Rounds(new double[rounds], new double[rounds], new double[rounds]);
        for (int round = -1; round < rounds; round++) {
            boolean bFirst = round % 2 == 0;
            double[] aMs = new double[settings.passes()];
            double[] bMs = new double[settings.passes()];
            for (int block = 0; block < 2; block++) {
                boolean runB = (block == 0) == bFirst;
                block(runB ? b : a, runB ? bMs : aMs);
            }
            if (round < 0) {
                continue; // warm-up
            }
            result.a[round] = PlainLoop.medianOf(aMs);
            result.b[round] = PlainLoop.medianOf(bMs);
            result.ratios[round] = result.b[round] / result.a[round];
            System.out.printf(Locale.ROOT, "round %d: %s %.3f ms, %s %.3f ms, %s/%s %.3f%n", round + 1, nameA,
                    result.a[round], nameB, result.b[round], nameB, nameA, result.ratios[round]);
        }
        return result;
    }

    private static void block(Supplier<?> pass, double[] ms) {
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            if (pass.get() == null) {
                throw new IllegalStateException("a pass returned nothing");
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
    }
}
