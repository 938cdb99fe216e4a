package org.rnn4j.nd4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Attention;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.EncoderDecoder;
import org.rnn4j.testkit.ZipEntries;

/** Encoder-decoder model files: format version 2, the model's type, a round trip, and the wrong kind refused. */
class EncoderDecoderArchiveTest {
    @TempDir
    Path dir;

    static EncoderDecoder gruAdditive(DataType type) {
        return new EncoderDecoder(new EncoderDecoder.Config(new Embedding(9, 3, 0),
                StackedRnn.builder(Gru.builder(3, 4).build()).layers(2).bidirectional(true).build(),
                new Embedding(7, 2, 0), Gru.builder(2 + 8, 5).build(), Attention.additive(5, 8, 3), type, 3));
    }

    static EncoderDecoder lstmGeneral() {
        return new EncoderDecoder(new EncoderDecoder.Config(new Embedding(9, 3, 0),
                StackedRnn.builder(Lstm.builder(3, 4).build()).build(), new Embedding(7, 2, 0),
                Lstm.builder(2 + 4, 4).build(), Attention.general(4, 4), DataType.DOUBLE, 5));
    }

    static double loss(EncoderDecoder m) {
        INDArray source = Nd4j.createFromArray(new double[][] {{2, 3}, {5, 8}, {3, 0}}).castTo(m.dataType());
        INDArray target = Nd4j.createFromArray(new double[][] {{2, 3}, {6, 0}}).castTo(m.dataType());
        return m.loss(source, new int[] {3, 2}, target, new int[] {2, 1}, 1);
    }

    @Test
    void roundTripsTheConfigurationAndParameters() throws IOException {
        for (EncoderDecoder m : new EncoderDecoder[] {gruAdditive(DataType.FLOAT), gruAdditive(DataType.DOUBLE),
                lstmGeneral()}) {
            m.parameters().flat().addi(0.125); // not what a fresh model of this config would have
            Path file = dir.resolve("ed.rnn4j");
            ModelArchive.save(file, m, new ObjectMapper().createObjectNode().put("note", "dates"), Map.of());
            ModelArchive.Contents<EncoderDecoder> c = ModelArchive.readEncoderDecoder(file);
            assertEquals(m.config(), c.model().config());
            assertEquals(m.parameters().flat(), c.model().parameters().flat());
            assertEquals("dates", c.extra().get("note").asText());
            assertEquals(loss(m), loss(c.model()), 0.0, "the same model computes the same loss");
        }
    }

    @Test
    void theManifestNamesVersionTwoAndTheModelType() throws IOException {
        String json = manifest(save());
        assertTrue(json.contains("\"format_version\" : 2") && json.contains("\"model_type\" : \"encoder_decoder\"")
                && json.contains("\"score\" : \"ADDITIVE\""), json);
    }

    @Test
    void eachKindIsReadByItsOwnMethod() throws IOException {
        Path encoderDecoder = save();
        IOException e = assertThrows(IOException.class, () -> ModelArchive.load(encoderDecoder));
        assertTrue(e.getMessage().contains("encoder-decoder") && e.getMessage().contains("loadEncoderDecoder"),
                e.getMessage());
        Path sequence = dir.resolve("seq.rnn4j");
        ModelArchive.save(sequence, ModelArchiveTest.classifier());
        IOException s = assertThrows(IOException.class, () -> ModelArchive.loadEncoderDecoder(sequence));
        assertTrue(s.getMessage().contains("sequence model") && s.getMessage().contains("ModelArchive.load"),
                s.getMessage());
    }

    @Test
    void aBadModelTypeOrAVersionOneFileWithATypeIsRefused() throws IOException {
        Path unknown = rewrite(s -> s.replace("\"encoder_decoder\"", "\"transformer\""));
        IOException e = assertThrows(IOException.class, () -> ModelArchive.loadEncoderDecoder(unknown));
        assertTrue(e.getMessage().contains("model_type") && e.getMessage().contains("transformer"), e.getMessage());
        Path old = rewrite(s -> s.replace("\"format_version\" : 2", "\"format_version\" : 1"));
        IOException v = assertThrows(IOException.class, () -> ModelArchive.loadEncoderDecoder(old));
        assertTrue(v.getMessage().contains("needs format_version 2"), v.getMessage());
    }

    @Test
    void partsThatDoNotFitTogetherAreRefusedNamingTheField() throws IOException {
        Path attention = rewrite(s -> s.replace("\"query_size\" : 5", "\"query_size\" : 6"));
        IOException e = assertThrows(IOException.class, () -> ModelArchive.loadEncoderDecoder(attention));
        assertTrue(e.getMessage().contains("querySize"), e.getMessage());
        Path score = rewrite(s -> s.replace("\"ADDITIVE\"", "\"COSINE\""));
        IOException c = assertThrows(IOException.class, () -> ModelArchive.loadEncoderDecoder(score));
        assertTrue(c.getMessage().contains("model.attention.score") && c.getMessage().contains("COSINE"),
                c.getMessage());
        Path encoder = rewrite(s -> s.replace("\"type\" : \"stacked\"", "\"type\" : \"gru\""));
        IOException t = assertThrows(IOException.class, () -> ModelArchive.loadEncoderDecoder(encoder));
        assertTrue(t.getMessage().contains("model.encoder.type"), t.getMessage());
    }

    private Path save() throws IOException {
        Path file = dir.resolve("orig.rnn4j");
        ModelArchive.save(file, gruAdditive(DataType.FLOAT));
        return file;
    }

    private static String manifest(Path file) throws IOException {
        return new String(ZipEntries.read(Files.readAllBytes(file)).get("rnn4j.json"), StandardCharsets.UTF_8);
    }

    private Path rewrite(UnaryOperator<String> edit) throws IOException {
        Map<String, byte[]> entries = ZipEntries.read(Files.readAllBytes(save()));
        entries.put("rnn4j.json", edit.apply(new String(entries.get("rnn4j.json"), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        return Files.write(dir.resolve("edited" + System.nanoTime() + ".rnn4j"), ZipEntries.write(entries));
    }
}
