package org.rnn4j.nd4j;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts ND4J's backend once and turns a failure into one clear message. Without it, a CUDA build on a machine
 * without a usable GPU fails deep inside the first array operation with an unrelated native error.
 */
public final class Backend {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
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
            try {
                Nd4j.zeros(1).addi(1);
                LOG.debug("ND4J backend {} ready", Nd4j.getBackend().getClass().getSimpleName());
                ready = true;
            } catch (Throwable t) {
                throw new IllegalStateException(explain(t), t);
            }
        }
    }

    static String explain(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String cause = root.getClass().getSimpleName() + ": " + root.getMessage();
        boolean cuda = isOnClasspath("org.nd4j.linalg.jcublas.JCublasBackend");
        if (cuda) {
            return "ND4J's CUDA backend could not start (" + cause + "). The rnn4j `cuda` profile uses "
                    + "nd4j-cuda-11.6 1.0.0-M2.1, which needs the CUDA 11.6 and cuDNN 8.3 libraries on the host "
                    + "(or ND4J's redist artifact) and an NVIDIA GPU of compute capability 3.7 to 8.6. "
                    + "Build with the default `cpu` profile to run without a GPU.";
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
