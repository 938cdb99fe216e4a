package org.rnn4j.nd4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rnn4j.nd4j.internal.HostReport.Cpu;

class HostReportTest {
    private static final Cpu EMERALD_RAPIDS = new Cpu("GenuineIntel", 6, 207, "",
            Set.of("avx2", "avx512f", "amx_tile"));
    private static final Cpu SKYLAKE_X = new Cpu("GenuineIntel", 6, 85, "", Set.of("avx2", "avx512f"));
    private static final Cpu ZEN3 = new Cpu("AuthenticAMD", 25, 1, "", Set.of("avx2"));
    private static final Cpu ZEN5 = new Cpu("AuthenticAMD", 26, 2, "", Set.of("avx2", "avx512f"));

    @Test
    void parsesTheFirstProcessorOfProcCpuinfo() {
        Optional<Cpu> cpu = Cpu.parse(List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 25",
                "model\t\t: 1", "model name\t: AMD EPYC", "flags\t\t: fpu sse avx2 fma fma", "", "processor\t: 1",
                "vendor_id\t: GenuineIntel"));
        assertEquals(Optional.of(new Cpu("AuthenticAMD", 25, 1, "AMD EPYC", Set.of("fpu", "sse", "avx2", "fma"))), cpu);
        assertEquals(Optional.empty(), Cpu.parse(List.of("Processor\t: ARMv8", "Features\t: asimd")));
    }

    @Test
    void warnsWhereOpenBlasFallsBackToPrescottAndSaysTheFix() {
        String warning = HostReport.blasWarning(null, Optional.of(EMERALD_RAPIDS)).orElseThrow();
        assertTrue(warning.contains("GenuineIntel family 6 model 207"), warning);
        assertTrue(warning.contains("OPENBLAS_CORETYPE=SkylakeX"), warning);
        assertTrue(warning.contains("onednn-avx512"), warning);
        assertTrue(HostReport.blasWarning(null, Optional.of(ZEN5)).orElseThrow().contains("OPENBLAS_CORETYPE=SkylakeX"));
        assertEquals(Optional.empty(), HostReport.blasWarning("SkylakeX", Optional.of(EMERALD_RAPIDS)),
                "OPENBLAS_CORETYPE set: nothing to warn of");
        assertEquals(Optional.empty(), HostReport.blasWarning(null, Optional.of(SKYLAKE_X)));
        String avx2Core = HostReport.blasWarning("Haswell", Optional.of(ZEN5)).orElseThrow();
        assertTrue(avx2Core.startsWith("OPENBLAS_CORETYPE=Haswell runs OpenBLAS's 256-bit kernels on a CPU with "
                + "AVX-512") && avx2Core.contains("OPENBLAS_CORETYPE=SkylakeX"), avx2Core);
        assertEquals(Optional.empty(), HostReport.blasWarning("Haswell", Optional.of(ZEN3)), "an AVX2 CPU");
        assertEquals(Optional.empty(), HostReport.blasWarning("SkylakeX", Optional.of(ZEN5)));
        assertEquals(Optional.empty(), HostReport.blasWarning(null, Optional.of(ZEN3)));
        assertEquals(Optional.empty(), HostReport.blasWarning(null, Optional.empty()));
        assertFalse(HostReport.fallsBackToPrescott(new Cpu("GenuineIntel", 6, 207, "", Set.of("sse4_2"))),
                "no AVX: Prescott is what the CPU has");
    }

    @Test
    void namesTheBlasCore() {
        assertEquals("Haswell (OPENBLAS_CORETYPE)", HostReport.blasCore(" Haswell ", Optional.of(EMERALD_RAPIDS)));
        assertTrue(HostReport.blasCore(null, Optional.of(EMERALD_RAPIDS)).startsWith("Prescott (predicted"));
        assertEquals("chosen by OpenBLAS for AuthenticAMD family 25 model 1",
                HostReport.blasCore(null, Optional.of(ZEN3)));
    }

    @Test
    void findsTheNativeBuildInTheLoadedLibraries() {
        assertEquals("nd4j-native linux-x86_64-onednn-avx2", HostReport.nativeBuild(Map.of("jnind4jcpu",
                "/root/.javacpp/cache/nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx2.jar/org/nd4j/linalg/cpu/"
                        + "nativecpu/bindings/linux-x86_64-onednn-avx2/libjnind4jcpu.so")));
        assertEquals("nd4j-native linux-x86_64", HostReport.nativeBuild(Map.of("nd4jcpu",
                "/c/nd4j-native-1.0.0-M2.1-linux-x86_64.jar/org/nd4j/x/libnd4jcpu.so")));
        assertEquals("unknown", HostReport.nativeBuild(Map.of()));
        Backend.ensureReady(); // ND4J's natives loaded, whichever test runs first
        assertTrue(HostReport.nativeBuild(HostReport.loadedLibraries()).startsWith("nd4j-native "),
                "this JVM's build: " + HostReport.loadedLibraries());
    }

    @Test
    void theStartUpLineSaysEverything() {
        String line = HostReport.describe("nd4j-native linux-x86_64", "Zen", 256, 512, true, 2, 4);
        assertEquals("rnn4j on the CPU: native build nd4j-native linux-x86_64, BLAS core Zen, 256-bit Java vectors "
                + "(hardware 512), packed product kernel on, up to 2 threads per pass (4 cores)", line);
        assertTrue(HostReport.describe("x", "y", 0, 0, false, 1, 1).contains("--add-modules jdk.incubator.vector"));
    }

    @Test
    void theBuildsThatSuitACpuComeMostSpecificFirst() {
        assertEquals(List.of("linux-x86_64-onednn-avx512", "linux-x86_64-avx512", "linux-x86_64-onednn-avx2",
                "linux-x86_64-avx2", "linux-x86_64"), HostReport.suitedBuilds("linux-x86_64", Optional.of(SKYLAKE_X)));
        assertEquals(List.of("linux-x86_64-onednn-avx2", "linux-x86_64-avx2", "linux-x86_64"),
                HostReport.suitedBuilds("linux-x86_64", Optional.of(ZEN3)));
        assertEquals(List.of("macosx-x86_64-avx2", "macosx-x86_64"),
                HostReport.suitedBuilds("macosx-x86_64", Optional.of(ZEN3)));
        assertEquals(List.of("linux-arm64"), HostReport.suitedBuilds("linux-arm64", Optional.empty()));
    }
}
