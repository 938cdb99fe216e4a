package org.rnn4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** One line that says which machine a benchmark ran on: the CPU model, the vector flags that matter, cores, JDK. */
final class HostDescription {
    private static final List<String> FLAGS = List.of("avx2", "fma", "avx512f", "avx512_bf16", "avx512_fp16",
            "amx_tile", "asimd", "sve");

    private HostDescription() {
    }

    static String describe() {
        String model = "unknown CPU";
        Set<String> flags = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") && model.equals("unknown CPU")) {
                    model = value;
                } else if (key.equals("flags") || key.equals("Features")) {
                    flags.addAll(List.of(value.split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            model = "unknown CPU (no /proc/cpuinfo)";
        }
        List<String> present = new ArrayList<>();
        for (String flag : FLAGS) {
            if (flags.contains(flag)) {
                present.add(flag);
            }
        }
        return String.format("Host: %s, flags %s, %d cores, Java %s, OMP_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s.",
                model, present.isEmpty() ? "(none of interest)" : String.join(" ", present),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getenv("OMP_NUM_THREADS"), System.getenv("OPENBLAS_CORETYPE"));
    }
}
