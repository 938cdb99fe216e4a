package org.rnn4j.examples.sentiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the UCI Sentiment Labelled Sentences files ({@code sentence<TAB>label} per line, no header). Lines are read
 * with {@link BufferedReader}, which breaks only on {@code \n} and {@code \r}: the IMDB file holds U+0085 (NEL)
 * characters that {@code Scanner} would take for line breaks. Text is split at the last TAB and trimmed (IMDB
 * sentences end with two spaces); quotes are ordinary characters (the files are not quoted TSV).
 */
public final class SentenceCorpus {
    /** The three data files, by source name; the shipped copies live under {@link #RESOURCES}. */
    public static final List<String> SOURCES = List.of("amazon", "imdb", "yelp");
    public static final String RESOURCES = "/org/rnn4j/examples/data/sentiment/";

    private SentenceCorpus() {
    }

    static String fileName(String source) {
        return source.equals("amazon") ? "amazon_cells_labelled.txt" : source + "_labelled.txt";
    }

    /** The copies shipped with the examples. */
    public static List<Sentence> shipped() throws IOException {
        List<Sentence> all = new ArrayList<>();
        for (String source : SOURCES) {
            String resource = RESOURCES + fileName(source);
            InputStream in = SentenceCorpus.class.getResourceAsStream(resource);
            if (in == null) {
                throw new IOException("resource " + resource + " is missing from the classpath");
            }
            try (in) {
                all.addAll(read(in, resource, source));
            }
        }
        return all;
    }

    /** The three files from {@code directory} (as in the UCI archive). */
    public static List<Sentence> fromDirectory(Path directory) throws IOException {
        List<Sentence> all = new ArrayList<>();
        for (String source : SOURCES) {
            Path file = directory.resolve(fileName(source));
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "expected the UCI file "
                        + fileName(source) + " there (--data names the folder holding all three)");
            }
            try (InputStream in = Files.newInputStream(file)) {
                all.addAll(read(in, file.toString(), source));
            }
        }
        return all;
    }

    /** @throws IOException naming the line when it has no TAB, an empty sentence or a label other than 0 or 1 */
    public static List<Sentence> read(InputStream in, String name, String source) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<Sentence> sentences = new ArrayList<>();
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            int tab = line.lastIndexOf('\t');
            if (tab < 0) {
                throw new IOException(name + " line " + number + ": no TAB between sentence and label");
            }
            String text = line.substring(0, tab).strip();
            String label = line.substring(tab + 1).strip();
            if (text.isEmpty()) {
                throw new IOException(name + " line " + number + ": the sentence is empty");
            }
            if (!label.equals("0") && !label.equals("1")) {
                throw new IOException(name + " line " + number + ": the label is '" + label + "', expected 0 or 1");
            }
            sentences.add(new Sentence(text, label.charAt(0) - '0', source));
        }
        if (sentences.isEmpty()) {
            throw new IOException(name + " has no sentences");
        }
        return sentences;
    }
}
