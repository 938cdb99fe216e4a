package org.rnn4j.examples.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.examples.sentiment.SentimentModel;
import org.rnn4j.examples.sentiment.Vocabulary;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;

/** The HTTP service on a free loopback port: concurrent answers equal the model's, reload drops nothing, metrics. */
class SentimentServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WORDS = List.of("great", "food", "terrible", "service", "the", "was", "not",
            "good", "bad", "phone", "love", "it", "slow", "friendly", "staff");

    static SentimentModel model(long seed) {
        List<String> vocabulary = new ArrayList<>(List.of("<pad>", "<unk>"));
        vocabulary.addAll(WORDS);
        SequenceModel network = SequenceModel.builder()
                .embedding(new Embedding(vocabulary.size(), 8, Vocabulary.PADDING))
                .recurrent(StackedRnn.builder(Gru.builder(8, 8).build()).bidirectional(true).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN)
                .head(Dense.builder(16, 1).build()).seed(seed).build();
        return new SentimentModel(network, Vocabulary.of(vocabulary), 20);
    }

    static List<String> sentences(SplittableRandom random, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder s = new StringBuilder();
            int words = 1 + random.nextInt(12);
            for (int w = 0; w < words; w++) {
                s.append(w == 0 ? "" : " ").append(random.nextInt(10) == 0 ? "unseen" : WORDS.get(
                        random.nextInt(WORDS.size())));
            }
            out.add(s.toString());
        }
        return out;
    }

    @Test
    void concurrentRequestsGetTheModelsAnswersAndAReloadDropsNone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sentiment.rnn4j");
        SentimentModel first = model(1);
        SentimentModel second = model(2);
        first.save(file);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (SentimentService service = SentimentService.start(file, 0, SentimentService.Batching.DEFAULT)) {
            String base = "http://127.0.0.1:" + service.port();
            JsonNode health = JSON.readTree(get(http, base + "/health").body());
            assertEquals("up", health.get("status").asText());

            // 16 clients, 25 requests each of 1-3 sentences; the model file is swapped and reloaded half-way
            int clients = 16;
            int perClient = 25;
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger fromSecond = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long seed = c;
                running.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int r = 0; r < perClient; r++) {
                        List<String> input = sentences(random, 1 + random.nextInt(3));
                        HttpResponse<String> response = post(http, base + "/predict", body(input));
                        assertEquals(200, response.statusCode(), response.body());
                        JsonNode predictions = JSON.readTree(response.body()).get("predictions");
                        double[] a = first.probabilities(input);
                        double[] b = second.probabilities(input);
                        boolean allSecond = true;
                        for (int i = 0; i < input.size(); i++) {
                            double p = predictions.get(i).get("positive").asDouble();
                            assertEquals(input.get(i), predictions.get(i).get("sentence").asText());
                            boolean isFirst = Math.abs(p - a[i]) < 1e-5;
                            boolean isSecond = Math.abs(p - b[i]) < 1e-5;
                            assertTrue(isFirst || isSecond, "sentence '" + input.get(i) + "': " + p + " is neither "
                                    + "model's answer (" + a[i] + ", " + b[i] + ")");
                            assertEquals(p > 0.5 ? "positive" : "negative",
                                    predictions.get(i).get("label").asText());
                            allSecond &= isSecond && !isFirst;
                        }
                        answered.incrementAndGet();
                        fromSecond.addAndGet(allSecond ? 1 : 0);
                    }
                    return null;
                }));
            }
            while (answered.get() < clients * perClient / 2) {
                Thread.sleep(5);
            }
            second.save(file);
            HttpResponse<String> reloaded = post(http, base + "/reload", "");
            assertEquals(200, reloaded.statusCode(), reloaded.body());
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            assertEquals(clients * perClient, answered.get(), "every request answered");
            assertTrue(fromSecond.get() > 0, "requests after the reload get the new model's answers");

            List<String> after = List.of("great food", "terrible slow service");
            JsonNode predictions = JSON.readTree(post(http, base + "/predict", body(after)).body())
                    .get("predictions");
            assertEquals(second.probabilities(after)[1], predictions.get(1).get("positive").asDouble(), 1e-5);

            String metrics = get(http, base + "/metrics").body();
            assertEquals(clients * perClient + 1, metric(metrics, "rnn4j_http_requests_total\\{outcome=\"ok\"}"));
            assertTrue(metric(metrics, "rnn4j_pass_sequences_count") > 0, metrics);
            assertTrue(metric(metrics, "rnn4j_http_request_seconds_count") >= clients * perClient + 1);
            assertTrue(metrics.contains("rnn4j_queue_waiting"), metrics);
        }
    }

    @Test
    void badRequestsAndAFailedReloadAreClearAndChangeNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sentiment.rnn4j");
        SentimentModel model = model(3);
        model.save(file);
        HttpClient http = HttpClient.newHttpClient();
        try (SentimentService service = SentimentService.start(file, 0, SentimentService.Batching.DEFAULT)) {
            String base = "http://127.0.0.1:" + service.port();
            assertError(post(http, base + "/predict", "not json"), 400, "must be JSON");
            assertError(post(http, base + "/predict", "{\"sentences\": []}"), 400, "a non-empty array of strings");
            assertError(post(http, base + "/predict", "{\"sentences\": [\"ok\", 3]}"), 400,
                    "sentences[1] must be a string but is NUMBER");
            Files.writeString(file, "not a model");
            assertError(post(http, base + "/reload", ""), 500, "reload failed, still serving the previous model");
            List<String> input = List.of("the staff was friendly");
            JsonNode p = JSON.readTree(post(http, base + "/predict", body(input)).body()).get("predictions");
            assertEquals(model.probabilities(input)[0], p.get(0).get("positive").asDouble(), 1e-5);
            String metrics = get(http, base + "/metrics").body();
            assertEquals(3, metric(metrics, "rnn4j_http_requests_total\\{outcome=\"bad_request\"}"));
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String message) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        String error = JSON.readTree(response.body()).get("error").asText();
        assertTrue(error.contains(message), error);
    }

    private static double metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(metrics);
        assertTrue(m.find(), name + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static String body(List<String> sentences) throws Exception {
        return JSON.createObjectNode().set("sentences", JSON.valueToTree(sentences)).toString();
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
