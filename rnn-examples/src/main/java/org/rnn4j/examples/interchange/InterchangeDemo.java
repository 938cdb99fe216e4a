package org.rnn4j.examples.interchange;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rnn4j.examples.DemoVersion;
import org.rnn4j.examples.sentiment.Sentence;
import org.rnn4j.examples.sentiment.SentenceCorpus;
import org.rnn4j.examples.sentiment.SentimentDemo;
import org.rnn4j.examples.sentiment.SentimentModel;
import org.rnn4j.examples.sentiment.SentimentPipeline;
import org.rnn4j.examples.sentiment.StratifiedSplit;
import org.rnn4j.examples.sentiment.Vocabulary;
import org.rnn4j.onnx.OnnxExport;
import org.rnn4j.onnx.OnnxImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code interchange} mode: the sentiment model trained in Java, exported to ONNX, scored on the test set by ONNX
 * Runtime next to rnn4j, and read back by rnn4j's importer; prints whether all three agree.
 */
@Command(name = "interchange", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "Exports the model the sentiment demo saved to ONNX, scores the test sentences with ONNX Runtime "
                + "and with rnn4j, imports the ONNX file back, and prints how far apart the three are.")
public final class InterchangeDemo implements Callable<Integer> {
    /** Probabilities of two runtimes further apart than this count as a disagreement. */
    static final double AGREEMENT = 1e-5;

    @Option(names = "--model", defaultValue = SentimentDemo.DEFAULT_MODEL,
            description = "the saved model (default: ${DEFAULT-VALUE})")
    Path model;
    @Option(names = "--onnx", defaultValue = "rnn4j-output/sentiment.onnx",
            description = "where the ONNX file goes (default: ${DEFAULT-VALUE})")
    Path onnx;
    @Option(names = "--seed", defaultValue = "42", description = "the seed the sentiment demo split the data with, "
            + "which selects the same test sentences (default: ${DEFAULT-VALUE})")
    long seed;

    /** How the three scorings of the same sentences compare. */
    record Comparison(int sentences, double maxOnnxRuntimeDifference, double maxImportedDifference,
                      int sameLabels, double rnn4jAccuracy, double onnxRuntimeAccuracy) {
    }

    @Override
    public Integer call() throws Exception {
        SentimentDemo.requireSavedModel(model);
        SentimentModel classifier = SentimentModel.load(model);
        List<Sentence> test = StratifiedSplit.of(SentenceCorpus.shipped(), SentimentPipeline.TRAIN_SHARE,
                SentimentPipeline.VALIDATION_SHARE, seed).test();
        Comparison c = compare(classifier, test, onnx);
        System.out.printf("exported %s to %s (%d bytes, ONNX opset %d)%n", model, onnx, Files.size(onnx),
                OnnxExport.OPSET);
        System.out.printf("%d test sentences: accuracy rnn4j %.3f, ONNX Runtime %.3f; the same label for %d of %d%n",
                c.sentences(), c.rnn4jAccuracy(), c.onnxRuntimeAccuracy(), c.sameLabels(), c.sentences());
        System.out.printf("largest difference in P(positive): ONNX Runtime vs rnn4j %.2e, re-imported vs rnn4j "
                + "%.2e%n", c.maxOnnxRuntimeDifference(), c.maxImportedDifference());
        boolean agree = c.maxOnnxRuntimeDifference() <= AGREEMENT && c.maxImportedDifference() <= AGREEMENT
                && c.sameLabels() == c.sentences();
        System.out.println(agree ? "rnn4j, ONNX Runtime and the re-imported model agree (to " + AGREEMENT + ")"
                : "the runtimes DISAGREE beyond " + AGREEMENT);
        return agree ? 0 : 1;
    }

    /** Exports {@code classifier} to {@code onnx} and scores {@code sentences} three ways. */
    static Comparison compare(SentimentModel classifier, List<Sentence> sentences, Path onnx) throws Exception {
        Path parent = onnx.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        OnnxExport.save(classifier.network(), onnx);
        List<String> texts = new ArrayList<>();
        List<int[]> ids = new ArrayList<>();
        for (Sentence s : sentences) {
            texts.add(s.text());
            ids.add(classifier.encode(s.text()));
        }
        double[] rnn4j = classifier.probabilities(texts);
        double[] runtime;
        try (OnnxScoring scoring = new OnnxScoring(onnx)) {
            runtime = scoring.probabilities(ids, Vocabulary.PADDING);
        }
        SentimentModel reimported = new SentimentModel(OnnxImport.read(onnx).model(), classifier.vocabulary(),
                classifier.maxLength());
        double[] imported = reimported.probabilities(texts);
        double runtimeDifference = 0;
        double importedDifference = 0;
        int same = 0;
        int rnn4jCorrect = 0;
        int runtimeCorrect = 0;
        for (int i = 0; i < rnn4j.length; i++) {
            runtimeDifference = Math.max(runtimeDifference, Math.abs(rnn4j[i] - runtime[i]));
            importedDifference = Math.max(importedDifference, Math.abs(rnn4j[i] - imported[i]));
            int a = rnn4j[i] > 0.5 ? 1 : 0;
            int b = runtime[i] > 0.5 ? 1 : 0;
            same += a == b ? 1 : 0;
            rnn4jCorrect += a == sentences.get(i).label() ? 1 : 0;
            runtimeCorrect += b == sentences.get(i).label() ? 1 : 0;
        }
        return new Comparison(rnn4j.length, runtimeDifference, importedDifference, same,
                rnn4jCorrect / (double) rnn4j.length, runtimeCorrect / (double) rnn4j.length);
    }
}
