package org.rnn4j.examples.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.examples.DemoVersion;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.engine.FusedRecurrentLayer;
import org.rnn4j.nd4j.internal.HostReport;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.SequenceModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code doctor}: what this host gives rnn4j (the native build and the builds that suit the CPU, OpenBLAS's core,
 * the vector width, the threads) and a short measurement of an LSTM's training and inference steps against the
 * host's matrix-product roof.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "Says what this host gives rnn4j (native build, better builds for this CPU, BLAS core, vector "
                + "width, threads) and measures an LSTM step against the matrix-product roof (about 10 s).")
public final class DoctorCommand implements Callable<Integer> {
    /** Config A of the benchmarks: input 64, hidden 256, 50 steps, batch 32. */
    static final int INPUT = 64;
    static final int HIDDEN = 256;
    static final int STEPS = 50;
    static final int BATCH = 32;

    @Option(names = "--seconds", defaultValue = "10", description = "time for the measurements (default: "
            + "${DEFAULT-VALUE})")
    double seconds;

    /** One measurement: milliseconds per run (median) and the GFLOP/s it implies. */
    record Timing(double milliseconds, double gflops) {
    }

    @Override
    public Integer call() {
        if (!(seconds > 0 && seconds <= 600)) {
            throw new IllegalArgumentException("--seconds must be in (0, 600] but is " + seconds);
        }
        HostReport.Summary s = HostReport.summary();
        String platform = s.nativeBuild().contains(" ") ? s.nativeBuild().substring(s.nativeBuild().indexOf(' ') + 1)
                : "linux-x86_64";
        String base = platform.replaceAll("-(onednn-)?avx(2|512)$|-onednn$", "");
        List<String> builds = HostReport.suitedBuilds(base, HostReport.Cpu.ofThisHost());
        System.out.println("rnn4j doctor: what this host gives rnn4j");
        System.out.printf("  CPU            %s%n", s.cpu());
        System.out.printf("  threads        up to %d per pass on %d cores; OMP_NUM_THREADS=%s%s%n", s.threads(),
                s.cores(), s.ompThreads(), s.ompThreads() == null ? " (unset: set it to 1, or OpenMP oversubscribes "
                        + "small machines; rnn4j sets ND4J's own to 1 where it can)" : "");
        System.out.printf("  native build   %s%n", s.nativeBuild());
        System.out.printf("  builds for it  %s%n", String.join(", ", builds));
        if (!builds.get(0).equals(platform)) {
            System.out.printf("                 e.g. <classifier>%s</classifier> on nd4j-native 1.0.0-M2.1 (both the "
                    + "plain and the classified artifact); rnn4j's own kernels run on OpenBLAS and Java vectors in "
                    + "every build, the specific builds speed ND4J's own ops and the oneDNN ones its lstmLayer op%n",
                    builds.get(0));
        }
        System.out.printf("  BLAS core      %s%n", s.blasCore());
        s.blasWarning().ifPresent(w -> System.out.printf("  WARNING        %s%n", w));
        System.out.printf("  Java vectors   %s%n", s.vectorBits() == 0
                ? "off: start the JVM with --add-modules jdk.incubator.vector for rnn4j's fastest kernels"
                : s.vectorBits() + "-bit (hardware " + s.hardwareBits() + "), packed product kernel "
                        + (s.productKernel() ? "on" : "off"));
        System.out.printf("  LSTM inference %s%n", FusedRecurrentLayer.lstmInferenceOnLayerOp()
                ? "ND4J's lstmLayer op for batches without padding (oneDNN on this build), rnn4j's kernels for padded "
                        + "ones (rnn4j.lstmLayerOp)"
                : "rnn4j's kernels (ND4J's lstmLayer op runs instead on the onednn-avx512 build, where it is "
                        + "faster; rnn4j.lstmLayerOp)");
        System.out.printf("measuring for about %.0f s (config A: LSTM input %d, hidden %d, %d steps, batch %d, "
                + "float32)...%n", seconds, INPUT, HIDDEN, STEPS, BATCH);
        Timing roof = gemm(seconds * 0.3);
        Timing inference = lstm(false, seconds * 0.3);
        Timing training = lstm(true, seconds * 0.4);
        System.out.printf("  matrix product [%d x %d] x [%d x %d]: %.1f GFLOP/s (the roof)%n", STEPS * BATCH,
                INPUT + HIDDEN, INPUT + HIDDEN, 4 * HIDDEN, roof.gflops());
        System.out.printf("  LSTM training step   %.1f ms, %.1f GFLOP/s: %.0f%% of the roof%n",
                training.milliseconds(), training.gflops(), 100 * training.gflops() / roof.gflops());
        System.out.printf("  LSTM inference pass  %.1f ms, %.1f GFLOP/s: %.0f%% of the roof%n",
                inference.milliseconds(), inference.gflops(), 100 * inference.gflops() / roof.gflops());
        return 0;
    }

    /** The gate products of a whole sequence at once: what bounds an LSTM's speed from above. */
    static Timing gemm(double seconds) {
        INDArray a = Nd4j.rand(DataType.FLOAT, STEPS * BATCH, INPUT + HIDDEN);
        INDArray b = Nd4j.rand(DataType.FLOAT, INPUT + HIDDEN, 4 * HIDDEN);
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {STEPS * BATCH, 4 * HIDDEN}, 'c');
        double flop = 2.0 * STEPS * BATCH * (INPUT + HIDDEN) * 4 * HIDDEN;
        return time(seconds, flop, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
    }

    /** A training step (forward and backward: three times the forward's products) or an inference pass. */
    static Timing lstm(boolean training, double seconds) {
        SequenceModel model = SequenceModel.builder().recurrent(Lstm.builder(INPUT, HIDDEN).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP).head(Dense.builder(HIDDEN, 1).build()).seed(1)
                .build();
        INDArray x = Nd4j.rand(DataType.FLOAT, STEPS, BATCH, INPUT);
        INDArray y = Nd4j.rand(DataType.FLOAT, BATCH, 1);
        MeanSquaredError loss = new MeanSquaredError();
        double forward = 2.0 * STEPS * BATCH * (INPUT + HIDDEN) * 4 * HIDDEN;
        return training ? time(seconds, 3 * forward, () -> model.computeGradients(x, y, loss))
                : time(seconds, forward, () -> model.predict(x));
    }

    /** Runs {@code work} for about {@code seconds} after a warm-up; the median run. */
    static Timing time(double seconds, double flop, Runnable work) {
        for (int i = 0; i < 3; i++) {
            work.run();
        }
        List<Double> runs = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || runs.size() < 3) {
            long t = System.nanoTime();
            work.run();
            runs.add((System.nanoTime() - t) / 1e6);
        }
        double[] sorted = runs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted[sorted.length / 2];
        return new Timing(median, flop / (median * 1e6));
    }
}
