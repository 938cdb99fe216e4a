package org.rnn4j.testkit;

import java.util.function.Supplier;
import org.rnn4j.api.Checks;

/**
 * Runs test code with rnn4j's Java paths over the CPU host memory switched on or off
 * ({@link Checks#HOST_PATHS_PROPERTY}), so that a test can compare them with the INDArray paths other backends run.
 * Paths that read the switch once (a layer, when it is built) must be built inside.
 */
public final class HostPaths {
    private HostPaths() {
    }

    public static <T> T with(boolean on, Supplier<T> code) {
        return SystemProperties.with(Checks.HOST_PATHS_PROPERTY, Boolean.toString(on), code);
    }

    public static void with(boolean on, Runnable code) {
        with(on, () -> {
            code.run();
            return null;
        });
    }
}
