package org.rnn4j.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * One implementation's training or inference pass in a plain loop, in this JVM: {@code warmup} passes, then
 * {@code passes} timed one by one; prints one line {@code median_ms=... min_ms=... max_ms=...} (and each pass).
 * {@link FreshJvms} starts it in new JVMs; it is also usable alone:
 * {@code java ... org.rnn4j.bench.PlainLoop rnn4j-lstm A infer 30 15}.
 */
public final class PlainLoop {
    private PlainLoop() {
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: PlainLoop IMPL CONFIG train|infer WARMUP PASSES, got "
                    + Arrays.toString(args));
        }
        Runner runner = Runners.create(args[0], Workload.named(args[1]));
        boolean train = switch (args[2]) {
            case "train" -> true;
            case "infer" -> false;
            default -> throw new IllegalArgumentException("mode must be train or infer, got '" + args[2] + "'");
        };
        int warmup = Integer.parseInt(args[3]);
        int passes = Integer.parseInt(args[4]);
        double[] ms = run(runner, train, warmup, passes);
        System.out.println(format(ms));
    }

    static double[] run(Runner runner, boolean train, int warmup, int passes) {
        Object sink = null;
        for (int i = 0; i < warmup; i++) {
            sink = train ? runner.train() : runner.infer();
        }
        double[] ms = new double[passes];
        for (int i = 0; i < passes; i++) {
            long start = System.nanoTime();
            sink = train ? runner.train() : runner.infer();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        if (sink == null) {
            throw new IllegalStateException("the runner returned nothing");
        }
        return ms;
    }

    /** The line {@link FreshJvms} reads. */
    static String format(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        StringBuilder passes = new StringBuilder();
        for (double m : ms) {
            passes.append(passes.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", m));
        }
        return String.format(Locale.ROOT, "median_ms=%.3f min_ms=%.3f max_ms=%.3f passes=%s", median(sorted),
                sorted[0], sorted[sorted.length - 1], passes);
    }

    /** The median of values in any order (left as they are). */
    static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return median(sorted);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
