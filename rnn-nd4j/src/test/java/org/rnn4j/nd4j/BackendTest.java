package org.rnn4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
