package org.rnn4j.nd4j.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the host gives rnn4j, said once at start-up ({@link Backend}): the native build JavaCPP loaded, the BLAS
 * core OpenBLAS runs, the vector width of rnn4j's Java kernels and the threads per pass; and a warning when
 * OpenBLAS runs a core far below what the CPU supports.
 *
 * <p>The BLAS core cannot be asked of OpenBLAS here: the openblas preset that ND4J 1.0.0-M2.1 depends on (0.3.19-1.5.7)
 * binds no {@code openblas_get_corename}. So it is {@code OPENBLAS_CORETYPE} where that is set (OpenBLAS obeys it),
 * else predicted from the CPU: OpenBLAS 0.3.19 (December 2021) falls back to its Prescott core, SSE3 only, on CPUs
 * newer than it knows (an Intel Xeon of family 6 model 207 printed {@code Core: Prescott} with
 * {@code OPENBLAS_VERBOSE=2}, and its GEMM ran at 13 GFLOP/s per core instead of about 100).
 */
public final class HostReport {
    /** The newest Intel family-6 model OpenBLAS 0.3.19 knows (Alder Lake, 154); later ones get Prescott. */
    static final int NEWEST_KNOWN_INTEL_MODEL = 154;
    /** The newest AMD family OpenBLAS 0.3.19 knows (Zen 3 and 4, 0x19). */
    static final int NEWEST_KNOWN_AMD_FAMILY = 0x19;
    private static final Pattern NATIVE_JAR = Pattern.compile(
            "(nd4j-(?:native|cuda-[0-9.]+))-[^/\\\\]*?-((?:linux|macosx|windows|android|ios)-[\\w-]+?)\\.jar");

    /** The CPU flags that decide which kernels run, as a measurement names its host. */
    private static final List<String> KERNEL_FLAGS = List.of("avx2", "fma", "avx512f", "avx512_bf16", "avx512_fp16",
            "amx_tile", "asimd", "sve");

    private HostReport() {
    }

    /**
     * One line that says which machine a measurement ran on: the CPU model, the flags that decide the kernels, the
     * cores, the JDK and the thread settings. Benchmarks and load reports start with it.
     */
    public static String measuredOn() {
        String cpu = Cpu.ofThisHost().map(c -> c.name() + " (" + c.describe() + "), flags " + String.join(" ",
                KERNEL_FLAGS.stream().filter(c.flags()::contains).toList())).orElse("unknown CPU");
        return String.format("Host: %s, %d cores, Java %s, OMP_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s.", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getenv("OMP_NUM_THREADS"), System.getenv("OPENBLAS_CORETYPE"));
    }

    /**
     * The CPU as {@code /proc/cpuinfo} describes its first processor (vendor, family, model, model name, flags);
     * empty elsewhere. The benchmarks name their host with it too.
     */
    public record Cpu(String vendor, int family, int model, String name, Set<String> flags) {
        public static Optional<Cpu> ofThisHost() {
            try {
                return parse(Files.readAllLines(Path.of("/proc/cpuinfo")));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        static Optional<Cpu> parse(List<String> cpuinfo) {
            String vendor = null;
            int family = -1;
            int model = -1;
            String name = "";
            Set<String> flags = Set.of();
            for (String line : cpuinfo) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    if (vendor != null) {
                        break; // the first processor is enough
                    }
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                switch (key) {
                    case "vendor_id" -> vendor = value;
                    case "cpu family" -> family = Integer.parseInt(value);
                    case "model" -> model = Integer.parseInt(value);
                    case "model name" -> name = value;
                    case "flags" -> flags = new java.util.TreeSet<>(List.of(value.split("\\s+")));
                    default -> { }
                }
            }
            return vendor == null || family < 0 || model < 0 ? Optional.empty()
                    : Optional.of(new Cpu(vendor, family, model, name, flags));
        }

        public String describe() {
            return vendor + " family " + family + " model " + model;
        }

        /** The OpenBLAS core that gets the most of this CPU's vectors, for {@code OPENBLAS_CORETYPE}. */
        String bestCore() {
            return flags.contains("avx512f") ? "SkylakeX" : flags.contains("avx2") ? "Haswell" : "Prescott";
        }
    }

    /** The OpenBLAS core: the environment's choice, else OpenBLAS 0.3.19's predicted choice, null if unknown. */
    static String blasCore(String coretypeVariable, Optional<Cpu> cpu) {
        if (coretypeVariable != null && !coretypeVariable.isBlank()) {
            return coretypeVariable.strip() + " (OPENBLAS_CORETYPE)";
        }
        if (cpu.isPresent() && fallsBackToPrescott(cpu.get())) {
            return "Prescott (predicted: OpenBLAS 0.3.19 does not know " + cpu.get().describe() + ")";
        }
        return "chosen by OpenBLAS for " + cpu.map(Cpu::describe).orElse("this CPU");
    }

    /** Whether OpenBLAS 0.3.19's dynamic core selection misses this CPU and runs its Prescott kernels. */
    static boolean fallsBackToPrescott(Cpu cpu) {
        boolean vectors = cpu.flags().contains("avx2") || cpu.flags().contains("avx512f");
        if (!vectors) {
            return false; // Prescott is then about what the CPU can do anyway
        }
        return switch (cpu.vendor()) {
            case "GenuineIntel" -> cpu.family() == 6 && cpu.model() > NEWEST_KNOWN_INTEL_MODEL;
            case "AuthenticAMD" -> cpu.family() > NEWEST_KNOWN_AMD_FAMILY;
            default -> false;
        };
    }

    /** OpenBLAS's names of its AVX2 cores, lower case. */
    private static final Set<String> AVX2_CORES = Set.of("haswell", "zen", "excavator", "steamroller");

    /**
     * The WARN for a CPU on which OpenBLAS runs far below its vectors: its Prescott fallback unless
     * OPENBLAS_CORETYPE is set, or the variable naming an AVX2 core on an AVX-512 CPU.
     */
    static Optional<String> blasWarning(String coretypeVariable, Optional<Cpu> cpu) {
        boolean set = coretypeVariable != null && !coretypeVariable.isBlank();
        if (set && cpu.isPresent() && cpu.get().flags().contains("avx512f")
                && AVX2_CORES.contains(coretypeVariable.strip().toLowerCase(Locale.ROOT))) {
            return Optional.of("OPENBLAS_CORETYPE=" + coretypeVariable.strip() + " runs OpenBLAS's 256-bit kernels "
                    + "on a CPU with AVX-512 (" + cpu.get().describe() + "): OPENBLAS_CORETYPE=SkylakeX ran matrix "
                    + "products 1.9 times as fast on an AVX-512 AMD EPYC (Zen 5), for rnn4j and every other ND4J user.");
        }
        if (set || cpu.isEmpty() || !fallsBackToPrescott(cpu.get())) {
            return Optional.empty();
        }
        Cpu c = cpu.get();
        return Optional.of("OpenBLAS 0.3.19 (inside ND4J 1.0.0-M2.1) does not know this CPU (" + c.describe()
                + ") and runs its slowest, SSE3-only kernels (Prescott): matrix products at about an eighth of this "
                + "CPU's speed (13 instead of about 100 GFLOP/s per core measured on such a CPU), for rnn4j and every "
                + "other ND4J user. Fix: set OPENBLAS_CORETYPE=" + c.bestCore() + " in the environment before the JVM "
                + "starts, or use ND4J's oneDNN build (nd4j-native classifier " + "linux-x86_64-onednn-avx"
                + (c.flags().contains("avx512f") ? "512" : "2") + ").");
    }

    /**
     * Whether the native build JavaCPP loaded is ND4J's oneDNN build for AVX-512, whose {@code lstmLayer} op rnn4j's
     * LSTM inference uses by default ({@code rnn4j.lstmLayerOp}). Read once.
     */
    public static boolean oneDnnAvx512Build() {
        return LoadedBuild.ONEDNN_AVX512;
    }

    private static final class LoadedBuild {
        static final boolean ONEDNN_AVX512;

        static {
            Backend.ensureReady(); // JavaCPP lists a library only once ND4J has loaded it
            ONEDNN_AVX512 = nativeBuild(loadedLibraries()).endsWith("-onednn-avx512");
        }
    }

    /** The native build JavaCPP loaded (artifact and classifier), from the paths of its loaded libraries. */
    static String nativeBuild(Map<String, String> loadedLibraries) {
        for (String path : loadedLibraries.values()) {
            Matcher m = NATIVE_JAR.matcher(path);
            if (m.find()) {
                return m.group(1) + " " + m.group(2);
            }
        }
        return "unknown";
    }

    /** JavaCPP's loaded libraries (library name to path), through reflection: rnn-nd4j compiles against nd4j-api. */
    @SuppressWarnings("unchecked")
    static Map<String, String> loadedLibraries() {
        try {
            return (Map<String, String>) Class.forName("org.bytedeco.javacpp.Loader").getMethod("getLoadedLibraries")
                    .invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Map.of();
        }
    }

    /** What the host gives rnn4j, as the start-up line says it, field by field (the doctor command prints it). */
    public record Summary(String cpu, String nativeBuild, String blasCore, Optional<String> blasWarning,
                          int vectorBits, int hardwareBits, boolean productKernel, int threads, int cores,
                          String ompThreads) {
    }

    /** This host's {@link Summary}; ND4J must be loaded ({@link Backend#ensureReady}). */
    public static Summary summary() {
        Backend.ensureReady();
        Optional<Cpu> cpu = Cpu.ofThisHost();
        String coretype = System.getenv("OPENBLAS_CORETYPE");
        return new Summary(cpu.map(c -> c.name() + " (" + c.describe() + "), flags " + String.join(" ",
                KERNEL_FLAGS.stream().filter(c.flags()::contains).toList())).orElse("unknown CPU"),
                nativeBuild(loadedLibraries()), blasCore(coretype, cpu), blasWarning(coretype, cpu),
                VectorSupport.enabled() ? VectorSupport.bits() : 0, VectorSupport.hardwareBits(),
                VectorSupport.modulePresent() && VectorSupport.productKernelFits(), Backend.threads(),
                Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"));
    }

    /**
     * The nd4j-native builds ND4J 1.0.0-M2.1 publishes for {@code platform} that this CPU can run, the most
     * specific first: {@code <platform>-onednn-avx512} / {@code -avx512} on AVX-512 hosts, {@code -avx2} builds on
     * AVX2 hosts, the generic build last. Only linux-x86_64 has the oneDNN and AVX-512 variants.
     */
    public static List<String> suitedBuilds(String platform, Optional<Cpu> cpu) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        Set<String> flags = cpu.map(Cpu::flags).orElse(Set.of());
        boolean linux = platform.equals("linux-x86_64");
        if (linux && flags.contains("avx512f")) {
            out.add(platform + "-onednn-avx512");
            out.add(platform + "-avx512");
        }
        if (flags.contains("avx2") && (linux || platform.equals("macosx-x86_64") || platform.equals("windows-x86_64"))) {
            if (linux) {
                out.add(platform + "-onednn-avx2");
            }
            out.add(platform + "-avx2");
        }
        out.add(platform);
        return out;
    }

    /** The start-up line. */
    static String describe(String nativeBuild, String blasCore, int vectorBits, int hardwareBits,
                           boolean productKernel, int threads, int cores) {
        String vectors = vectorBits == 0
                ? "Vector API off (start the JVM with --add-modules jdk.incubator.vector for rnn4j's fastest kernels)"
                : vectorBits + "-bit Java vectors (hardware " + hardwareBits + "), packed product kernel "
                        + (productKernel ? "on" : "off");
        return "rnn4j on the CPU: native build " + nativeBuild + ", BLAS core " + blasCore + ", " + vectors + ", up to "
                + threads + " thread" + (threads == 1 ? "" : "s") + " per pass (" + cores + " cores)";
    }
}
