package org.rnn4j.examples.sentiment;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rnn4j.examples.DemoVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code sentiment-predict} mode: classifies sentences with a model saved by {@code sentiment}. */
@Command(name = "sentiment-predict", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "Classifies the sentences given as arguments, or one per line on standard input, with the "
                + "model the sentiment demo saved; prints the probability that each is positive.")
public final class SentimentPredict implements Callable<Integer> {
    @Option(names = "--model", defaultValue = SentimentDemo.DEFAULT_MODEL,
            description = "the saved model (default: ${DEFAULT-VALUE})")
    Path model;
    @Parameters(arity = "0..*", paramLabel = "SENTENCE", description = "sentences to classify")
    List<String> sentences = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        SentimentDemo.requireSavedModel(model);
        SentimentModel classifier = SentimentModel.load(model);
        List<String> input = sentences;
        if (input.isEmpty()) {
            input = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank()) {
                    input.add(line.strip());
                }
            }
        }
        if (input.isEmpty()) {
            throw new IllegalArgumentException("no sentences: pass them as arguments or one per line on standard "
                    + "input");
        }
        double[] p = classifier.probabilities(input);
        for (int i = 0; i < p.length; i++) {
            System.out.printf("%.3f  %-8s  %s%n", p[i], p[i] > 0.5 ? "positive" : "negative", input.get(i));
        }
        return 0;
    }
}
