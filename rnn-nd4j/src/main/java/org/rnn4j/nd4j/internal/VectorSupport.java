package org.rnn4j.nd4j.internal;

import jdk.incubator.vector.FloatVector;

/**
 * Whether the host kernels may use the JDK's Vector API ({@code jdk.incubator.vector}), an incubator module: the JVM
 * has it only when started with {@code --add-modules jdk.incubator.vector}. Without it, or with
 * {@code -D}{@value #PROPERTY}{@code =false}, the fused layers use ND4J's GEMM for the per-step products and the
 * Java and native activations of {@code HostKernels}, which give the same values to float rounding
 * ({@code VectorKernelsTest}).
 *
 * <p>And which vector width the kernels use, one for all of them, read once: {@value #BITS_PROPERTY} (128, 256 or
 * 512), by default the hardware's widest vector as the JVM sees it (its preferred species), at most 512 bits. The
 * packed product kernel's panels are two vectors wide, so it runs at every width the hardware has (see
 * {@link #productKernelFits()}). Every element of every kernel goes through the same float operations whatever the
 * width (the scalar tails repeat the vector lanes' operations, and each product's sum runs over the inner index in
 * order in every lane), so the width changes speed, never a result: that lets the tests run every width on any host
 * (the Vector API computes a species the hardware lacks in Java, slowly), and {@code rnn4j.vectorBits=512} on an AVX2
 * machine is for such tests only.
 *
 * <p>This class touches the module only after checking that it is present, so it loads on every JVM;
 * {@code VectorKernels} and {@code VectorProducts} (in the engine) and {@code AdamVectorLoop} (in optim), which need
 * it, are called only after {@link #enabled()} said yes.
 */
public final class VectorSupport {
    /** The system property that switches the Vector API paths off ({@code false}). */
    public static final String PROPERTY = "rnn4j.vectorApi";
    /** The system property that selects the kernels' vector width in bits: 128, 256 or 512. */
    public static final String BITS_PROPERTY = "rnn4j.vectorBits";
    /** The widest vectors the kernels use by default, however wide the hardware's are (SVE can be wider). */
    public static final int DEFAULT_MAX_BITS = 512;

    private static final boolean MODULE_PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorSupport() {
    }

    /** Read at every call (a property lookup is cheap next to a step) so that tests can compare both paths. */
    public static boolean enabled() {
        return MODULE_PRESENT && !"false".equals(System.getProperty(PROPERTY));
    }

    /** Whether the JVM has the Vector API module at all. */
    public static boolean modulePresent() {
        return MODULE_PRESENT;
    }

    /**
     * The vector width of the kernels in bits ({@value #BITS_PROPERTY} or the default), 0 without the module.
     *
     * @throws IllegalArgumentException if {@value #BITS_PROPERTY} is set to anything but 128, 256 or 512
     */
    public static int bits() {
        if (!MODULE_PRESENT) {
            return 0;
        }
        if (Width.BITS < 0) {
            throw new IllegalArgumentException(Width.ERROR);
        }
        return Width.BITS;
    }

    /** The hardware's widest float vector in bits as the JVM sees it (0 without the module). */
    public static int hardwareBits() {
        return MODULE_PRESENT ? Width.HARDWARE_BITS : 0;
    }

    /**
     * Whether the packed product kernel runs here: the hardware has the width in use. At a width it lacks (512 bits
     * on an AVX2 machine, for tests) ND4J's GEMM computes the products, since the Vector API's Java fallback would be
     * orders of magnitude slower there. The kernel uses the one width of all the kernels, so that one JVM never runs
     * rnn4j's kernels on two vector species: where it did (512-bit steps beside 256-bit products on AVX-512, or
     * 128-bit ones beside them on AVX2), about half the JVMs compiled the product kernel with its multiply-adds left
     * to that fallback and ran 20-25 times slower for their whole life (docs/cpu-engine.md, "Vector width").
     */
    public static boolean productKernelFits() {
        return MODULE_PRESENT && Width.BITS > 0 && Width.BITS <= Width.HARDWARE_BITS;
    }

    /** The width for a property value ({@code null}: the default for hardware of {@code hardwareBits}). */
    public static int bits(String property, int hardwareBits) {
        if (property == null) {
            return Math.min(hardwareBits, DEFAULT_MAX_BITS);
        }
        switch (property.strip()) {
            case "128":
                return 128;
            case "256":
                return 256;
            case "512":
                return 512;
            default:
                throw new IllegalArgumentException(BITS_PROPERTY + " must be 128, 256 or 512 but is '" + property
                        + "'");
        }
    }

    /**
     * Touches the module: loaded only when it is present. The property is read once, here; a bad value leaves
     * {@code BITS} at -1 and its message for {@link #bits()} to throw at every call.
     */
    private static final class Width {
        static final int HARDWARE_BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        static final String ERROR;
        static final int BITS;

        static {
            int bits = -1;
            String error = null;
            try {
                bits = bits(System.getProperty(BITS_PROPERTY), HARDWARE_BITS);
            } catch (IllegalArgumentException e) {
                error = e.getMessage();
            }
            BITS = bits;
            ERROR = error;
        }
    }
}
