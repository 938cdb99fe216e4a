package org.rnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Optimizer;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.io.ModelArchive;
import org.rnn4j.nd4j.io.PyTorchModel;
import org.rnn4j.nd4j.io.PyTorchRnn;
import org.rnn4j.nd4j.layer.Attention;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.Decoding;
import org.rnn4j.nd4j.model.EncoderDecoder;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.nd4j.optim.Sgd;
import org.rnn4j.onnx.OnnxExport;
import org.rnn4j.onnx.OnnxImport;
import org.rnn4j.serve.BatchingPredictor;
import org.rnn4j.spark.SparkLearner;
import org.rnn4j.spark.SparkSequenceData;
import org.rnn4j.serve.Predictor;
import org.rnn4j.train.Checkpoint;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingResult;
import org.rnn4j.train.data.Seq2SeqDataset;
import org.rnn4j.train.data.SequenceDataset;

/**
 * Keeps the code of the README and docs/ compiling and working: the code between each pair of markers stands
 * verbatim in README.md or a docs/*.md file.
 */
class ReadmeTourTest {
    @Test
    void tourRunsAndLearns() {
        // README-TOUR-BEGIN
        // A vanilla RNN over 3 features with 16 hidden units; a dense head reads the last step.
        SequenceModel model = SequenceModel.builder()
                .recurrent(VanillaRnn.builder(3, 16).activation(Activation.TANH).build())
                .head(Dense.builder(16, 1).build())
                .outputMode(SequenceModel.OutputMode.LAST_STEP)
                .seed(42)
                .build();

        // Sequences are time-major: [time, batch, features]. Target: the mean of each sequence's first feature.
        INDArray x = Nd4j.rand(DataType.FLOAT, 10, 32, 3);
        INDArray y = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).mean(0).reshape(32, 1);

        Loss mse = new MeanSquaredError();
        Optimizer sgd = new Sgd(0.1);
        sgd.initialise(model.parameters());
        double first = model.computeGradients(x, y, mse);
        double loss = first;
        for (int step = 0; step < 300; step++) {
            loss = model.computeGradients(x, y, mse);   // forward, loss, backpropagation through time
            sgd.step(model.parameters(), model.gradients());
        }
        INDArray prediction = model.predict(x);          // [32, 1]
        // README-TOUR-END
        assertArrayEquals(new long[] {32, 1}, prediction.shape());
        assertTrue(loss < first / 3, "loss " + first + " -> " + loss);
    }

    @Test
    void pytorchTourLoadsWeightsAndRuns(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path weights = dir.resolve("lstm.safetensors");
        StackedRnn exported = StackedRnn.builder(Lstm.builder(3, 4).build()).layers(2).bidirectional(true).build();
        Parameters torchWeights = Parameters.zeros(exported.layout(), DataType.FLOAT);
        exported.initialize(torchWeights, new java.util.SplittableRandom(1));
        PyTorchRnn.save(weights, torchWeights); // stands in for the file PyTorch wrote
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 2, 3);
        // README-PYTORCH-BEGIN
        // PyTorch: nn.LSTM(input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
        StackedRnn lstm = StackedRnn.builder(Lstm.builder(3, 4).build()).layers(2).bidirectional(true).build();
        SequenceModel model = SequenceModel.builder().recurrent(lstm).build();
        PyTorchRnn.load(weights, model.parameters().part("rnn"));     // checks names, shapes and types

        int[] lengths = {6, 3};                                       // no sorting or packing needed
        INDArray outputs = model.predict(x, lengths);                 // [6, 2, 8]: pad_packed_sequence's output
        // README-PYTORCH-END
        assertArrayEquals(new long[] {6, 2, 8}, outputs.shape());
        assertTrue(model.parameters().flat().equalsWithEps(torchWeights.flat(), 0));
    }

    @Test
    void interchangeTourLoadsAPyTorchModelAndExportsIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path stateDict = dir.resolve("classifier.safetensors");
        Path onnxFile = dir.resolve("classifier.onnx");
        SequenceModel trainedInPython = SequenceModel.builder().embedding(new Embedding(20, 5, 0))
                .recurrent(StackedRnn.builder(Lstm.builder(5, 6).build()).layers(2).bidirectional(true).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).head(Dense.builder(12, 3).build()).seed(9).build();
        PyTorchModel.save(trainedInPython, stateDict); // stands in for the file PyTorch wrote
        // README-INTERCHANGE-BEGIN
        // PyTorch: embedding = nn.Embedding(20, 5, padding_idx=0); lstm = nn.LSTM(5, 6, num_layers=2, bidirectional=True);
        //          fc = nn.Linear(12, 3); forward: fc(torch.cat([h_n[-2], h_n[-1]], dim=1))
        SequenceModel model = SequenceModel.builder().embedding(new Embedding(20, 5, 0))
                .recurrent(StackedRnn.builder(Lstm.builder(5, 6).build()).layers(2).bidirectional(true).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).head(Dense.builder(12, 3).build()).build();
        PyTorchModel.load(stateDict, model);                          // checks every name, shape and value first
        float[][] logits = model.predictTokens(List.of(new int[] {4, 9, 2}, new int[] {7}));

        OnnxExport.save(model, onnxFile);                             // tokens + lengths in, logits out
        SequenceModel fromOnnx = OnnxImport.read(onnxFile).model();   // or the file torch.onnx.export wrote
        // README-INTERCHANGE-END
        float[][] expected = trainedInPython.predictTokens(List.of(new int[] {4, 9, 2}, new int[] {7}));
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], logits[i], 0f);
            assertArrayEquals(logits[i], fromOnnx.predictTokens(List.of(i == 0 ? new int[] {4, 9, 2}
                    : new int[] {7}))[0], 1e-6f);
        }
    }

    @Test
    void readmeShowsTheInterchangeTourVerbatim() throws Exception {
        assertQuoted("README-INTERCHANGE");
    }

    @Test
    void layersTourBuilds() {
        // README-LAYERS-BEGIN
        StackedRnn encoder = StackedRnn.builder(Gru.builder(300, 128).build())
                .layers(2).bidirectional(true)            // outputs [T, B, 256]: forward ‖ reverse (Merge.SUM gives 128)
                .dropout(0.2).seed(7)                     // between the layers, in training passes only
                .build();
        // README-LAYERS-END
        assertEquals(256, encoder.outputSize());
    }

    @Test
    void trainingTourLearnsSavesAndResumes(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // README-TRAINING-BEGIN
        // Data: token-id sequences of 3 to 17 tokens; label 1 when "good" (id 2) occurs more often than "bad" (id 3).
        SplittableRandom random = new SplittableRandom(1);
        List<int[]> sentences = new ArrayList<>();
        float[][] labels = new float[1200][];
        for (int i = 0; i < 1200; i++) {
            int[] ids = random.ints(3 + random.nextInt(15), 2, 12).toArray();
            long good = Arrays.stream(ids).filter(id -> id == 2).count();
            long bad = Arrays.stream(ids).filter(id -> id == 3).count();
            sentences.add(ids);
            labels[i] = new float[] {good > bad ? 1 : 0};
        }
        SequenceDataset all = SequenceDataset.ofTokens(sentences, labels, 0);     // id 0 pads
        SequenceDataset train = all.subset(IntStream.range(0, 1000).toArray());
        SequenceDataset validation = all.subset(IntStream.range(1000, 1200).toArray());

        // embedding → bidirectional GRU → both directions' final hidden states → one logit
        SequenceModel model = SequenceModel.builder()
                .embedding(new Embedding(12, 16, 0))
                .recurrent(StackedRnn.builder(Gru.builder(16, 24).build()).bidirectional(true).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN)
                .headDropout(0.1)
                .head(Dense.builder(48, 1).build())
                .seed(7)
                .build();

        Loss loss = new BinaryCrossEntropyWithLogits();
        TrainingResult result = Trainer.builder(model, loss, new Adam(0.01))
                .epochs(12).batchSize(32).seed(7)
                .validation(validation, Metrics.binaryAccuracy())
                .earlyStopping(3)                                  // and keeps the best epoch's parameters
                .checkpoint(dir.resolve("training.rnn4j"))         // after every epoch, atomically
                .build()
                .fit(train);
        System.out.printf("best validation accuracy %.3f at epoch %d%n", result.bestScore(), result.bestEpoch() + 1);

        ModelArchive.save(dir.resolve("model.rnn4j"), model);      // configuration (JSON) + parameters
        SequenceModel served = ModelArchive.load(dir.resolve("model.rnn4j"));
        // README-TRAINING-END
        assertTrue(result.bestScore() >= 0.9, "validation accuracy " + result.bestScore());
        INDArray ids = Nd4j.createFromArray(new float[][] {{2, 3}, {2, 0}, {5, 0}});
        assertEquals(model.predict(ids, new int[] {3, 1}), served.predict(ids, new int[] {3, 1}));

        // README-RESUME-BEGIN
        // After a crash: continue from the last checkpoint to 16 epochs, exactly as if never interrupted.
        Checkpoint checkpoint = Checkpoint.load(dir.resolve("training.rnn4j"));
        Trainer.builder(checkpoint.model(), loss, checkpoint.optimizer())
                .epochs(16).batchSize(32).seed(7)                   // the seed and batching of the first run
                .validation(validation, Metrics.binaryAccuracy()).earlyStopping(3)
                .resumeFrom(checkpoint)
                .build()
                .fit(train);
        // README-RESUME-END
    }

    @Test
    void servingTourAnswersFromAnyThread() throws Exception {
        SequenceModel model = SequenceModel.builder().embedding(new Embedding(50, 8, 0))
                .recurrent(Gru.builder(8, 16).build()).head(Dense.builder(16, 1).build())
                .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).seed(4).build();
        int[] tokens = {4, 8, 15, 16, 23, 42};
        float[] row;
        // README-SERVING-BEGIN
        // One predictor for the service; any number of threads call predict, and requests that arrive
        // together run as one padded pass.
        try (BatchingPredictor predictor = Predictor.batching(model)
                .maxBatch(32).maxDelay(Duration.ofMillis(2))          // up to 32 per pass; wait at most 2 ms
                .queueCapacity(1024).timeout(Duration.ofSeconds(1))   // bounded: beyond it, fail fast
                .build()) {
            CompletableFuture<float[]> answer = predictor.predict(tokens);   // from any thread
            row = answer.get();   // = model.predictTokens(List.of(tokens))[0], to float rounding
        }
        // README-SERVING-END
        assertArrayEquals(model.predictTokens(List.<int[]>of(tokens))[0], row, 1e-5f);
    }

    @Test
    void readmeShowsTheServingTourVerbatim() throws Exception {
        assertQuoted("README-SERVING");
    }

    @Test
    void readmeShowsTheTrainingTourVerbatim() throws Exception {
        assertQuoted("README-TRAINING");
        assertQuoted("README-RESUME");
    }

    @Test
    void readmeShowsTheLayersTourVerbatim() throws Exception {
        assertQuoted("README-LAYERS");
    }

    @Test
    void readmeShowsThePyTorchTourVerbatim() throws Exception {
        assertQuoted("README-PYTORCH");
    }

    @Test
    void readmeShowsTheTourVerbatim() throws Exception {
        assertQuoted("README-TOUR");
    }

    @Test
    void seq2seqTourTrainsDecodesSavesAndLoads(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // data: digit strings (ids 3..12) of 1 to 6 digits and their reversal ending with EOS (id 2)
        SplittableRandom random = new SplittableRandom(3);
        List<int[]> sources = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int[] s = random.ints(1 + random.nextInt(6), 3, 13).toArray();
            int[] t = IntStream.rangeClosed(0, s.length).map(k -> k == s.length ? 2 : s[s.length - 1 - k]).toArray();
            sources.add(s);
            targets.add(t);
        }
        int sourceVocabulary = 13;
        int targetVocabulary = 13;
        List<int[]> validationSources = sources.subList(400, 500);
        List<int[]> validationTargets = targets.subList(400, 500);
        int[] source = sources.get(0);
        Path file = dir.resolve("model.rnn4j");
        // README-SEQ2SEQ-BEGIN
        // ids: 0 pads, 1 begins the output, 2 ends it
        EncoderDecoder model = new EncoderDecoder(new EncoderDecoder.Config(
                new Embedding(sourceVocabulary, 24, 0),
                StackedRnn.builder(Gru.builder(24, 48).build()).bidirectional(true).build(), // keys [S, B, 96]
                new Embedding(targetVocabulary, 24, 0),
                Gru.builder(24 + 96, 48).build(),            // reads [previous token ; previous context]
                Attention.general(48, 96), DataType.FLOAT, 7));
        TrainingResult result = Trainer.builder(model, 1, new Adam(0.005))          // bos = 1, teacher forcing
                .epochs(10).batchSize(64).bucketByLength(true)
                .validation(Seq2SeqDataset.of(validationSources, validationTargets, 0))
                .checkpoint(dir.resolve("training.rnn4j"))   // resume with EncoderDecoderCheckpoint.load
                .build().fit(Seq2SeqDataset.of(sources.subList(0, 400), targets.subList(0, 400), 0));

        Decoding.Settings settings = new Decoding.Settings(1, 2, 12);                 // bos, eos, max length
        Decoding.Output best = Decoding.beam(model, List.of(source), settings, 4, 1.0).get(0);
        int[] written = best.tokens();                       // best.attention(): [written][source] weights
        ModelArchive.save(file, model);                      // format version 2: an encoder-decoder
        EncoderDecoder served = ModelArchive.loadEncoderDecoder(file);
        // README-SEQ2SEQ-END
        assertTrue(result.bestScore() < result.history().get(0).validationLoss(), "it learns: " + result);
        assertArrayEquals(written, Decoding.beam(served, List.of(source), settings, 4, 1.0).get(0).tokens());
        assertEquals(best.tokens().length, best.attention().length - (best.finished() ? 1 : 0));
    }

    @Test
    void readmeShowsTheSeq2SeqTourVerbatim() throws Exception {
        assertQuoted("README-SEQ2SEQ");
    }

    @Test
    void sparkTourTrainsLikeOneMachine() {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("readme").set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        try (JavaSparkContext sparkContext = new JavaSparkContext(conf)) {
            SparkSession session = SparkSession.builder().sparkContext(sparkContext.sc()).getOrCreate();
            SplittableRandom random = new SplittableRandom(4);
            List<Row> list = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                List<Integer> ids = random.ints(3 + random.nextInt(10), 2, 12).boxed().toList();
                long good = ids.stream().filter(id -> id == 2).count();
                long bad = ids.stream().filter(id -> id == 3).count();
                list.add(RowFactory.create(ids, good > bad ? 1.0 : 0.0));
            }
            Dataset<Row> rows = session.createDataFrame(list, new StructType()
                    .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType)).add("label", DataTypes.DoubleType));
            SequenceDataset validation = SequenceDataset.ofTokens(List.of(new int[] {2, 2, 5}, new int[] {3, 4}),
                    new float[][] {{1}, {0}}, 0);
            SequenceModel model = SequenceModel.builder().embedding(new Embedding(12, 8, 0))
                    .recurrent(StackedRnn.builder(Gru.builder(8, 8).build()).build())
                    .outputMode(SequenceModel.OutputMode.FINAL_HIDDEN).head(Dense.builder(8, 1).build()).seed(7).build();
            // README-SPARK-BEGIN
            SparkSequenceData data = SparkSequenceData.fromRows(rows, "tokens", "label", 0);   // e.g. from Parquet
            SparkLearner learner = SparkLearner.builder(sparkContext, data, model, BinaryCrossEntropyWithLogits::new)
                    .validation(validation, Metrics.binaryAccuracy())         // on the driver
                    .build();
            TrainingResult result = Trainer.builder(model, learner.loss(), new Adam(0.01))
                    .epochs(3).batchSize(32).seed(7).bucketByLength(true)      // every Trainer option works
                    .build().fit(learner);                                     // each batch's gradient by the cluster
            // README-SPARK-END
            assertEquals(3, result.history().size());
            assertTrue(result.last().trainLoss() < result.history().get(0).trainLoss(), "it learns: " + result);
        }
    }

    @Test
    void readmeShowsTheSparkTourVerbatim() throws Exception {
        assertQuoted("README-SPARK");
    }

    private static void assertQuoted(String marker) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path readme = Files.exists(root.resolve("README.md")) ? root.resolve("README.md")
                : root.getParent().resolve("README.md");
        String source = Files.readString(root.resolve("src/test/java/org/rnn4j/examples/ReadmeTourTest.java"));
        Matcher m = Pattern.compile("// " + marker + "-BEGIN\\n(.*?)\\n\\s*// " + marker + "-END", Pattern.DOTALL)
                .matcher(source);
        assertTrue(m.find());
        String tour = m.group(1).stripIndent().strip();
        StringBuilder text = new StringBuilder(Files.readString(readme));
        try (var docs = Files.list(readme.resolveSibling("docs"))) {
            for (Path doc : docs.filter(d -> d.toString().endsWith(".md")).sorted().toList()) {
                text.append('\n').append(Files.readString(doc));
            }
        }
        assertTrue(text.toString().contains(tour), "README.md or docs/*.md must contain " + marker
                + " of ReadmeTourTest verbatim:\n" + tour);
        assertEquals(-1, tour.indexOf('\t'));
    }
}
