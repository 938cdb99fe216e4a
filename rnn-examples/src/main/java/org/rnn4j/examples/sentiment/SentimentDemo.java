package org.rnn4j.examples.sentiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.rnn4j.examples.DemoVersion;
import org.rnn4j.examples.ProgressOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code sentiment} demo: trains, compares with the baselines, saves the model. */
@Command(name = "sentiment", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "Trains a GRU/LSTM sentiment classifier on the UCI Sentiment Labelled Sentences and compares "
                + "it with the majority class and a bag-of-words logistic regression.")
public final class SentimentDemo implements Callable<Integer> {
    /** Where the trained model goes unless --model says otherwise; sentiment-predict reads it from there. */
    public static final String DEFAULT_MODEL = "rnn4j-output/sentiment.rnn4j";

    /** Checks that {@code model} exists, telling the user how to make it if not. */
    public static Path requireSavedModel(Path model) {
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("no saved model at " + model + ": train one first with "
                    + "-Dexec.args=\"sentiment\" (or pass --model FILE)");
        }
        return model;
    }

    @Option(names = "--data", description = "folder with the three UCI *_labelled.txt files (default: the copy "
            + "shipped with the examples)")
    Path data;
    @Option(names = "--cell", defaultValue = "gru", description = "gru or lstm (default: ${DEFAULT-VALUE})")
    String cell;
    @Option(names = "--bidirectional", description = "read each sentence in both directions")
    boolean bidirectional;
    @Option(names = "--embedding", defaultValue = "64", description = "embedding size (default: ${DEFAULT-VALUE})")
    int embedding;
    @Option(names = "--hidden", defaultValue = "64", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden;
    @Option(names = "--epochs", defaultValue = "15", description = "at most this many epochs (default: "
            + "${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--patience", defaultValue = "4", description = "stop after this many epochs without a better "
            + "validation accuracy; 0 never stops early (default: ${DEFAULT-VALUE})")
    int patience;
    @Option(names = "--batch-size", defaultValue = "32", description = "sentences per mini-batch (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--lr", defaultValue = "0.005", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;
    @Option(names = "--dropout", defaultValue = "0.3", description = "dropout before the head (default: "
            + "${DEFAULT-VALUE})")
    double dropout;
    @Option(names = "--max-length", defaultValue = "64", description = "tokens kept per sentence (default: "
            + "${DEFAULT-VALUE})")
    int maxLength;
    @Option(names = "--min-count", defaultValue = "2", description = "training occurrences a word needs to get its "
            + "own id (default: ${DEFAULT-VALUE})")
    int minCount;
    @Option(names = "--seed", defaultValue = "42", description = "seed of the split, initialisation and batches "
            + "(default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--model", defaultValue = DEFAULT_MODEL, description = "where to save the trained model "
            + "(default: ${DEFAULT-VALUE})")
    Path model;
    @Option(names = "--spark", paramLabel = "MASTER", description = "train on Spark with the same loss curve: "
            + "local[2], spark://host:7077, or submit (the master spark-submit set)")
    String spark;
    @Mixin
    ProgressOption progress;

    @Override
    public Integer call() throws Exception {
        SentimentPipeline.Settings settings = new SentimentPipeline.Settings(cell, embedding, hidden, bidirectional,
                epochs, batchSize, learningRate, dropout, patience, maxLength, minCount, seed,
                progress.enabled());
        List<Sentence> sentences = data == null ? SentenceCorpus.shipped() : SentenceCorpus.fromDirectory(data);
        System.out.printf("%d sentences (UCI Sentiment Labelled Sentences: amazon, imdb, yelp); training %s%s...%n",
                sentences.size(), bidirectional ? "a bidirectional " : cell.equals("lstm") ? "an " : "a ",
                cell.toUpperCase(java.util.Locale.ROOT));
        SentimentPipeline.Report r = SentimentPipeline.run(sentences, settings, spark);
        System.out.printf("%nsplit (stratified by source and label, seed %d): train %d, validation %d, test %d; "
                + "vocabulary %d words%n", seed, r.trainSize(), r.validationSize(), r.testSize(), r.vocabularySize());
        System.out.printf("trained %d epochs, best validation accuracy %.3f at epoch %d%s, %.0f s in all%n%n",
                r.training().history().size(), r.training().bestScore(), r.training().bestEpoch() + 1,
                r.training().stoppedEarly() ? " (stopped early)" : "", r.seconds());
        System.out.println("test set                      accuracy    F1 (positive)   ROC AUC");
        System.out.printf("majority class                   %.3f        %.3f           -%n",
                r.majority().accuracy(), r.majority().f1());
        System.out.printf("bag-of-words logistic reg.       %.3f        %.3f         %.3f%n",
                r.bagOfWords().accuracy(), r.bagOfWords().f1(), r.bagOfWordsRocAuc());
        System.out.printf("%-29s    %.3f        %.3f         %.3f%n", (bidirectional ? "bi-" : "") + cell.toUpperCase(
                java.util.Locale.ROOT) + " (rnn4j)", r.rnn().accuracy(), r.rnn().f1(), r.rnnRocAuc());
        double gap = r.rnn().accuracy() - r.bagOfWords().accuracy();
        System.out.printf("%nThe RNN is %s the bag-of-words baseline by %.1f accuracy points%s.%n",
                gap >= 0 ? "ahead of" : "behind", Math.abs(gap) * 100,
                Math.abs(gap) < 0.02 ? " (within the noise of a 450-sentence test set)" : "");
        r.model().save(model);
        System.out.printf("model saved to %s; classify sentences with: -Dexec.args=\"sentiment-predict 'What a "
                + "great phone'\"%n", model);
        return 0;
    }
}
