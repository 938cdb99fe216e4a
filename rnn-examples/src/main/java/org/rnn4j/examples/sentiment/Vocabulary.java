package org.rnn4j.examples.sentiment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token ids: 0 pads, 1 stands for every word not in the vocabulary (out of vocabulary), and words seen at least
 * {@code minCount} times in the training sentences get 2, 3, ... in order of decreasing count (ties
 * alphabetically), so that equal data gives equal ids.
 */
public final class Vocabulary {
    public static final int PADDING = 0;
    public static final int UNKNOWN = 1;
    static final String PADDING_TOKEN = "<pad>";
    static final String UNKNOWN_TOKEN = "<unk>";

    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();

    private Vocabulary(List<String> words) {
        this.words = List.copyOf(words);
        for (int i = 0; i < words.size(); i++) {
            ids.put(words.get(i), i);
        }
    }

    /** Built from training sentences only, so that validation and test words the model never saw map to OOV. */
    public static Vocabulary build(List<List<String>> tokenized, int minCount) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1 but is " + minCount);
        }
        Map<String, Integer> counts = new HashMap<>();
        tokenized.forEach(s -> s.forEach(w -> counts.merge(w, 1, Integer::sum)));
        List<String> kept = new ArrayList<>();
        counts.forEach((w, c) -> {
            if (c >= minCount) {
                kept.add(w);
            }
        });
        kept.sort((a, b) -> counts.get(a).equals(counts.get(b)) ? a.compareTo(b) : counts.get(b) - counts.get(a));
        List<String> words = new ArrayList<>(List.of(PADDING_TOKEN, UNKNOWN_TOKEN));
        words.addAll(kept);
        return new Vocabulary(words);
    }

    /** A vocabulary read back from {@link #words()}. */
    public static Vocabulary of(List<String> words) {
        if (words.size() < 2 || !words.get(PADDING).equals(PADDING_TOKEN) || !words.get(UNKNOWN).equals(UNKNOWN_TOKEN)) {
            throw new IllegalArgumentException("a vocabulary starts with " + PADDING_TOKEN + " and " + UNKNOWN_TOKEN);
        }
        return new Vocabulary(words);
    }

    /**
     * The ids of the first {@code maxLength} tokens; a sentence without any token becomes one OOV id, since a
     * sequence needs at least one step.
     */
    public int[] encode(List<String> tokens, int maxLength) {
        int n = Math.min(tokens.size(), maxLength);
        if (n == 0) {
            return new int[] {UNKNOWN};
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = ids.getOrDefault(tokens.get(i), UNKNOWN);
        }
        return out;
    }

    public int size() {
        return words.size();
    }

    public List<String> words() {
        return Collections.unmodifiableList(words);
    }

    public boolean contains(String word) {
        return ids.containsKey(word);
    }
}
