package org.rnn4j.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.rnn4j.nd4j.internal.HostReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the JMH suite and writes a Markdown table: rnn4j beside DL4J per benchmark, the ratio, GFLOP/s and the share of
 * the GEMM roof measured in the same run. Every number is the median of the measured iterations.
 */
@Command(name = "bench-report", mixinStandardHelpOptions = true,
        description = "Runs rnn4j's benchmarks beside DL4J's and writes a Markdown report.")
public final class BenchReport implements Callable<Integer> {

    @Option(names = "--mode", defaultValue = "short",
            description = "short (about 10 minutes on 2 cores) or full (longer iterations, more of them)")
    String mode;

    @Option(names = "--threads", defaultValue = "1,2", split = ",",
            description = "ND4J thread caps to compare (0 = ND4J's defaults); default: ${DEFAULT-VALUE}")
    String[] threads;

    @Option(names = "--include",
            defaultValue = "RecurrentBenchmark|StreamingBenchmark|GemmRoofBenchmark|LstmLayerOpBenchmark",
            description = "regular expression of benchmarks to run")
    String include;

    @Option(names = "--impl", split = ",", description = "only these implementations of RecurrentBenchmark and "
            + "StreamingBenchmark (rnn4j-lstm, dl4j-lstm, rnn4j-gru, rnn4j-rnn, dl4j-rnn); default: all")
    String[] impls;

    @Option(names = "--config", split = ",", description = "only these configurations (A, B); default: both")
    String[] configs;

    @Option(names = "--output", defaultValue = "target/bench-report.md", description = "the Markdown report")
    Path output;

    @Option(names = "--rounds", defaultValue = "1", description = "run the whole selection this many times in a "
            + "row, so that rnn4j and DL4J alternate, and report the median over rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--fork-arg", description = "a JVM option for the benchmark forks, repeatable, e.g. "
            + "--fork-arg=-Drnn4j.lstmLayerOp=false")
    java.util.List<String> forkArgs = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        boolean full = mode.equals("full");
        if (!full && !mode.equals("short")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--mode must be short or full");
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .forks(1)
                .warmupIterations(4).warmupTime(TimeValue.seconds(full ? 2 : 1))
                .measurementIterations(full ? 8 : 3).measurementTime(TimeValue.seconds(full ? 2 : 1))
                .jvmArgs("-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=8G", "--add-modules", "jdk.incubator.vector")
                .jvmArgsAppend(forkArgs.toArray(String[]::new))
                .param("threads", threads)
                .shouldFailOnError(true);
        if (impls != null) {
            options.param("impl", impls);
        }
        if (configs != null) {
            options.param("config", configs);
        }
        if (rounds < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--rounds must be >= 1");
        }
        Collection<RunResult> results = new java.util.ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            results.addAll(new org.openjdk.jmh.runner.Runner(options.build()).run());
        }
        String report = report(results);
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, report);
        System.out.println(report);
        System.out.println("written to " + output.toAbsolutePath());
        return 0;
    }

    /** Median score per "method|config|impl|threads": of each run's median, over the rounds. */
    static Map<String, Double> medians(Collection<RunResult> results) {
        Map<String, Double> m = new LinkedHashMap<>();
        roundMedians(results).forEach((key, values) -> {
            java.util.List<Double> sorted = new java.util.ArrayList<>(values);
            java.util.Collections.sort(sorted);
            int n = sorted.size();
            m.put(key, n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
        });
        return m;
    }

    /** Each round's median score per "method|config|impl|threads", in the order of the rounds. */
    static Map<String, java.util.List<Double>> roundMedians(Collection<RunResult> results) {
        Map<String, java.util.List<Double>> all = new LinkedHashMap<>();
        for (RunResult r : results) {
            var p = r.getParams();
            String method = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
            String config = p.getParam("config") == null ? "stream" : p.getParam("config");
            String impl = p.getParam("impl") != null ? p.getParam("impl")
                    : p.getBenchmark().contains("LstmLayerOp") ? "lstmlayer-op" : "gemm";
            all.computeIfAbsent(method + "|" + config + "|" + impl + "|" + p.getParam("threads"),
                    k -> new java.util.ArrayList<>()).add(r.getPrimaryResult().getStatistics().getPercentile(50));
        }
        return all;
    }

    private static final Pattern NATIVE_JAR =
            Pattern.compile("nd4j-native-[^-]+-(?:[^-]+-)?((?:linux|macosx|windows)-[\\w-]+)\\.jar");

    /** The classifier of the nd4j-native jar JavaCPP loads: the most specific one on {@code classPath}. */
    static String nativeBuild(String classPath) {
        String best = "unknown";
        for (String entry : classPath.split(File.pathSeparator)) {
            Matcher match = NATIVE_JAR.matcher(Path.of(entry).getFileName().toString());
            if (match.matches() && (best.equals("unknown") || match.group(1).length() > best.length())) {
                best = match.group(1);
            }
        }
        return "`" + best + "`";
    }

    String report(Collection<RunResult> results) {
        Map<String, Double> m = medians(results);
        StringBuilder b = new StringBuilder();
        b.append("# rnn4j vs Deeplearning4j 1.0.0-M2.1 (same ND4J backend)\n\n");
        b.append(String.format(Locale.ROOT, "Run %s, mode %s, %d round(s), %d cores, Java %s, OMP_NUM_THREADS=%s, "
                        + "native build %s, Vector API %s. Medians of the measured JMH iterations (over rounds: the "
                        + "median of the rounds' medians). FLOPs: 2·T·B·(I+H)·gates·H forward, twice that backward.%n%n",
                LocalDateTime.now().withNano(0), mode, rounds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                nativeBuild(System.getProperty("java.class.path")),
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "on" : "off"));
        if (!forkArgs.isEmpty()) {
            b.append("Fork options: `").append(String.join(" ", forkArgs)).append("`.\n\n");
        }
        b.append(String.format(Locale.ROOT, "Host: %s; OPENBLAS_CORETYPE=%s.%n%n", HostReport.summary().cpu(),
                System.getenv().getOrDefault("OPENBLAS_CORETYPE", "unset")));
        for (String method : new String[] {"train", "infer"}) {
            b.append(method.equals("train") ? "## Training iteration (forward, backward, Adam), ms\n\n"
                    : "## Inference (forward), ms\n\n");
            b.append("| config | threads | rnn4j LSTM | DL4J LSTM | DL4J/rnn4j | rnn4j GRU | rnn4j RNN | DL4J SimpleRnn "
                    + "| DL4J/rnn4j (RNN) | rnn4j LSTM GFLOP/s | GEMM roof GFLOP/s | share of roof |\n");
            b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (String config : new String[] {"A", "B"}) {
                for (String t : threads) {
                    Double lstm = m.get(method + "|" + config + "|rnn4j-lstm|" + t);
                    if (lstm == null) {
                        continue;
                    }
                    Double dl4j = m.get(method + "|" + config + "|dl4j-lstm|" + t);
                    Double gru = m.get(method + "|" + config + "|rnn4j-gru|" + t);
                    Double rnn = m.get(method + "|" + config + "|rnn4j-rnn|" + t);
                    Double dl4jRnn = m.get(method + "|" + config + "|dl4j-rnn|" + t);
                    Double roofMs = m.get("forwardGemms|" + config + "|gemm|" + t);
                    Workload w = Workload.named(config);
                    double flops = w.forwardFlops(4) * (method.equals("train") ? 3 : 1);
                    double gflops = flops / (lstm * 1e6);
                    Double roof = roofMs == null ? null : w.forwardFlops(4) / (roofMs * 1e6);
                    b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f | %s | %s |%n",
                            config, t, ms(lstm), ms(dl4j), ratio(dl4j, lstm), ms(gru), ms(rnn), ms(dl4jRnn),
                            ratio(dl4jRnn, rnn), gflops, roof == null ? "-" : String.format(Locale.ROOT, "%.0f", roof),
                            roof == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * gflops / roof)));
                }
            }
            b.append('\n');
            if (method.equals("infer")) {
                lstmLayerOp(b, m, roundMedians(results));
            }
            best(b, m, method);
        }
        b.append("## Streaming: one step, batch 1, input 64, hidden 256, µs\n\n");
        b.append("| threads | rnn4j LSTM | DL4J LSTM | DL4J/rnn4j | rnn4j GRU | rnn4j RNN | DL4J SimpleRnn "
                + "| LSTM matvecs alone | rnn4j LSTM / matvecs | rnn4j LSTM into a row | into a row / matvecs |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String t : new String[] {"1"}) {
            Double lstm = m.get("step|stream|rnn4j-lstm|" + t);
            if (lstm != null) {
                Double dl4j = m.get("step|stream|dl4j-lstm|" + t);
                Double matvec = m.get("step|stream|matvec-lstm|" + t);
                Double into = m.get("step|stream|rnn4j-lstm-into|" + t);
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", t,
                        ms(lstm), ms(dl4j), ratio(dl4j, lstm), ms(m.get("step|stream|rnn4j-gru|" + t)),
                        ms(m.get("step|stream|rnn4j-rnn|" + t)), ms(m.get("step|stream|dl4j-rnn|" + t)), ms(matvec),
                        ratio(lstm, matvec), ms(into), ratio(into, matvec)));
            }
        }
        return b.toString();
    }

    /** ND4J's native lstmLayer op on the same inference work, beside rnn4j's LSTM. */
    private void lstmLayerOp(StringBuilder b, Map<String, Double> m, Map<String, java.util.List<Double>> rounds) {
        boolean any = false;
        for (String config : new String[] {"A", "B"}) {
            for (String t : threads) {
                String opKey = "infer|" + config + "|lstmlayer-op|" + t;
                String lstmKey = "infer|" + config + "|rnn4j-lstm|" + t;
                Double op = m.get(opKey);
                Double lstm = m.get(lstmKey);
                if (op == null) {
                    continue;
                }
                if (!any) {
                    b.append("ND4J's own `lstmLayer` op on the same inference work (this native build), ms; the "
                            + "last two columns list each round's median:\n\n");
                    b.append("| config | threads | rnn4j LSTM | ND4J lstmLayer op | op/rnn4j | rnn4j by round "
                            + "| op by round |\n|---|---|---|---|---|---|---|\n");
                    any = true;
                }
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", config, t, ms(lstm),
                        ms(op), ratio(op, lstm), byRound(rounds.get(lstmKey)), byRound(rounds.get(opKey))));
            }
        }
        if (any) {
            b.append('\n');
        }
    }

    private static String byRound(java.util.List<Double> values) {
        if (values == null) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        for (Double v : values) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return s.toString();
    }

    private void best(StringBuilder b, Map<String, Double> m, String method) {
        if (threads.length < 2) {
            return;
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (String config : new String[] {"A", "B"}) {
            String[] lstm = best(m, method + "|" + config + "|rnn4j-lstm|");
            String[] gru = best(m, method + "|" + config + "|rnn4j-gru|");
            String[] dl4j = best(m, method + "|" + config + "|dl4j-lstm|");
            if (lstm == null || dl4j == null) {
                continue;
            }
            parts.add(String.format(Locale.ROOT, "%s: rnn4j LSTM %s ms (threads %s), GRU %s ms (%s), DL4J LSTM %s ms "
                            + "(%s): DL4J/rnn4j LSTM %s, GRU %s", config, lstm[0], lstm[1],
                    gru == null ? "-" : gru[0], gru == null ? "-" : gru[1], dl4j[0], dl4j[1],
                    ratio(Double.valueOf(dl4j[0]), Double.valueOf(lstm[0])),
                    gru == null ? "-" : ratio(Double.valueOf(dl4j[0]), Double.valueOf(gru[0]))));
        }
        if (!parts.isEmpty()) {
            b.append("Each at its best thread setting of this run: ").append(String.join("; ", parts)).append(".\n\n");
        }
    }

    /** {fastest median, its thread setting} over the thread settings of this run, or null. */
    private String[] best(Map<String, Double> m, String prefix) {
        String[] best = null;
        double fastest = Double.MAX_VALUE;
        for (String t : threads) {
            Double v = m.get(prefix + t);
            if (v != null && v < fastest) {
                fastest = v;
                best = new String[] {String.format(Locale.ROOT, "%.1f", v), t};
            }
        }
        return best;
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.0f", v);
    }

    /** {@code slow / fast}, with two decimals below 2 (a 4% difference must not print as 1.0×). */
    static String ratio(Double slow, Double fast) {
        if (slow == null || fast == null) {
            return "-";
        }
        double r = slow / fast;
        return String.format(Locale.ROOT, r < 2 ? "%.2f×" : "%.1f×", r);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchReport()).execute(args));
    }
}
