package org.rnn4j.examples.sentiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fixed, seeded train/validation/test split that keeps every (source, label) group in the same proportions in
 * all three parts: each group is shuffled with the seed and cut at {@code trainShare} and
 * {@code trainShare + validationShare}.
 */
public record StratifiedSplit(List<Sentence> train, List<Sentence> validation, List<Sentence> test) {
    public static StratifiedSplit of(List<Sentence> sentences, double trainShare, double validationShare, long seed) {
        if (!(trainShare > 0 && validationShare > 0 && trainShare + validationShare < 1)) {
            throw new IllegalArgumentException("shares must be > 0 and leave room for a test part: train "
                    + trainShare + ", validation " + validationShare);
        }
        Map<String, List<Sentence>> groups = new LinkedHashMap<>();
        for (Sentence s : sentences) {
            groups.computeIfAbsent(s.source() + "/" + s.label(), k -> new ArrayList<>()).add(s);
        }
        List<Sentence> train = new ArrayList<>();
        List<Sentence> validation = new ArrayList<>();
        List<Sentence> test = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (List<Sentence> group : groups.values()) {
            List<Sentence> g = new ArrayList<>(group);
            for (int i = g.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                g.set(j, g.set(i, g.get(j)));
            }
            int a = (int) Math.round(g.size() * trainShare);
            int b = (int) Math.round(g.size() * (trainShare + validationShare));
            train.addAll(g.subList(0, a));
            validation.addAll(g.subList(a, b));
            test.addAll(g.subList(b, g.size()));
        }
        return new StratifiedSplit(train, validation, test);
    }
}
