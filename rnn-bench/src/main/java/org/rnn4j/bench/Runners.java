package org.rnn4j.bench;

import org.nd4j.linalg.factory.Nd4j;

/** Builds a {@link Runner} from its benchmark name ({@code rnn4j-lstm}, {@code dl4j-rnn}, ...) and sets threads. */
final class Runners {
    private Runners() {
    }

    static Runner create(String impl, Workload workload) {
        String[] parts = impl.split("-", 2);
        return switch (parts[0]) {
            case "rnn4j" -> new Rnn4jRunner(parts[1], workload);
            case "dl4j" -> new Dl4jRunner(parts[1], workload);
            default -> throw new IllegalArgumentException("unknown implementation '" + impl + "'");
        };
    }

    /**
     * Caps ND4J's threads (its own parallel loops and the BLAS pool) and rnn4j's threads per pass
     * ({@code rnn4j.threads}, read when the first fused layer is built, i.e. after this in each JMH fork).
     * {@code 0} leaves the defaults (what a user gets without tuning; OpenMP then follows OMP_NUM_THREADS or, unset,
     * the core count; rnn4j uses up to 2 threads).
     */
    static void threads(int threads) {
        if (threads > 0) {
            System.setProperty("rnn4j.threads", Integer.toString(threads));
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
        }
    }
}
