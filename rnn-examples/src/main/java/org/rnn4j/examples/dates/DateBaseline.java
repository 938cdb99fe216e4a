package org.rnn4j.examples.dates;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** A rule that reads a written date, scored like the model: the share of dates it reads exactly. */
public interface DateBaseline {
    /** The date {@code text} reads as, if the rule reads it at all. */
    Optional<LocalDate> parse(String text);

    /** The share of {@code pairs} whose date this rule reads exactly. */
    default double accuracy(List<DateCorpus.Pair> pairs) {
        long right = pairs.stream().filter(p -> parse(p.text()).filter(p.date()::equals).isPresent()).count();
        return right / (double) pairs.size();
    }
}
