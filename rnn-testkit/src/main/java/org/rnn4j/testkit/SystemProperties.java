package org.rnn4j.testkit;

import java.util.function.Supplier;

/** Runs test code with a system property set, restoring its previous value (or absence) afterwards. */
public final class SystemProperties {
    private SystemProperties() {
    }

    public static <T> T with(String name, String value, Supplier<T> code) {
        String previous = System.setProperty(name, value);
        try {
            return code.get();
        } finally {
            if (previous == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, previous);
            }
        }
    }
}
