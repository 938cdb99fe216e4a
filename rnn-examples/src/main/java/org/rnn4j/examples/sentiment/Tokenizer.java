package org.rnn4j.examples.sentiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lower-cases (locale-independent) and splits a sentence into words and the punctuation that carries sentiment:
 * a word is a run of letters and digits with inner apostrophes ({@code don't}, {@code 10/10} gives {@code 10},
 * {@code 10}); {@code !} and {@code ?} are tokens of their own; every other character, including control
 * characters and quotes, separates tokens.
 */
public final class Tokenizer {
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+(?:'[\\p{L}]+)*|[!?]");

    private Tokenizer() {
    }

    public static List<String> tokens(String sentence) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(sentence.toLowerCase(Locale.ROOT));
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }
}
