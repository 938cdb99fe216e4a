package org.rnn4j.examples.dates;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.rnn4j.api.Checks;

/**
 * Characters (Unicode code points) as token ids: 0 padding, 1 begin, 2 end, 3 unknown, then every code point of the
 * texts it was built from, in code point order. A code point it has not seen reads as unknown.
 */
public final class CharVocabulary {
    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int UNKNOWN = 3;
    private static final int RESERVED = 4;

    private final List<Integer> codePoints;
    private final Map<Integer, Integer> ids = new HashMap<>();

    private CharVocabulary(List<Integer> codePoints) {
        this.codePoints = List.copyOf(codePoints);
        for (int i = 0; i < codePoints.size(); i++) {
            ids.put(codePoints.get(i), RESERVED + i);
        }
    }

    /** Every code point of {@code texts}. */
    public static CharVocabulary of(Collection<String> texts) {
        Checks.notNull(texts, "texts");
        TreeSet<Integer> seen = new TreeSet<>();
        texts.forEach(t -> t.codePoints().forEach(seen::add));
        return new CharVocabulary(new ArrayList<>(seen));
    }

    /** Ids, padding and the three markers included. */
    public int size() {
        return RESERVED + codePoints.size();
    }

    /** The ids of {@code text}'s code points, followed by {@link #EOS} if {@code withEnd}. */
    public int[] encode(String text, boolean withEnd) {
        int[] cps = text.codePoints().toArray();
        int[] out = new int[cps.length + (withEnd ? 1 : 0)];
        for (int i = 0; i < cps.length; i++) {
            out[i] = ids.getOrDefault(cps[i], UNKNOWN);
        }
        if (withEnd) {
            out[cps.length] = EOS;
        }
        return out;
    }

    /** The text of {@code tokens}; markers are written as {@code ?} (unknown) or left out. */
    public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int id : tokens) {
            if (id >= RESERVED && id < size()) {
                sb.appendCodePoint(codePoints.get(id - RESERVED));
            } else if (id == UNKNOWN) {
                sb.append('?');
            }
        }
        return sb.toString();
    }
}
