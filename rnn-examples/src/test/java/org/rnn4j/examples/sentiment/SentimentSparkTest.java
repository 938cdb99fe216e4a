package org.rnn4j.examples.sentiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnn4j.examples.DemoRun;

/** The sentiment demo trained on Spark in local[2] reaches the single-machine run's test accuracy. */
class SentimentSparkTest {
    @Test
    void onSparkTheDemoScoresAsOnOneMachine() throws Exception {
        List<Sentence> slice = new ArrayList<>();
        Map<String, Integer> taken = new HashMap<>();
        for (Sentence s : SentenceCorpus.shipped()) {
            if (taken.merge(s.source() + s.label(), 1, Integer::sum) <= 80) {
                slice.add(s);
            }
        }
        SentimentPipeline.Settings settings = new SentimentPipeline.Settings("gru", 16, 16, false, 3, 32, 0.01, 0.2,
                0, 64, 1, 3, false);
        SentimentPipeline.Report single = SentimentPipeline.run(slice, settings);
        SentimentPipeline.Report spark = SentimentPipeline.run(slice, settings, "local[2]");
        // float32: the cluster adds the shares' gradients in double, one machine in float; same steps otherwise
        assertEquals(single.rnn().accuracy(), spark.rnn().accuracy(), 1.5 / single.testSize(),
                "at most one test sentence apart");
        assertEquals(single.training().history().get(2).trainLoss(), spark.training().history().get(2).trainLoss(),
                1e-4);
    }

    @Test
    void theDemoCommandTakesASparkMaster() {
        DemoRun run = DemoRun.of("sentiment", "--spark", "local[2]", "--epochs", "1", "--embedding", "8", "--hidden",
                "8", "--no-progress", "--model", System.getProperty("java.io.tmpdir") + "/rnn4j-spark-test.rnn4j");
        assertEquals(0, run.exitCode(), run.err());
        org.junit.jupiter.api.Assertions.assertTrue(run.out().contains("GRU (rnn4j)"), run.out());
    }
}
