package org.rnn4j.nd4j.layer;

/**
 * Whether the host kernels may use the JDK's Vector API ({@code jdk.incubator.vector}), an incubator module: the JVM
 * has it only when started with {@code --add-modules jdk.incubator.vector}. Without it, or with
 * {@code -D}{@value #PROPERTY}{@code =false}, the fused layers use ND4J's GEMM for the per-step products and the
 * Java and native activations of {@link HostKernels}, which give the same values to float rounding
 * ({@code VectorKernelsTest}).
 *
 * <p>This class never touches the module itself, so it loads on every JVM; {@link VectorKernels} and
 * {@link VectorProducts}, which do, are called only after {@link #enabled()} said yes.
 */
final class VectorSupport {
    /** The system property that switches the Vector API paths off ({@code false}). */
    static final String PROPERTY = "rnn4j.vectorApi";

    private static final boolean MODULE_PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorSupport() {
    }

    /** Read at every call (a property lookup is cheap next to a step) so that tests can compare both paths. */
    static boolean enabled() {
        return MODULE_PRESENT && !"false".equals(System.getProperty(PROPERTY));
    }
}
