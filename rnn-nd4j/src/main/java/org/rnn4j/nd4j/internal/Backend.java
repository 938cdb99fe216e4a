package org.rnn4j.nd4j.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts ND4J's backend once and turns a failure into one clear message. Without it, a CUDA build on a machine
 * without a usable GPU fails deep inside the first array operation with an unrelated native error.
 *
 * <p>It also chooses the OpenMP thread count of ND4J's own (non-BLAS) loops on the CPU: unless the environment sets
 * {@code OMP_NUM_THREADS}, or the system property {@value #OMP_THREADS_PROPERTY} asks for a number, it is 1.
 * ND4J's default (one OpenMP thread per core, spinning between ops) oversubscribes small machines, and RNN kernels
 * make many small calls, which gain nothing from more threads; matrix products keep BLAS's own thread pool.
 *
 * <p>And it holds rnn4j's own thread count, {@value #THREADS_PROPERTY} (default: the number of cores): the most
 * threads that one pass of a fused layer splits its work over. A pass uses fewer when its layer is small: one per
 * {@code PartitionRunner.MIN_UNITS} hidden units, or (passes without trace) one per
 * {@code JoinedLstmSteps.MIN_GROUP_ROWS} batch rows. When it is above 1, BLAS is set to one thread: those threads
 * call BLAS at the same time, and BLAS's own pool on top of them oversubscribes the cores.
 *
 * <p>At start-up it logs once, at INFO, what the host gives ({@link HostReport}), and a WARN when OpenBLAS runs a
 * core far below the CPU's.
 */
public final class Backend {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    /** Overrides the OpenMP thread count rnn4j sets when {@code OMP_NUM_THREADS} is not in the environment. */
    public static final String OMP_THREADS_PROPERTY = "rnn4j.ompThreads";
    /** The most threads one pass of a fused layer uses; 1 turns rnn4j's own threading off. */
    public static final String THREADS_PROPERTY = "rnn4j.threads";
    private static final int THREADS = threads(System.getProperty(THREADS_PROPERTY),
            Runtime.getRuntime().availableProcessors());
    private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";
    /** A shared library the dynamic loader could not find, as an {@code UnsatisfiedLinkError} names it. */
    private static final Pattern MISSING_LIBRARY =
            Pattern.compile("(lib[\\w.+-]+\\.so[\\w.]*): cannot open shared object");
    private static volatile boolean ready;

    private Backend() {
    }

    /**
     * Loads the backend if needed. Every layer and model calls this when built.
     *
     * @throws IllegalStateException if ND4J's backend cannot start, with what it needs
     */
    public static void ensureReady() {
        if (ready) {
            return;
        }
        synchronized (Backend.class) {
            if (ready) {
                return;
            }
            int vectorBits = VectorSupport.bits(); // rejects a bad rnn4j.vectorBits before anything starts
            startNd4j();
            if (Nd4j.getEnvironment().isCPU()) {
                chooseOmpThreads();
                if (THREADS > 1) {
                    Nd4j.factory().blas().setMaxThreads(1);
                    LOG.debug("BLAS threads: 1 (rnn4j runs up to {} threads per pass)", THREADS);
                }
                reportHost(vectorBits);
            }
            ready = true;
        }
    }

    /**
     * The first ND4J operation, which loads the backend. ND4J's CUDA backend prints the stack trace of a failed
     * native load to standard error itself (some 36 lines before any message of ours), so while the CUDA backend
     * loads, standard error is held: replayed as it was if the backend starts, else logged at DEBUG, and the
     * exception says the real cause in one line (a missing driver or library, which the exception ND4J throws,
     * "no backend on the classpath", does not).
     */
    private static void startNd4j() {
        boolean cuda = isOnClasspath(CUDA_BACKEND);
        PrintStream standardError = System.err;
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        if (cuda) {
            System.setErr(new PrintStream(held, true, StandardCharsets.UTF_8));
        }
        Throwable failure = null;
        try {
            Nd4j.zeros(1).addi(1);
        } catch (Throwable t) {
            failure = t;
        } finally {
            if (cuda) {
                System.setErr(standardError);
            }
        }
        String printed = held.toString(StandardCharsets.UTF_8);
        if (failure != null) {
            if (!printed.isEmpty()) {
                LOG.debug("ND4J printed while its backend failed to load:\n{}", printed);
            }
            throw new IllegalStateException(explain(failure, printed, cuda), failure);
        }
        standardError.print(printed);
        LOG.debug("ND4J backend {} ready", Nd4j.getBackend().getClass().getSimpleName());
    }

    private static void reportHost(int vectorBits) {
        Optional<HostReport.Cpu> cpu = HostReport.Cpu.ofThisHost();
        String coretype = System.getenv("OPENBLAS_CORETYPE");
        LOG.info(HostReport.describe(HostReport.nativeBuild(HostReport.loadedLibraries()),
                HostReport.blasCore(coretype, cpu), vectorBits, VectorSupport.hardwareBits(),
                VectorSupport.modulePresent() && VectorSupport.productKernelFits(), THREADS,
                Runtime.getRuntime().availableProcessors()));
        HostReport.blasWarning(coretype, cpu).ifPresent(LOG::warn);
        if (vectorBits > VectorSupport.hardwareBits()) {
            LOG.warn("{}={} asks for wider vectors than this CPU has ({} bits): the Vector API computes them in Java, "
                    + "many times slower (meant for tests)", VectorSupport.BITS_PROPERTY, vectorBits,
                    VectorSupport.hardwareBits());
        }
    }

    private static void chooseOmpThreads() {
        int threads = ompThreads(System.getProperty(OMP_THREADS_PROPERTY), System.getenv("OMP_NUM_THREADS"));
        if (threads == 0) {
            return;
        }
        try {
            openMpThreadsOfThisThread(threads);
            // libnd4j's own parallel loops (native transforms such as sigmoid on large arrays) take their thread
            // count, maxMasterThreads, from OMP_NUM_THREADS when the library loads, not from the call above: without
            // the variable they ran extra threads under rnn4j's own. Its maxThreads cannot be lowered at run time in
            // 1.0.0-M2.1 (the setter leaves it), and the loops do not read it.
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            LOG.debug("OpenMP threads of ND4J's loops and its thread pool: {}", threads);
        } catch (RuntimeException | LinkageError e) { // LinkageError: OpenMp's initialiser failed
            LOG.warn("could not set ND4J's OpenMP threads ({}); set OMP_NUM_THREADS=1 on small machines", e.toString());
        }
    }

    /**
     * Sets the OpenMP threads of regions that this thread starts (OpenMP keeps the count per calling thread): how
     * native work that runs on OpenMP, such as oneDNN's kernels, gets the threads rnn4j granted it. ND4J's OpenBLAS
     * runs on OpenMP too, so the caller sets the count back afterwards ({@link #openMpThreadsOfThisThread()}).
     */
    public static void openMpThreadsOfThisThread(int threads) {
        OpenMp.call(OpenMp.SET, threads);
    }

    /** The OpenMP threads of regions that this thread starts. */
    public static int openMpThreadsOfThisThread() {
        return (Integer) OpenMp.call(OpenMp.GET);
    }

    /** ND4J's native OpenMP calls, through reflection (rnn-nd4j compiles against nd4j-api only); loaded on first use. */
    private static final class OpenMp {
        static final Object OPS;
        static final java.lang.reflect.Method SET;
        static final java.lang.reflect.Method GET;

        static {
            try {
                Object holder = Class.forName("org.nd4j.nativeblas.NativeOpsHolder").getMethod("getInstance")
                        .invoke(null);
                OPS = holder.getClass().getMethod("getDeviceNativeOps").invoke(holder);
                SET = OPS.getClass().getMethod("setOmpNumThreads", int.class);
                GET = OPS.getClass().getMethod("ompGetMaxThreads");
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot reach OpenMP's thread count through ND4J's native API", e);
            }
        }

        static Object call(java.lang.reflect.Method method, Object... arguments) {
            try {
                return method.invoke(OPS, arguments);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("ND4J's " + method.getName() + " failed", e);
            }
        }
    }

    /** rnn4j's threads per pass ({@value #THREADS_PROPERTY}, read once). */
    public static int threads() {
        return THREADS;
    }

    /** The thread count from the property's value (null: the default for this many cores). */
    static int threads(String property, int cores) {
        if (property == null) {
            return Math.max(1, cores);
        }
        try {
            int threads = Integer.parseInt(property.strip());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(THREADS_PROPERTY + " must be a positive integer but is '" + property + "'");
    }

    /**
     * The OpenMP thread count to set: the property's value, else 1 when the environment does not set
     * {@code OMP_NUM_THREADS}, else 0 (leave OpenMP as the user configured it).
     */
    static int ompThreads(String property, String environment) {
        if (property == null) {
            return environment == null ? 1 : 0;
        }
        try {
            int threads = Integer.parseInt(property.strip());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(OMP_THREADS_PROPERTY + " must be a positive integer but is '" + property
                + "'");
    }

    static String explain(Throwable t) {
        return explain(t, "", isOnClasspath(CUDA_BACKEND));
    }

    /** The message for a backend that would not start: {@code t} and what ND4J printed meanwhile. */
    static String explain(Throwable t, String printed, boolean cuda) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String cause = root.getClass().getSimpleName() + ": " + root.getMessage();
        if (cuda) {
            Matcher missing = MISSING_LIBRARY.matcher(printed + "\n" + cause);
            String reason = !missing.find() ? cause
                    : missing.group(1).startsWith("libcuda.so") ? missing.group(1) + " not found: no NVIDIA driver"
                    : missing.group(1) + " not found: the CUDA 11.6 / cuDNN 8.3 libraries are not installed";
            if (printed.contains("no CUDA-capable device")) {
                reason = "no CUDA-capable GPU";
            }
            return "ND4J's CUDA backend could not start (" + reason + "). The rnn4j `cuda` profile uses "
                    + "nd4j-cuda-11.6 1.0.0-M2.1, which needs an NVIDIA driver for CUDA 11.6 or newer, the CUDA 11.6 "
                    + "and cuDNN 8.3 libraries (or ND4J's redist artifact) and a GPU of compute capability 3.7 to "
                    + "8.6. Build with the default `cpu` profile to run without a GPU; ND4J's own output is logged at "
                    + "DEBUG (logger " + Backend.class.getName() + ").";
        }
        return "ND4J's backend could not start (" + cause + "). rnn4j needs an ND4J backend on the classpath "
                + "(org.nd4j:nd4j-native with the classifier of this platform, e.g. linux-x86_64) and "
                + "enough off-heap memory (-Dorg.bytedeco.javacpp.maxbytes).";
    }

    private static boolean isOnClasspath(String className) {
        try {
            Class.forName(className, false, Backend.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
