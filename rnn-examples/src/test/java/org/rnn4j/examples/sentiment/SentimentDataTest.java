package org.rnn4j.examples.sentiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SentimentDataTest {
    @Test
    void theShippedFilesGiveOneThousandBalancedSentencesPerSource() throws IOException {
        List<Sentence> all = SentenceCorpus.shipped();
        assertEquals(3000, all.size(), "U+0085 in the IMDB file must not split lines");
        Map<String, Long> perSource = all.stream().collect(Collectors.groupingBy(Sentence::source,
                Collectors.counting()));
        assertEquals(Map.of("amazon", 1000L, "imdb", 1000L, "yelp", 1000L), perSource);
        assertEquals(1500, all.stream().filter(s -> s.label() == 1).count());
        assertTrue(all.stream().noneMatch(s -> s.text().endsWith(" ")), "IMDB's trailing spaces are trimmed");
        assertTrue(all.stream().anyMatch(s -> s.text().contains("\"")), "quotes are kept as text");
    }

    @Test
    void malformedLinesAreRefusedWithTheirLineNumber() {
        IOException tab = assertThrows(IOException.class, () -> read("good one\t1\nno tab here\n"));
        assertTrue(tab.getMessage().contains("line 2") && tab.getMessage().contains("TAB"), tab.getMessage());
        IOException label = assertThrows(IOException.class, () -> read("fine\t2\n"));
        assertTrue(label.getMessage().contains("'2'"), label.getMessage());
        assertThrows(IOException.class, () -> read(""));
        assertThrows(IOException.class, () -> read("   \t1\n"));
    }

    private static List<Sentence> read(String text) throws IOException {
        return SentenceCorpus.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.txt", "x");
    }

    @Test
    void tokensAreLowerCaseWordsAndSentimentPunctuation() {
        assertEquals(List.of("i", "don't", "like", "it", "!"), Tokenizer.tokens("I DON'T like it!"));
        assertEquals(List.of("a", "great", "movie", "10", "10"), Tokenizer.tokens("\"A great movie\" \u2026 10/10  "));
        assertEquals(List.of("bad", "acting", "worse", "plot", "?"), Tokenizer.tokens("bad acting\u0085worse\u0096plot?"));
        assertEquals(List.of("café"), Tokenizer.tokens("Café."));
        assertEquals(List.of(), Tokenizer.tokens("... --"));
    }

    @Test
    void theVocabularyComesFromTrainingTextOnlyAndMapsTheRestToOov() {
        Vocabulary v = Vocabulary.build(List.of(List.of("good", "good", "bad"), List.of("good", "fine")), 2);
        assertEquals(List.of("<pad>", "<unk>", "good"), v.words());
        assertEquals(3, v.size());
        assertEquals(List.of(2, 1, 1), toList(v.encode(List.of("good", "bad", "unseen"), 10)));
        assertEquals(List.of(2), toList(v.encode(List.of("good", "bad"), 1)), "truncated to maxLength");
        assertEquals(List.of(Vocabulary.UNKNOWN), toList(v.encode(List.of(), 10)), "no empty sequences");
        assertEquals(v.words(), Vocabulary.of(v.words()).words());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "b")));
    }

    private static List<Integer> toList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    @Test
    void theSplitIsSeededStratifiedAndDisjoint() throws IOException {
        List<Sentence> all = SentenceCorpus.shipped();
        StratifiedSplit a = StratifiedSplit.of(all, 0.7, 0.15, 42);
        StratifiedSplit b = StratifiedSplit.of(all, 0.7, 0.15, 42);
        assertEquals(a, b, "the same seed gives the same split");
        assertFalse(a.equals(StratifiedSplit.of(all, 0.7, 0.15, 43)));
        assertEquals(2100, a.train().size());
        assertEquals(450, a.validation().size());
        assertEquals(450, a.test().size());
        for (List<Sentence> part : List.of(a.train(), a.validation(), a.test())) {
            Map<String, Long> groups = part.stream().collect(Collectors.groupingBy(s -> s.source() + s.label(),
                    Collectors.counting()));
            assertEquals(6, groups.size());
            long first = groups.values().iterator().next();
            assertTrue(groups.values().stream().allMatch(c -> c == first), "equal counts per source and label: "
                    + groups);
        }
        Set<Sentence> seen = new HashSet<>(a.train());
        assertTrue(a.test().stream().noneMatch(s -> seen.contains(s) && !isDuplicateText(all, s)),
                "no sentence in two parts (the files hold a few duplicate sentences)");
        assertThrows(IllegalArgumentException.class, () -> StratifiedSplit.of(all, 0.9, 0.2, 1));
    }

    private static boolean isDuplicateText(List<Sentence> all, Sentence s) {
        return all.stream().filter(s::equals).count() > 1;
    }
}
