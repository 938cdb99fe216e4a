package org.rnn4j.nd4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.testkit.ZipEntries;

class ModelArchiveTest {
    @TempDir
    Path dir;

    static SequenceModel classifier() {
        return SequenceModel.builder().embedding(new Embedding(20, 4, 0))
                .recurrent(StackedRnn.builder(Gru.builder(4, 5).build()).layers(2).bidirectional(true).dropout(0.2)
                        .seed(4).build())
                .head(Dense.builder(10, 1).activation(Activation.IDENTITY).build()).headDropout(0.1)
                .outputMode(SequenceModel.OutputMode.LAST_STEP).seed(11).build();
    }

    @Test
    void roundTripsEveryBuiltInConfigurationWithItsParameters() throws IOException {
        SequenceModel[] models = {classifier(),
            SequenceModel.builder().recurrent(Lstm.builder(3, 4).forgetBiasOne(false).build())
                    .dataType(DataType.DOUBLE).seed(2).build(),
            SequenceModel.builder().recurrent(VanillaRnn.builder(3, 2).activation(Activation.SIGMOID).bias(false)
                    .build()).head(Dense.builder(2, 3).activation(Activation.SIGMOID).bias(false).build()).build()};
        for (SequenceModel m : models) {
            m.parameters().flat().addi(0.25); // not what a fresh model of this config would have
            Path file = dir.resolve("model.rnn4j");
            ObjectNode extra = new ObjectMapper().createObjectNode().put("note", "hello");
            ModelArchive.save(file, m, extra, Map.of("aux", Map.of("x", Nd4j.createFromArray(1f, 2f))));
            ModelArchive.Contents<SequenceModel> c = ModelArchive.read(file);
            assertEquals(m.config(), c.model().config());
            assertEquals(m.parameters().flat(), c.model().parameters().flat());
            assertEquals("hello", c.extra().get("note").asText());
            assertEquals(Nd4j.createFromArray(1f, 2f), c.arrays().get("aux").get("x"));
        }
        SequenceModel m = classifier();
        INDArray ids = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 0}, {5, 0}});
        Path file = dir.resolve("c.rnn4j");
        ModelArchive.save(file, m);
        assertEquals(m.predict(ids, new int[] {3, 1}), ModelArchive.load(file).predict(ids, new int[] {3, 1}));
    }

    /**
     * A saved model gets the permissions of any new file under the process's umask (0644 under umask 022), not the
     * 0600 of a temporary file, so that a service running as another user can read it; and no temporary file stays.
     */
    @Test
    void savedFilesGetTheUmasksPermissionsAndLeaveNoTemporaryFile() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        Path reference = Files.createFile(dir.resolve("reference"));
        Path model = dir.resolve("model.rnn4j");
        ModelArchive.save(model, classifier());
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(model));
        assertTrue(Files.getPosixFilePermissions(model).contains(PosixFilePermission.OTHERS_READ)
                        || !Files.getPosixFilePermissions(reference).contains(PosixFilePermission.OTHERS_READ),
                "others cannot read the model");
        ModelArchive.save(model, classifier()); // over an existing file too
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(model));
        Path tensors = dir.resolve("weights.safetensors");
        SafeTensors.write(tensors, Map.of("w", Nd4j.createFromArray(1f, 2f)), Map.of());
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(tensors));
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "a temporary file was left behind");
        }
    }

    @Test
    void theFileIsAZipWithJsonAndSafetensors() throws IOException {
        Path file = dir.resolve("m.rnn4j");
        ModelArchive.save(file, classifier());
        Map<String, byte[]> entries = unzip(Files.readAllBytes(file));
        assertEquals(java.util.List.of("rnn4j.json", "parameters.safetensors"), java.util.List.copyOf(entries.keySet()));
        String json = new String(entries.get("rnn4j.json"), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"format_version\" : 1") && json.contains("\"type\" : \"gru\""), json);
        Path tensors = dir.resolve("p.safetensors");
        Files.write(tensors, entries.get("parameters.safetensors"));
        assertEquals(classifier().parameters().names(),
                java.util.List.copyOf(SafeTensors.read(tensors).tensors().keySet()), "every parameter, by its name");
    }

    @Test
    void aNewerFormatVersionIsRefusedWithAnUpgradeHint() throws IOException {
        Path file = rewrite("rnn4j.json", s -> s.replace("\"format_version\" : 1", "\"format_version\" : 3"));
        IOException e = assertThrows(IOException.class, () -> ModelArchive.load(file));
        assertTrue(e.getMessage().contains("format version 3") && e.getMessage().contains("upgrade"), e.getMessage());
    }

    @Test
    void aConfigurationThatDoesNotMatchTheArraysIsRefused() throws IOException {
        Path file = rewrite("rnn4j.json", s -> s.replace("\"hidden_size\" : 5", "\"hidden_size\" : 6")
                .replace("\"input_size\" : 10", "\"input_size\" : 12"));
        IOException e = assertThrows(IOException.class, () -> ModelArchive.load(file));
        assertTrue(e.getMessage().contains("does not match the configuration") && e.getMessage().contains("shape"),
                e.getMessage());
        Path bad = rewrite("rnn4j.json", s -> s.replace("\"type\" : \"gru\"", "\"type\" : \"transformer\""));
        IOException type = assertThrows(IOException.class, () -> ModelArchive.load(bad));
        assertTrue(type.getMessage().contains("transformer"), type.getMessage());
        Path missing = rewrite("rnn4j.json", s -> s.replace("\"dimension\"", "\"dim\""));
        IOException field = assertThrows(IOException.class, () -> ModelArchive.load(missing));
        assertTrue(field.getMessage().contains("model.embedding.dimension is missing"), field.getMessage());
    }

    /**
     * A small file whose configuration was tampered to huge sizes is refused at once, by comparing the sizes with
     * the arrays it holds, before anything is allocated or initialised (an orthogonal init of hidden 40000 would
     * run for minutes, and its weights need gigabytes).
     */
    @Test
    void tamperedSizesAreRefusedBeforeAnyAllocationOrInitialisation() throws IOException {
        for (UnaryOperator<String> edit : java.util.List.<UnaryOperator<String>>of(
                s -> s.replace("\"hidden_size\" : 5", "\"hidden_size\" : 40000"),
                s -> s.replace("\"layers\" : 2", "\"layers\" : 100000"),
                s -> s.replace("\"vocabulary_size\" : 20", "\"vocabulary_size\" : 2000000000"),
                s -> s.replace("\"hidden_size\" : 5", "\"hidden_size\" : 2147483647"))) {
            Path file = rewrite("rnn4j.json", edit);
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> ModelArchive.load(file));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("does not match the configuration")
                    || e.getMessage().contains("do not fit in memory")
                    || e.getMessage().contains("layers must be in [1, 1024] but is 100000")
                    || e.getMessage().contains("more than an int holds"), e.getMessage());
            assertTrue(millis < 2000, "refused after " + millis + " ms: " + e.getMessage());
        }
    }

    /** An entry that inflates far beyond what the configuration needs is cut off, not read into memory. */
    @Test
    void anEntryThatInflatesBeyondTheConfigurationsNeedIsRefused() throws IOException {
        Path file = dir.resolve("m.rnn4j");
        ModelArchive.save(file, classifier());
        Map<String, byte[]> entries = unzip(Files.readAllBytes(file));
        Path bomb = dir.resolve("bomb.rnn4j");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("rnn4j.json"));
            zip.write(entries.get("rnn4j.json"));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("parameters.safetensors"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) { // 64 MiB of zeros, about 64 KiB compressed
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        Files.write(bomb, out.toByteArray());
        assertTrue(Files.size(bomb) < 1 << 20);
        IOException e = assertThrows(IOException.class, () -> ModelArchive.load(bomb));
        assertTrue(e.getMessage().contains("entry 'parameters.safetensors' inflates to more than")
                && e.getMessage().contains("parameters of FLOAT need"), e.getMessage());

        Map<String, byte[]> reordered = new java.util.LinkedHashMap<>();
        reordered.put("parameters.safetensors", entries.get("parameters.safetensors"));
        reordered.put("rnn4j.json", entries.get("rnn4j.json"));
        Path wrongOrder = zip(reordered, dir.resolve("order.rnn4j"));
        IOException order = assertThrows(IOException.class, () -> ModelArchive.load(wrongOrder));
        assertTrue(order.getMessage().contains("its first entry must be rnn4j.json"), order.getMessage());
    }

    @Test
    void truncatedAndCorruptedFilesAreRefused() throws IOException {
        Path file = dir.resolve("m.rnn4j");
        ModelArchive.save(file, classifier());
        byte[] bytes = Files.readAllBytes(file);
        for (int keep : new int[] {0, 10, bytes.length / 3, bytes.length / 2, bytes.length - 30}) {
            Path truncated = dir.resolve("t" + keep);
            Files.write(truncated, Arrays.copyOf(bytes, keep));
            IOException e = assertThrows(IOException.class, () -> ModelArchive.load(truncated), "kept " + keep);
            assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());
        }
        // flip a byte inside the stored parameters: the zip CRC catches it
        int at = indexOf(bytes, "parameters.safetensors".getBytes(StandardCharsets.US_ASCII)) + 200;
        byte[] corrupt = bytes.clone();
        corrupt[at] ^= 0x5A;
        Path damaged = dir.resolve("damaged");
        Files.write(damaged, corrupt);
        IOException e = assertThrows(IOException.class, () -> ModelArchive.load(damaged));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        Files.writeString(dir.resolve("text"), "not a model");
        assertThrows(IOException.class, () -> ModelArchive.load(dir.resolve("text")));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ModelArchive.load(dir.resolve("absent")));
    }

    @Test
    void aModelWithNonFiniteParametersIsNotSavedAndThePreviousFileSurvives() throws IOException {
        Path file = dir.resolve("m.rnn4j");
        SequenceModel m = classifier();
        ModelArchive.save(file, m);
        byte[] before = Files.readAllBytes(file);
        m.parameters().flat().putScalar(5, Double.NaN);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModelArchive.save(file, m));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    /** Saving refuses NaN parameters, so loading must too: a file holding them was written by something else. */
    @Test
    void aFileWithNonFiniteParametersIsRefused() throws IOException {
        Path file = dir.resolve("finite.rnn4j");
        ModelArchive.save(file, classifier());
        Map<String, byte[]> entries = unzip(Files.readAllBytes(file));
        Path tensorsFile = Files.write(dir.resolve("p.safetensors"), entries.get("parameters.safetensors"));
        SafeTensors.Contents contents = SafeTensors.read(tensorsFile);
        Map<String, INDArray> tensors = new java.util.LinkedHashMap<>(contents.tensors());
        String victim = tensors.keySet().iterator().next();
        INDArray poisoned = tensors.get(victim).dup();
        poisoned.putScalar(0, Double.NaN);
        tensors.put(victim, poisoned);
        SafeTensors.write(tensorsFile, tensors, contents.metadata());
        entries.put("parameters.safetensors", Files.readAllBytes(tensorsFile));
        Path bad = zip(entries, dir.resolve("nan.rnn4j"));
        IOException e = assertThrows(IOException.class, () -> ModelArchive.load(bad));
        assertTrue(e.getMessage().contains("'" + victim + "' has NaN or infinite values"), e.getMessage());
        // opted in, the file reads as it is (to inspect it)
        SequenceModel inspected = ModelArchive.read(bad, ModelArchive.NonFinite.ALLOW).model();
        assertTrue(Double.isNaN(inspected.parameters().get(victim).getDouble(0)));
    }

    /** A save killed before its rename leaves {@code <name>.<random>.tmp}; the next save of that file removes it. */
    @Test
    void theNextSaveRemovesStaleTemporaryFiles() throws IOException {
        Path model = dir.resolve("model.rnn4j");
        Path stale = Files.writeString(dir.resolve("model.rnn4j.k3j9x0.tmp"), "interrupted");
        Path otherTarget = Files.writeString(dir.resolve("other.rnn4j.k3j9x0.tmp"), "not ours");
        Path notOurPattern = Files.writeString(dir.resolve("model.rnn4j.tmp"), "not the pattern");
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 60_000);
        for (Path p : new Path[] {stale, otherTarget, notOurPattern}) {
            Files.setLastModifiedTime(p, old);
        }
        ModelArchive.save(model, classifier());
        assertTrue(Files.exists(model));
        assertTrue(!Files.exists(stale), "the stale temporary file of model.rnn4j is still there");
        assertTrue(Files.exists(otherTarget) && Files.exists(notOurPattern), "deleted a file that was not ours");
    }

    private Path rewrite(String entry, UnaryOperator<String> edit) throws IOException {
        Path file = dir.resolve("orig.rnn4j");
        ModelArchive.save(file, classifier());
        Map<String, byte[]> entries = unzip(Files.readAllBytes(file));
        entries.put(entry, edit.apply(new String(entries.get(entry), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        return zip(entries, dir.resolve("edited" + System.nanoTime() + ".rnn4j"));
    }

    private static Path zip(Map<String, byte[]> entries, Path target) throws IOException {
        return Files.write(target, ZipEntries.write(entries));
    }

    private static Map<String, byte[]> unzip(byte[] bytes) {
        return ZipEntries.read(bytes);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
