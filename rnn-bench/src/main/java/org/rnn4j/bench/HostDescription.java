package org.rnn4j.bench;

import java.util.List;
import java.util.stream.Collectors;
import org.rnn4j.nd4j.internal.HostReport;

/** One line that says which machine a benchmark ran on: the CPU model, the vector flags that matter, cores, JDK. */
final class HostDescription {
    private static final List<String> FLAGS = List.of("avx2", "fma", "avx512f", "avx512_bf16", "avx512_fp16",
            "amx_tile", "asimd", "sve");

    private HostDescription() {
    }

    static String describe() {
        String cpu = HostReport.Cpu.ofThisHost().map(c -> c.name() + " (" + c.describe() + "), flags "
                + FLAGS.stream().filter(c.flags()::contains).collect(Collectors.joining(" "))).orElse("unknown CPU");
        return String.format("Host: %s, %d cores, Java %s, OMP_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s.", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getenv("OMP_NUM_THREADS"), System.getenv("OPENBLAS_CORETYPE"));
    }
}
