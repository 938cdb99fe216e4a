package org.rnn4j.examples.dates;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rnn4j.examples.DemoVersion;
import org.rnn4j.examples.ProgressOption;
import org.rnn4j.nd4j.io.ModelArchive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code dates} demo: dates written in many human formats and languages, normalised to ISO by seq2seq. */
@Command(name = "dates", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "Trains an encoder-decoder with attention to rewrite dates written in 60 formats of 15 locales "
                + "(the JDK's own) as ISO yyyy-mm-dd; scores greedy and beam decoding on unseen dates against the "
                + "JDK's parsers and a copy-the-digits rule; writes attention heatmaps.")
public final class DatesDemo implements Callable<Integer> {
    @Option(names = "--train", defaultValue = "8000", description = "training dates (default: ${DEFAULT-VALUE})")
    int train;
    @Option(names = "--validation", defaultValue = "500", description = "validation dates (default: ${DEFAULT-VALUE})")
    int validation;
    @Option(names = "--test", defaultValue = "500", description = "test dates, unseen in training (default: "
            + "${DEFAULT-VALUE})")
    int test;
    @Option(names = "--embedding", defaultValue = "24", description = "character embedding size (default: "
            + "${DEFAULT-VALUE})")
    int embedding;
    @Option(names = "--hidden", defaultValue = "48", description = "hidden size of the encoder (each direction) and "
            + "the decoder (default: ${DEFAULT-VALUE})")
    int hidden;
    @Option(names = "--epochs", defaultValue = "10", description = "epochs; the best by validation loss is kept "
            + "(default: ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "64", description = "pairs per mini-batch (default: "
            + "${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--lr", defaultValue = "0.005", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;
    @Option(names = "--beam", defaultValue = "4", description = "beam width (default: ${DEFAULT-VALUE})")
    int beam;
    @Option(names = "--seed", defaultValue = "7", description = "seed of the data, the initialisation and the batch "
            + "order (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--heatmaps", defaultValue = "3", description = "attention heatmaps to write (default: "
            + "${DEFAULT-VALUE})")
    int heatmaps;
    @Option(names = "--out", defaultValue = "rnn4j-output", description = "folder for the heatmaps and the model "
            + "(default: ${DEFAULT-VALUE})")
    Path out;
    @Mixin
    ProgressOption progress;

    @Override
    public Integer call() throws Exception {
        DatesPipeline.Settings settings = new DatesPipeline.Settings(train, validation, test, embedding, hidden,
                epochs, batchSize, learningRate, beam, seed, progress.enabled());
        System.out.printf("dates: %d train, %d validation, %d test dates (2000-2049, split by date), written in %d "
                + "formats of %d locales%n", train, validation, test, DateFormats.all().size(),
                DateFormats.LOCALES.size());
        DatesPipeline.Result r = DatesPipeline.run(settings);
        System.out.printf("trained %d epochs in %.0f s (best epoch %d, validation loss %.4f)%n",
                r.training().history().size(), r.seconds(), r.training().bestEpoch() + 1, r.training().bestScore());
        System.out.printf(Locale.ROOT, "exact match on %d unseen test dates:%n", r.test().size());
        System.out.printf(Locale.ROOT, "  model, greedy decoding        %.3f%n", r.greedyAccuracy());
        System.out.printf(Locale.ROOT, "  model, beam search (width %d)  %.3f%n", beam, r.beamAccuracy());
        System.out.printf(Locale.ROOT, "  JDK parsers of all 60 formats  %.3f%n", r.lenientParsing());
        System.out.printf(Locale.ROOT, "  copy the digits                %.3f%n", r.digitCopying());
        List<DatesPipeline.Reading> wrong = r.test().stream().filter(x -> !x.beamRight()).toList();
        System.out.printf("wrong (beam) %d of %d%s%n", wrong.size(), r.test().size(), wrong.isEmpty() ? "" : ":");
        for (DatesPipeline.Reading x : wrong.subList(0, Math.min(10, wrong.size()))) {
            System.out.printf("  %-36s %-12s wrote %s, not %s%n", "\"" + x.pair().text() + "\"",
                    x.pair().format().name(), x.beam(), x.pair().iso());
        }
        for (int i = 0; i < Math.min(heatmaps, r.test().size()); i++) {
            DatesPipeline.Reading x = r.test().get(i);
            Path file = AttentionHeatmap.write(out.resolve("dates-attention-" + (i + 1) + ".png"),
                    "\"" + x.pair().text() + "\" → " + x.greedy(), x.pair().text(), x.greedy(), x.attention());
            System.out.println("attention heatmap: " + file);
        }
        Path model = out.resolve("dates.rnn4j");
        ModelArchive.save(model, r.model());
        System.out.println("model: " + model);
        return 0;
    }
}
