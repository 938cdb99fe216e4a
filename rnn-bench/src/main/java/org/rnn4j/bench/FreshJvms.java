package org.rnn4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rnn4j.nd4j.internal.HostReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs {@link PlainLoop} in many fresh JVMs, the variants alternating (variant 1, 2, ..., then again), and writes every
 * JVM's median: a JVM whose JIT compiled the kernels badly stays slow for its whole life, which one JVM's median,
 * or JMH's average over a fork, would hide. A spread of more than {@value #BIMODAL_RATIO}× between the JVMs of one
 * variant is flagged.
 */
@Command(name = "fresh-jvms", mixinStandardHelpOptions = true,
        description = "Times training and inference passes in fresh JVMs and reports each JVM's median.")
public final class FreshJvms implements Callable<Integer> {
    static final double BIMODAL_RATIO = 1.5;
    private static final Pattern RESULT = Pattern.compile("median_ms=([0-9.]+) min_ms=([0-9.]+) max_ms=([0-9.]+)");

    @Option(names = "--impl", split = ",", defaultValue = "rnn4j-lstm",
            description = "implementations (rnn4j-lstm, rnn4j-gru, rnn4j-rnn, dl4j-lstm, ...); default: ${DEFAULT-VALUE}")
    String[] impls;

    @Option(names = "--config", split = ",", defaultValue = "A,B", description = "configurations; default: ${DEFAULT-VALUE}")
    String[] configs;

    @Option(names = "--mode", split = ",", defaultValue = "infer,train",
            description = "infer and/or train; default: ${DEFAULT-VALUE}")
    String[] modes;

    @Option(names = "--jvms", defaultValue = "6", description = "fresh JVMs per variant and case; default: ${DEFAULT-VALUE}")
    int jvms;

    @Option(names = "--warmup", defaultValue = "30", description = "untimed passes per JVM; default: ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--passes", defaultValue = "15", description = "timed passes per JVM; default: ${DEFAULT-VALUE}")
    int passes;

    @Option(names = "--variant", description = "NAME:SETTINGS, repeatable; SETTINGS are JVM options (starting with -) "
            + "and environment variables (KEY=VALUE), separated by spaces, e.g. "
            + "'w128:-Drnn4j.vectorBits=128', 'prescott:OPENBLAS_CORETYPE=Prescott' or 'old:--class-path=PATH' (another build); "
            + "default: one variant, as is")
    List<String> variants = new ArrayList<>();

    @Option(names = "--output", defaultValue = "target/fresh-jvms.md", description = "the Markdown report")
    Path output;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (jvms < 1 || passes < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--jvms and --passes must be >= 1 and --warmup >= 0");
        }
        List<Variant> parsed = new ArrayList<>();
        for (String v : variants.isEmpty() ? List.of("as-is:") : variants) {
            parsed.add(Variant.parse(v));
        }
        StringBuilder report = new StringBuilder("# Fresh JVMs\n\n").append(HostReport.measuredOn()).append("\n\n")
                .append(String.format(Locale.ROOT, "%d JVMs per variant, alternating; each JVM: %d untimed passes, "
                        + "then the median of %d.%n%n", jvms, warmup, passes));
        for (String impl : impls) {
            for (String config : configs) {
                for (String mode : modes) {
                    Map<Variant, double[]> medians = new LinkedHashMap<>();
                    parsed.forEach(v -> medians.put(v, new double[jvms]));
                    for (int j = 0; j < jvms; j++) {
                        for (Variant v : parsed) {
                            double median = runOne(v, impl, config, mode);
                            medians.get(v)[j] = median;
                            System.out.printf(Locale.ROOT, "%s %s %s %s JVM %d: %.2f ms%n", impl, config, mode,
                                    v.name(), j + 1, median);
                        }
                    }
                    report.append(table(impl + ", config " + config + ", " + mode, medians)).append('\n');
                }
            }
        }
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, report.toString());
        System.out.println(report);
        System.out.println("wrote " + output);
        return 0;
    }

    private double runOne(Variant v, String impl, String config, String mode) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=8G", "--add-modules", "jdk.incubator.vector"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.addAll(v.jvmOptions()); // after the class path, so that a variant's own -cp wins (compare builds)
        command.addAll(List.of(PlainLoop.class.getName(), impl, config, mode, Integer.toString(warmup),
                Integer.toString(passes)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(v.environment());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("the JVM of " + v.name() + " failed:\n" + out);
        }
        return parseMedian(out);
    }

    static double parseMedian(String output) {
        Matcher m = RESULT.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no 'median_ms=' line in the JVM's output:\n" + output);
        }
        return Double.parseDouble(m.group(1));
    }

    /** One case's table: a row per variant with each JVM's median, their median and their spread. */
    static String table(String title, Map<Variant, double[]> medians) {
        StringBuilder t = new StringBuilder("## ").append(title).append("\n\n| variant | each JVM's median (ms) | "
                + "median | slowest/fastest |\n|---|---|---|---|\n");
        for (Map.Entry<Variant, double[]> e : medians.entrySet()) {
            double[] values = e.getValue();
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            double spread = sorted[sorted.length - 1] / sorted[0];
            StringBuilder each = new StringBuilder();
            for (double v : values) {
                each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", v));
            }
            t.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.2f%s |%n", e.getKey().name(), each,
                    PlainLoop.median(sorted), spread, spread > BIMODAL_RATIO ? " **bimodal?**" : ""));
        }
        return t.toString();
    }

    /** A named set of JVM options and environment variables. */
    record Variant(String name, List<String> jvmOptions, Map<String, String> environment) {
        static Variant parse(String spec) {
            int colon = spec.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--variant must be NAME:SETTINGS, got '" + spec + "'");
            }
            List<String> options = new ArrayList<>();
            Map<String, String> environment = new LinkedHashMap<>();
            for (String token : spec.substring(colon + 1).trim().split("\\s+")) {
                if (token.isEmpty()) {
                    continue;
                }
                int eq = token.indexOf('=');
                if (token.startsWith("-")) {
                    options.add(token);
                } else if (eq > 0) {
                    environment.put(token.substring(0, eq), token.substring(eq + 1));
                } else {
                    throw new IllegalArgumentException("a variant's setting must be a JVM option (-...) or KEY=VALUE, "
                            + "got '" + token + "' in '" + spec + "'");
                }
            }
            return new Variant(spec.substring(0, colon), List.copyOf(options), Map.copyOf(environment));
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new FreshJvms()).execute(args));
    }
}
