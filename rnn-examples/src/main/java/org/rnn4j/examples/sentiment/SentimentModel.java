package org.rnn4j.examples.sentiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.nd4j.io.ModelArchive;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.train.data.SequenceDataset;

/**
 * A trained sentiment classifier with what it needs to read raw text: the vocabulary and the length cap. Saved as
 * an rnn4j model file whose {@code extra} JSON holds {@code {"sentiment": {"max_length": 64, "vocabulary": [...]}}}.
 */
public record SentimentModel(SequenceModel network, Vocabulary vocabulary, int maxLength) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The ids the network reads for {@code sentence}. */
    public int[] encode(String sentence) {
        return vocabulary.encode(Tokenizer.tokens(sentence), maxLength);
    }

    /** The probability that each sentence is positive. */
    public double[] probabilities(List<String> sentences) {
        List<int[]> ids = new ArrayList<>();
        sentences.forEach(s -> ids.add(encode(s)));
        return probabilitiesOfIds(ids);
    }

    double[] probabilitiesOfIds(List<int[]> ids) {
        SequenceDataset data = SequenceDataset.ofTokens(ids, new float[ids.size()][1], Vocabulary.PADDING);
        INDArray logits = org.rnn4j.train.Predictions.of(network, data, 256).predictions();
        double[] z = logits.reshape(-1).toDoubleVector();
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = BagOfWordsLogisticRegression.sigmoid(z[i]);
        }
        return p;
    }

    public void save(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ObjectNode extra = JSON.createObjectNode();
        ObjectNode sentiment = extra.putObject("sentiment").put("max_length", maxLength);
        ArrayNode words = sentiment.putArray("vocabulary");
        vocabulary.words().forEach(words::add);
        ModelArchive.save(file, network, extra, Map.of());
    }

    /** @throws IOException if the file is missing, not an rnn4j model, or not a sentiment model */
    public static SentimentModel load(Path file) throws IOException {
        ModelArchive.Contents<SequenceModel> contents = ModelArchive.read(file);
        JsonNode sentiment = contents.extra() == null ? null : contents.extra().get("sentiment");
        if (sentiment == null || !sentiment.path("vocabulary").isArray() || !sentiment.path("max_length").isInt()) {
            throw new IOException(file + " is an rnn4j model but not a sentiment model (no vocabulary)");
        }
        List<String> words = new ArrayList<>();
        sentiment.get("vocabulary").forEach(w -> words.add(w.asText()));
        if (contents.model().embedding() == null || contents.model().embedding().spec().vocabularySize()
                != words.size()) {
            throw new IOException(file + ": the vocabulary has " + words.size() + " words but the model's "
                    + "embedding does not have as many rows");
        }
        try {
            return new SentimentModel(contents.model(), Vocabulary.of(words), sentiment.get("max_length").asInt());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
