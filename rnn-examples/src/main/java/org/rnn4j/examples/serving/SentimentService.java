package org.rnn4j.examples.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.rnn4j.api.Checks;
import org.rnn4j.examples.sentiment.SentimentModel;
import org.rnn4j.serve.BatchingPredictor;
import org.rnn4j.serve.Predictor;
import org.rnn4j.serve.QueueFullException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP service for the sentiment demo's model on Javalin (Jetty): every sentence of every request goes to one
 * {@link BatchingPredictor}, so that sentences of concurrent requests run in shared passes.
 * <pre>
 *   POST /predict   {"sentences": ["great food", ...]}  →  {"predictions": [{"sentence": …, "positive": 0.93,
 *                   "label": "positive"}, …]}; 400 for a bad body, 503 (Retry-After: 1) when the queue is full
 *   GET  /health    {"status": "up", "model": …, "loaded_at": …, "waiting": …}
 *   GET  /metrics   Prometheus text format: requests and sentences by outcome, request latency, pass sizes, queue
 *   POST /reload    loads the model file again and swaps it in; requests in flight finish on the old model
 * </pre>
 * A reload that fails (missing or corrupt file) keeps the old model and answers 500 with the reason.
 */
public final class SentimentService implements AutoCloseable {
    /** The longest a request waits for its predictions before the service answers 503. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The most sentences one request may carry. */
    static final int MAX_SENTENCES = 256;

    private static final Logger LOG = LoggerFactory.getLogger(SentimentService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the predictor batches: {@link BatchingPredictor.Builder}'s settings. */
    public record Batching(int maxBatch, Duration maxDelay, int queueCapacity) {
        public static final Batching DEFAULT = new Batching(BatchingPredictor.DEFAULT_MAX_BATCH,
                BatchingPredictor.DEFAULT_MAX_DELAY, BatchingPredictor.DEFAULT_QUEUE_CAPACITY);
    }

    /** The model being served, its predictor and when it was loaded. */
    private record Served(SentimentModel model, BatchingPredictor predictor, Instant loadedAt) {
    }

    private final Path modelFile;
    private final Batching batching;
    private final AtomicReference<Served> served = new AtomicReference<>();
    private final Object reloading = new Object();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter sentences;
    private final Histogram latency;
    private final Histogram passSizes;
    private final Javalin app;

    private SentimentService(Path modelFile, Batching batching) throws IOException {
        this.modelFile = Checks.notNull(modelFile, "modelFile");
        this.batching = Checks.notNull(batching, "batching");
        requests = Counter.builder().name("rnn4j_http_requests_total").help("POST /predict requests by outcome")
                .labelNames("outcome").register(registry);
        sentences = Counter.builder().name("rnn4j_sentences_total").help("sentences classified").register(registry);
        latency = Histogram.builder().name("rnn4j_http_request_seconds").help("POST /predict latency")
                .classicOnly().classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10)
                .register(registry);
        passSizes = Histogram.builder().name("rnn4j_pass_sequences").help("sentences per model pass")
                .classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256).register(registry);
        GaugeWithCallback.builder().name("rnn4j_queue_waiting").help("sentences waiting for a pass")
                .callback(cb -> cb.call(served.get().predictor().stats().waiting())).register(registry);
        served.set(load());
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.post("/predict", this::predict);
            config.routes.get("/health", this::health);
            config.routes.get("/metrics", this::metrics);
            config.routes.post("/reload", this::reload);
        });
    }

    /**
     * Loads {@code modelFile} (a model saved by the sentiment demo) and serves it on {@code port} of the loopback
     * and every other interface (0: a free port, see {@link #port()}).
     *
     * @throws IOException if the file is missing or not a sentiment model
     */
    public static SentimentService start(Path modelFile, int port, Batching batching) throws IOException {
        SentimentService service = new SentimentService(modelFile, batching);
        service.app.start(port);
        return service;
    }

    /** The port the service listens on. */
    public int port() {
        return app.port();
    }

    /** The model being served now. */
    public SentimentModel model() {
        return served.get().model();
    }

    private Served load() throws IOException {
        SentimentModel model = SentimentModel.load(modelFile);
        BatchingPredictor predictor = Predictor.batching(model.network()).maxBatch(batching.maxBatch())
                .maxDelay(batching.maxDelay()).queueCapacity(batching.queueCapacity()).timeout(REQUEST_TIMEOUT)
                .listener((n, longest, padding, waited, took) -> passSizes.observe(n)).build();
        return new Served(model, predictor, Instant.now());
    }

    /**
     * Loads the model file again and serves it from now on; the old predictor then answers what it had accepted and
     * stops. No request is dropped: one that reaches the old predictor after it closed runs on the new one.
     *
     * @throws IOException if the file cannot be loaded (the old model stays)
     */
    public void reload() throws IOException {
        synchronized (reloading) {
            Served next = load();
            Served previous = served.getAndSet(next);
            previous.predictor().close();
            LOG.info("reloaded {}", modelFile);
        }
    }

    private void predict(Context ctx) {
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            List<String> input = sentences(ctx.body());
            List<float[]> logits = classify(input);
            ObjectNode body = JSON.createObjectNode();
            ArrayNode out = body.putArray("predictions");
            for (int i = 0; i < input.size(); i++) {
                double p = 1 / (1 + Math.exp(-logits.get(i)[0]));
                out.addObject().put("sentence", input.get(i)).put("positive", p)
                        .put("label", p > 0.5 ? "positive" : "negative");
            }
            sentences.inc(input.size());
            ctx.contentType("application/json").result(body.toString());
        } catch (IllegalArgumentException e) {
            outcome = "bad_request";
            error(ctx, 400, e.getMessage());
        } catch (QueueFullException | TimeoutException e) {
            outcome = "busy";
            ctx.header("Retry-After", "1");
            error(ctx, 503, e instanceof TimeoutException ? "no answer within " + REQUEST_TIMEOUT.toSeconds()
                    + " s" : e.getMessage());
        } catch (RuntimeException | ExecutionException e) {
            outcome = "error";
            LOG.warn("POST /predict failed", e);
            error(ctx, 500, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "error";
            error(ctx, 500, "interrupted");
        } finally {
            requests.labelValues(outcome).inc();
            latency.observe((System.nanoTime() - start) / 1e9);
        }
    }

    /** Each sentence's logits; every sentence is its own predictor request, so they batch with other requests'. */
    private List<float[]> classify(List<String> input) throws InterruptedException, ExecutionException,
            TimeoutException {
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (true) {
            Served s = served.get();
            List<CompletableFuture<float[]>> answers = new ArrayList<>(input.size());
            input.forEach(sentence -> answers.add(s.predictor().predict(s.model().encode(sentence))));
            try {
                List<float[]> logits = new ArrayList<>(input.size());
                for (CompletableFuture<float[]> a : answers) {
                    logits.add(a.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                }
                return logits;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof QueueFullException full) {
                    throw full;
                }
                if (e.getCause() instanceof RejectedExecutionException && served.get() != s) {
                    continue; // reached the old predictor as a reload closed it: ask the new one
                }
                if (e.getCause() instanceof IllegalArgumentException bad) {
                    throw bad;
                }
                throw e;
            }
        }
    }

    /** The sentences of a {@code {"sentences": [...]}} body. */
    static List<String> sentences(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body must be JSON like {\"sentences\": [\"great food\"]}: "
                    + e.getOriginalMessage());
        }
        JsonNode list = root == null ? null : root.get("sentences");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("the body must hold \"sentences\": a non-empty array of strings");
        }
        if (list.size() > MAX_SENTENCES) {
            throw new IllegalArgumentException("\"sentences\" may hold at most " + MAX_SENTENCES + " sentences but "
                    + "holds " + list.size());
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isTextual()) {
                throw new IllegalArgumentException("sentences[" + i + "] must be a string but is "
                        + list.get(i).getNodeType());
            }
            out.add(list.get(i).asText());
        }
        return out;
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json")
                .result(JSON.createObjectNode().put("error", message).toString());
    }

    private void health(Context ctx) {
        Served s = served.get();
        ctx.contentType("application/json").result(JSON.createObjectNode().put("status", "up")
                .put("model", modelFile.toString()).put("loaded_at", s.loadedAt().toString())
                .put("waiting", s.predictor().stats().waiting()).toString());
    }

    private void metrics(Context ctx) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        writer.write(out, registry.scrape());
        ctx.contentType(writer.getContentType()).result(out.toByteArray());
    }

    private void reload(Context ctx) {
        try {
            reload();
            health(ctx);
        } catch (IOException | RuntimeException e) {
            LOG.warn("reload failed; still serving the model loaded at {}", served.get().loadedAt(), e);
            error(ctx, 500, "reload failed, still serving the previous model: " + e.getMessage());
        }
    }

    /** Stops the HTTP server, then the predictor (which answers what it had accepted). */
    @Override
    public void close() {
        app.stop();
        served.get().predictor().close();
    }
}
