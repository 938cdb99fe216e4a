package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.testkit.ZipEntries;
import org.rnn4j.train.data.SequenceDataset;

/** Every field of a checkpoint's JSON is type- and range-checked: a tampered one fails naming it. */
class CheckpointFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void fieldsOfTheWrongTypeOrOutOfRangeAreRefusedByName() throws IOException {
        Path file = dir.resolve("run.rnn4j");
        SequenceDataset data = Tasks.signOfSum(60, 1);
        Trainer.builder(Tasks.gru(1), new MeanSquaredError(), new Adam(0.01)).epochs(1).batchSize(20)
                .checkpoint(file).build().fit(data);
        assertEquals(1, Checkpoint.load(file).state().completedEpochs(), "the untampered checkpoint loads");

        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("trainer.completed_epochs=\"three\"", "trainer.completed_epochs must be an integer");
        cases.put("trainer.batch_size=-5", "trainer.batch_size must be an integer in [1, 2147483647] but is -5");
        cases.put("optimizer.steps=1e308", "optimizer.steps must be an integer in [0, ");
        cases.put("training_passes=2.5", "training_passes must be an integer");
        cases.put("trainer.shuffle=\"yes\"", "trainer.shuffle must be true or false");
        cases.put("trainer.best_epoch=-2", "trainer.best_epoch must be an integer in [-1, ");
        cases.put("trainer.history={}", "trainer.history must be an array");
        cases.put("trainer.history.0.train_loss=\"low\"", "trainer.history[0].train_loss must be a number or null");
        cases.put("optimizer.kind=7", "optimizer.kind must be a string");
        cases.put("optimizer.hyperparameters.lr=\"fast\"",
                "optimizer.hyperparameters.lr must be a finite number");
        cases.put("trainer.seed=12345678901234567890", "trainer.seed must be an integer");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path tampered = tamper(file, c.getKey());
            IOException e = assertThrows(IOException.class, () -> Checkpoint.load(tampered), c.getKey());
            assertTrue(e.getMessage().contains(tampered.toString()) && e.getMessage().contains(c.getValue()),
                    c.getKey() + ": " + e.getMessage());
        }
    }

    /** A copy of {@code file} with {@code extra.checkpoint.<path>=<json>} set in its manifest. */
    private Path tamper(Path file, String assignment) throws IOException {
        String[] parts = assignment.split("=", 2);
        Map<String, byte[]> entries = ZipEntries.read(Files.readAllBytes(file));
        ObjectNode manifest = (ObjectNode) JSON.readTree(entries.get("rnn4j.json"));
        JsonNode node = manifest.get("extra").get("checkpoint");
        String[] path = parts[0].split("\\.");
        for (int i = 0; i < path.length - 1; i++) {
            node = node.isArray() ? node.get(Integer.parseInt(path[i])) : node.get(path[i]);
        }
        JsonNode value = JSON.readTree(parts[1]);
        String last = path[path.length - 1];
        if (node instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) node).set(last, value);
        }
        entries.put("rnn4j.json", JSON.writeValueAsBytes(manifest));
        return Files.write(dir.resolve("tampered" + System.nanoTime() + ".rnn4j"), ZipEntries.write(entries));
    }
}
