package org.rnn4j.examples.serving;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rnn4j.examples.DemoVersion;
import org.rnn4j.examples.sentiment.SentimentDemo;
import org.rnn4j.nd4j.internal.HostReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code serving-load} mode: requests per second and latency of N concurrent clients, each sending one request
 * after another, with the batching predictor and with a {@code predict} per request, each case in a fresh JVM, the
 * two alternating ({@link LoadRun} is one case). Writes a Markdown table of the medians over the rounds.
 */
@Command(name = "serving-load", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "Measures requests per second and p50/p99 latency at several client counts, batching "
                + "predictor against predict per request, in fresh JVMs; writes a Markdown table.")
public final class ServingLoad implements Callable<Integer> {
    private static final Pattern RESULT = Pattern.compile("requests_per_second=([0-9.]+) p50_ms=([0-9.]+) "
            + "p99_ms=([0-9.]+) mean_batch=([0-9.]+) requests=([0-9]+)");

    @Option(names = "--workload", split = ",", defaultValue = "sentiment,lstm-a",
            description = "sentiment (the demo's model on the corpus' sentences) and/or lstm-a (config A's LSTM: "
                    + "input 64, hidden 256, 50 steps); default: ${DEFAULT-VALUE}")
    List<String> workloads;
    @Option(names = "--clients", split = ",", defaultValue = "1,4,16,64",
            description = "concurrent clients (default: ${DEFAULT-VALUE})")
    List<Integer> clients;
    @Option(names = "--seconds", defaultValue = "8", description = "measured seconds per case (default: "
            + "${DEFAULT-VALUE})")
    int seconds;
    @Option(names = "--warmup", defaultValue = "3",
            description = "unmeasured seconds first (default: ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--rounds", defaultValue = "3", description = "fresh JVMs per case (default: ${DEFAULT-VALUE})")
    int rounds;
    @Option(names = "--model", defaultValue = SentimentDemo.DEFAULT_MODEL,
            description = "the sentiment model (default: ${DEFAULT-VALUE})")
    Path model;
    @Option(names = "--max-delay-us", defaultValue = "2000", description = "the batching predictor's maxDelay in "
            + "microseconds (default: ${DEFAULT-VALUE})")
    long maxDelayMicros;
    @Option(names = "--pass-threads", defaultValue = "1", description = "the batching predictor's pass threads "
            + "(default: ${DEFAULT-VALUE})")
    int passThreads;
    @Option(names = "--output", defaultValue = "rnn4j-output/serving-load.md",
            description = "the Markdown report (default: ${DEFAULT-VALUE})")
    Path output;

    /** The medians of one workload, client count and mode over the rounds. */
    record Medians(double requestsPerSecond, double p50, double p99, double meanBatch) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (seconds < 1 || warmup < 0 || rounds < 1 || passThreads < 1 || maxDelayMicros < 0
                || clients.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("--seconds, --rounds, --pass-threads and every --clients must be >= 1, "
                    + "--warmup and --max-delay-us >= 0");
        }
        if (workloads.contains("sentiment")) {
            SentimentDemo.requireSavedModel(model);
        }
        StringBuilder report = new StringBuilder("# Serving under load\n\n").append(HostReport.measuredOn())
                .append(" The runs get OMP_NUM_THREADS=1 unless it is set.\n\n")
                .append(String.format(Locale.ROOT, "Each case: a fresh JVM, %d s unmeasured, then %d s measured; "
                        + "%d rounds, batching and per-request alternating; medians over the rounds. Clients send "
                        + "one request after another (closed loop). Batching: maxBatch 32, maxDelay %d µs, %d pass "
                        + "thread(s).%n%n", warmup, seconds, rounds, maxDelayMicros, passThreads));
        for (String workload : workloads) {
            report.append("## ").append(workload).append("\n\n| clients | per request: req/s | p50 ms | p99 ms "
                    + "| batching: req/s | p50 ms | p99 ms | mean batch | throughput ratio |\n"
                    + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (int n : clients) {
                Map<String, List<double[]>> runs = new LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) {
                    for (String mode : List.of("direct", "batching")) {
                        double[] result = runFresh(workload, mode, n);
                        runs.computeIfAbsent(mode, m -> new ArrayList<>()).add(result);
                        System.out.printf(Locale.ROOT, "%s %s clients=%d round %d: %.0f req/s, p50 %.2f ms, p99 "
                                + "%.2f ms%n", workload, mode, n, r + 1, result[0], result[1], result[2]);
                    }
                }
                Medians direct = medians(runs.get("direct"));
                Medians batching = medians(runs.get("batching"));
                report.append(String.format(Locale.ROOT, "| %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.1f | "
                                + "%.2f× |%n", n, direct.requestsPerSecond(), direct.p50(), direct.p99(),
                        batching.requestsPerSecond(), batching.p50(), batching.p99(), batching.meanBatch(),
                        batching.requestsPerSecond() / direct.requestsPerSecond()));
            }
            report.append('\n');
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(output, report.toString(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(report);
        System.out.println("written to " + output);
        return 0;
    }

    private static Medians medians(List<double[]> runs) {
        return new Medians(median(runs, 0), median(runs, 1), median(runs, 2), median(runs, 3));
    }

    private static double median(List<double[]> runs, int column) {
        double[] v = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Runs one case in a fresh JVM with this JVM's class path and options; returns its result line's numbers. */
    private double[] runFresh(String workload, String mode, int n) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadRun.class.getName(), workload, mode,
                Integer.toString(n), Integer.toString(warmup), Integer.toString(seconds), model.toString(),
                Long.toString(maxDelayMicros), Integer.toString(passThreads)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String found = null;
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
                if (RESULT.matcher(line).find()) {
                    found = line;
                }
            }
        }
        int code = p.waitFor();
        if (code != 0 || found == null) {
            throw new IllegalStateException("the " + workload + "/" + mode + " run failed (exit " + code + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        }
        Matcher m = RESULT.matcher(found);
        m.find();
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
            Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))};
    }
}
