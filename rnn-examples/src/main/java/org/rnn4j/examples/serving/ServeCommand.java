package org.rnn4j.examples.serving;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.rnn4j.examples.DemoVersion;
import org.rnn4j.examples.sentiment.SentimentDemo;
import org.rnn4j.serve.BatchingPredictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code serve} mode: the sentiment model behind HTTP until the JVM is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "Serves the model the sentiment demo saved over HTTP (POST /predict, GET /health, GET /metrics, "
                + "POST /reload), batching concurrent requests; runs until stopped (Ctrl-C).")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = SentimentDemo.DEFAULT_MODEL,
            description = "the saved model (default: ${DEFAULT-VALUE})")
    Path model;
    @Option(names = "--port", defaultValue = "8080", description = "the port; 0 for a free one (default: "
            + "${DEFAULT-VALUE})")
    int port;
    @Option(names = "--max-batch", defaultValue = "" + BatchingPredictor.DEFAULT_MAX_BATCH,
            description = "the most sentences per pass (default: ${DEFAULT-VALUE})")
    int maxBatch;
    @Option(names = "--max-delay-ms", defaultValue = "2", description = "how long a sentence may wait for others to "
            + "join its pass (default: ${DEFAULT-VALUE})")
    long maxDelayMillis;
    @Option(names = "--queue", defaultValue = "" + BatchingPredictor.DEFAULT_QUEUE_CAPACITY,
            description = "the most sentences waiting; beyond it requests get 503 (default: ${DEFAULT-VALUE})")
    int queueCapacity;

    @Override
    public Integer call() throws Exception {
        SentimentDemo.requireSavedModel(model);
        SentimentService service = SentimentService.start(model, port, new SentimentService.Batching(maxBatch,
                Duration.ofMillis(maxDelayMillis), queueCapacity));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "rnn4j-serve-shutdown"));
        System.out.printf("serving %s on http://localhost:%d  (POST /predict {\"sentences\": [\"...\"]}, GET /health, "
                + "GET /metrics, POST /reload; Ctrl-C stops)%n", model, service.port());
        stopped.await();
        return 0;
    }
}
