package org.rnn4j.spark;

import java.util.function.Supplier;

/** Runs a Spark job so that rnn4j's own argument checks on the executors reach the caller as themselves. */
final class Jobs {
    private Jobs() {
    }

    /**
     * @throws IllegalStateException    for any other failure of the job (a checked {@code SparkException} wrapped)
     * @throws IllegalArgumentException the first one in the failure's causes (an example or argument refused on an
     *                                  executor), rather than the {@code SparkException} that carries it
     */
    static <T> T run(Supplier<T> job) {
        try {
            return job.get();
        } catch (Exception e) { // Scala throws SparkException, a checked exception, undeclared
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof IllegalArgumentException refused) {
                    throw new IllegalArgumentException(refused.getMessage(), e);
                }
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the Spark job failed: " + e.getMessage(), e);
        }
    }
}
