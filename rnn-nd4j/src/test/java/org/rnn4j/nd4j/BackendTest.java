package org.rnn4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    void rnn4jThreadsDefaultToTheCoresUpToTwo() {
        assertEquals(2, Backend.threads(null, 8));
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
}
