package org.rnn4j.examples.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.rnn4j.examples.DemoRun;

/** The doctor names the build, the BLAS core, the vectors and the threads, and measures against the roof. */
class DoctorCommandTest {
    @Test
    void theDoctorReportsTheHostAndMeasures() {
        DemoRun run = DemoRun.of("doctor", "--seconds", "1");
        assertEquals(0, run.exitCode(), run.err());
        for (String line : new String[] {"native build", "builds for it", "BLAS core", "Java vectors", "threads",
            "LSTM inference rnn4j's kernels", "GFLOP/s (the roof)", "LSTM training step", "% of the roof"}) {
            assertTrue(run.out().contains(line), "missing '" + line + "' in:\n" + run.out());
        }
        DemoRun bad = DemoRun.of("doctor", "--seconds", "0");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("--seconds must be in (0, 600] but is 0.0"), bad.err());
    }

    @Test
    void theDemosLoggingConfigurationIsValidXml() throws Exception {
        // an invalid logback.xml is not an error: logback falls back to logging everything, silently
        Path config = Path.of("src/main/resources/logback.xml");
        assertTrue(Files.exists(config));
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(config.toFile());
    }
}
