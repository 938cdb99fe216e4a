package org.rnn4j.examples.sentiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.examples.DemoRun;

class SentimentPipelineTest {
    @TempDir
    Path dir;

    /** 200 sentences of each (source, label): a fifth of the data, so the pipeline runs in seconds. */
    private static List<Sentence> slice() throws IOException {
        List<Sentence> out = new ArrayList<>();
        java.util.Map<String, Integer> taken = new java.util.HashMap<>();
        for (Sentence s : SentenceCorpus.shipped()) {
            if (taken.merge(s.source() + s.label(), 1, Integer::sum) <= 200) {
                out.add(s);
            }
        }
        return out;
    }

    private static SentimentPipeline.Settings settings(boolean bidirectional) {
        return new SentimentPipeline.Settings("gru", 32, 32, bidirectional, 6, 32, 0.01, 0.2, 3, 64, 1, 42, false);
    }

    @Test
    void onASliceTheRnnClearlyBeatsTheMajorityClassOnHeldOutSentences() throws IOException {
        SentimentPipeline.Report r = SentimentPipeline.run(slice(), settings(false));
        assertEquals(840, r.trainSize());
        assertEquals(180, r.validationSize());
        assertEquals(180, r.testSize());
        assertEquals(0.5, r.majority().accuracy(), 1e-12, "the slice is balanced");
        assertTrue(r.rnn().accuracy() >= 0.62, "RNN test accuracy " + r.rnn().accuracy() + " vs majority 0.5");
        assertTrue(r.rnnRocAuc() > 0.65, "ROC AUC " + r.rnnRocAuc());
        assertTrue(r.bagOfWords().accuracy() > 0.6, "the baseline learns too: " + r.bagOfWords().accuracy());
    }

    @Test
    void aSavedModelPredictsTheSameProbabilitiesAndServesThePredictCommand() throws IOException {
        SentimentPipeline.Report r = SentimentPipeline.run(slice(), new SentimentPipeline.Settings("lstm", 16, 16,
                true, 1, 64, 0.01, 0.0, 0, 64, 1, 1, false));
        Path file = dir.resolve("models/sentiment.rnn4j");
        r.model().save(file);
        SentimentModel loaded = SentimentModel.load(file);
        List<String> sentences = List.of("Great phone, works well!", "Awful food.", "zzz unknownword");
        assertArrayEquals(r.model().probabilities(sentences), loaded.probabilities(sentences), 0.0);

        DemoRun run = DemoRun.of("sentiment-predict", "--model", file.toString(), "I loved it", "Never again");
        assertEquals(0, run.exitCode(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(2, lines.length, run.out());
        assertTrue(lines[0].matches("[01]\\.\\d{3}  (positive|negative)  I loved it"), lines[0]);
    }

    @Test
    void predictWithoutAModelAndBadOptionsFailWithOneLine() {
        DemoRun missing = DemoRun.of("sentiment-predict", "--model", dir.resolve("none.rnn4j").toString(), "hi");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.oneLineError() && missing.err().contains("train one first"), missing.err());
        DemoRun unknown = DemoRun.of("sentiment", "--colour", "red");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.oneLineError() && unknown.err().contains("--colour"), unknown.err());
        DemoRun range = DemoRun.of("sentiment", "--dropout", "1.5");
        assertEquals(1, range.exitCode());
        assertTrue(range.oneLineError() && range.err().contains("--dropout"), range.err());
        DemoRun cell = DemoRun.of("sentiment", "--cell", "transformer");
        assertTrue(cell.oneLineError() && cell.err().contains("gru or lstm"), cell.err());
        DemoRun data = DemoRun.of("sentiment", "--data", dir.toString());
        assertTrue(data.oneLineError() && data.err().contains("amazon_cells_labelled.txt"), data.err());
        assertThrows(IllegalArgumentException.class, () -> new SentimentPipeline.Settings("gru", 0, 1, false, 1,
                1, 0.1, 0, 0, 1, 1, 1, false));
    }
}
