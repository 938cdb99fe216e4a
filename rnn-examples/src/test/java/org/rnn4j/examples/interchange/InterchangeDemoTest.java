package org.rnn4j.examples.interchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.examples.DemoRun;
import org.rnn4j.examples.sentiment.Sentence;
import org.rnn4j.examples.sentiment.SentenceCorpus;
import org.rnn4j.examples.sentiment.SentimentPipeline;

/**
 * A sentiment model trained in Java, exported, scored by ONNX Runtime and re-imported: all three give the same
 * probabilities on held-out sentences, and the command reports their agreement.
 */
class InterchangeDemoTest {
    @TempDir
    Path dir;

    @Test
    void onnxRuntimeAndTheReimportedModelAgreeWithRnn4jOnTheTestSentences() throws Exception {
        List<Sentence> slice = new ArrayList<>();
        java.util.Map<String, Integer> taken = new java.util.HashMap<>();
        for (Sentence s : SentenceCorpus.shipped()) {
            if (taken.merge(s.source() + s.label(), 1, Integer::sum) <= 60) {
                slice.add(s);
            }
        }
        SentimentPipeline.Report r = SentimentPipeline.run(slice, new SentimentPipeline.Settings("gru", 16, 16, true,
                1, 32, 0.01, 0.0, 0, 64, 1, 3, false));
        InterchangeDemo.Comparison c = InterchangeDemo.compare(r.model(), SentenceCorpus.shipped().subList(0, 300),
                dir.resolve("out/sentiment.onnx"));
        assertEquals(300, c.sentences());
        assertTrue(c.maxOnnxRuntimeDifference() <= InterchangeDemo.AGREEMENT, "ONNX Runtime differs by "
                + c.maxOnnxRuntimeDifference());
        assertTrue(c.maxImportedDifference() <= InterchangeDemo.AGREEMENT, "re-imported differs by "
                + c.maxImportedDifference());
        assertEquals(c.rnn4jAccuracy(), c.onnxRuntimeAccuracy());
        assertTrue(Files.size(dir.resolve("out/sentiment.onnx")) > 1000);

        Path saved = dir.resolve("sentiment.rnn4j");
        r.model().save(saved);
        DemoRun run = DemoRun.of("interchange", "--model", saved.toString(), "--onnx",
                dir.resolve("cmd.onnx").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("rnn4j, ONNX Runtime and the re-imported model agree"), run.out());
    }
}
