package org.rnn4j.examples.dates;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.layer.Attention;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.Decoding;
import org.rnn4j.nd4j.model.EncoderDecoder;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingResult;
import org.rnn4j.train.data.Seq2SeqDataset;

/**
 * The dates demo's work: characters of a written date in, the ISO date's characters out, by an encoder-decoder with
 * attention (character embedding, bidirectional GRU encoder, GRU decoder with input feeding, Luong's general
 * attention), trained by the {@link Trainer} and scored by exact match of greedy and beam decoding on unseen dates
 * against the two baselines.
 */
public final class DatesPipeline {
    /** Settings of one run; see {@link DatesDemo} for their meaning and defaults. */
    public record Settings(int train, int validation, int test, int embedding, int hidden, int epochs, int batchSize,
                           double learningRate, int beamWidth, long seed, boolean progress) {
    }

    /** A test date, how the model read it, and where it attended. */
    public record Reading(DateCorpus.Pair pair, String greedy, String beam, double[][] attention) {
        public boolean greedyRight() {
            return greedy.equals(pair.iso());
        }

        public boolean beamRight() {
            return beam.equals(pair.iso());
        }
    }

    public record Result(EncoderDecoder model, CharVocabulary source, CharVocabulary target, TrainingResult training,
                         double seconds, List<Reading> test, double lenientParsing, double digitCopying) {
        public double greedyAccuracy() {
            return test.stream().filter(Reading::greedyRight).count() / (double) test.size();
        }

        public double beamAccuracy() {
            return test.stream().filter(Reading::beamRight).count() / (double) test.size();
        }
    }

    /** ISO dates are ten characters; the decoder may write two more before it must have ended. */
    static final int MAX_OUTPUT = 12;

    private DatesPipeline() {
    }

    public static Result run(Settings s) {
        DateCorpus.Split split = DateCorpus.generate(s.train(), s.validation(), s.test(), s.seed());
        CharVocabulary source = CharVocabulary.of(split.train().stream().map(DateCorpus.Pair::text).toList());
        CharVocabulary target = CharVocabulary.of(List.of("0123456789-"));
        EncoderDecoder model = model(source.size(), target.size(), s.embedding(), s.hidden(), s.seed());
        long start = System.nanoTime();
        TrainingResult training = Trainer.builder(model, CharVocabulary.BOS, new Adam(s.learningRate()))
                .epochs(s.epochs()).batchSize(s.batchSize()).seed(s.seed()).bucketByLength(true)
                .clipGradientNorm(5).validation(pairs(split.validation(), source, target))
                .progressBar(s.progress()).build().fit(pairs(split.train(), source, target));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<int[]> sources = split.test().stream().map(p -> source.encode(p.text(), false)).toList();
        Decoding.Settings decoding = new Decoding.Settings(CharVocabulary.BOS, CharVocabulary.EOS, MAX_OUTPUT);
        List<Decoding.Output> greedy = Decoding.greedy(model, sources, decoding);
        List<Decoding.Output> beam = Decoding.beam(model, sources, decoding, s.beamWidth(), 1.0);
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            readings.add(new Reading(split.test().get(i), target.decode(greedy.get(i).tokens()),
                    target.decode(beam.get(i).tokens()), greedy.get(i).attention()));
        }
        return new Result(model, source, target, training, seconds, readings,
                new LenientParsing().accuracy(split.test()), new DigitCopying().accuracy(split.test()));
    }

    static EncoderDecoder model(int sourceVocabulary, int targetVocabulary, int embedding, int hidden, long seed) {
        int keys = 2 * hidden;
        return new EncoderDecoder(new EncoderDecoder.Config(
                new Embedding(sourceVocabulary, embedding, CharVocabulary.PAD),
                StackedRnn.builder(Gru.builder(embedding, hidden).build()).bidirectional(true).build(),
                new Embedding(targetVocabulary, embedding, CharVocabulary.PAD),
                Gru.builder(embedding + keys, hidden).build(), Attention.general(hidden, keys), DataType.FLOAT,
                seed));
    }

    static Seq2SeqDataset pairs(List<DateCorpus.Pair> pairs, CharVocabulary source, CharVocabulary target) {
        return Seq2SeqDataset.of(pairs.stream().map(p -> source.encode(p.text(), false)).toList(),
                pairs.stream().map(p -> target.encode(p.iso(), true)).toList(), CharVocabulary.PAD);
    }
}
