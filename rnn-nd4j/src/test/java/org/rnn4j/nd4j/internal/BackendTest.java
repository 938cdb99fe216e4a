package org.rnn4j.nd4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackendTest {
    @Test
    void startsAndExplainsFailures() {
        Backend.ensureReady();
        String message = Backend.explain(new ExceptionInInitializerError(
                new UnsatisfiedLinkError("no jnind4jcpu in java.library.path")));
        assertTrue(message.contains("UnsatisfiedLinkError: no jnind4jcpu"), message);
        assertTrue(message.contains("org.nd4j:nd4j-native"), message);
    }

    /** Without a driver, one line that names the missing library, not ND4J's "no backend on the classpath". */
    @Test
    void aMissingCudaDriverOrLibraryIsNamed() {
        Throwable ndFourJ = new IllegalStateException(new RuntimeException("Please ensure that you have an nd4j "
                + "backend on your classpath"));
        String noDriver = Backend.explain(ndFourJ, "java.lang.UnsatisfiedLinkError: /root/.javacpp/cache/cuda.jar/"
                + "libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory\n\tat x",
                true);
        assertTrue(noDriver.startsWith("ND4J's CUDA backend could not start (libcuda.so.1 not found: no NVIDIA "
                + "driver)."), noDriver);
        assertTrue(noDriver.contains("`cpu` profile") && !noDriver.contains("classpath"), noDriver);
        String noCublas = Backend.explain(ndFourJ, "UnsatisfiedLinkError: libjnind4jcuda.so: libcublas.so.11: "
                + "cannot open shared object file", true);
        assertTrue(noCublas.contains("(libcublas.so.11 not found: the CUDA 11.6 / cuDNN 8.3 libraries are not "
                + "installed)"), noCublas);
        assertTrue(Backend.explain(ndFourJ, "cudaGetDeviceCount: no CUDA-capable device is detected", true)
                .contains("(no CUDA-capable GPU)"));
    }

    @Test
    void openMpThreadsDefaultToOneUnlessTheUserChose() {
        assertEquals(1, Backend.ompThreads(null, null), "nothing set: one thread");
        assertEquals(0, Backend.ompThreads(null, "2"), "OMP_NUM_THREADS set: left alone");
        assertEquals(2, Backend.ompThreads("2", null));
        assertEquals(3, Backend.ompThreads(" 3 ", "1"), "the property wins");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.ompThreads("0", null));
        assertTrue(e.getMessage().contains("rnn4j.ompThreads") && e.getMessage().contains("'0'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backend.ompThreads("many", null));
    }

    @Test
    void rnn4jThreadsDefaultToTheCores() {
        assertEquals(8, Backend.threads(null, 8));
        assertEquals(2, Backend.threads(null, 2));
        assertEquals(1, Backend.threads(null, 1));
        assertEquals(4, Backend.threads(" 4 ", 2));
        for (String bad : new String[] {"0", "-1", "two", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.threads(bad, 2));
            assertTrue(e.getMessage().contains(Backend.THREADS_PROPERTY) && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
    }

    @Test
    void blasRunsOneThreadUnderRnn4jThreads() {
        Backend.ensureReady();
        if (Backend.threads() > 1) {
            assertEquals(1, org.nd4j.linalg.factory.Nd4j.factory().blas().getMaxThreads());
        }
    }

    /** Prints ND4J's thread settings after {@link Backend#ensureReady} (run in a JVM without OMP_NUM_THREADS). */
    public static final class Probe {
        public static void main(String[] args) {
            Backend.ensureReady();
            System.out.println("maxThreads=" + org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads()
                    + " maxMasterThreads=" + org.nd4j.linalg.factory.Nd4j.getEnvironment().maxMasterThreads());
        }
    }

    /**
     * Without OMP_NUM_THREADS, libnd4j sizes its own parallel loops (maxMasterThreads) by the cores when it loads;
     * rnn4j must bring them to one thread too, not only OpenMP (two under rnn4j's two slowed config B LSTM training
     * 1.2-2×).
     */
    @Test
    void ndFourJsThreadPoolRunsOneThreadWithoutOmpNumThreads() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()).redirectErrorStream(true);
        builder.environment().remove("OMP_NUM_THREADS");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("maxMasterThreads=1"), output);
    }
}
