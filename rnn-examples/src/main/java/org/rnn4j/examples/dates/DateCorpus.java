package org.rnn4j.examples.dates;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.rnn4j.api.Checks;

/**
 * Pairs of a date written in one of {@link DateFormats#all} and the same date in ISO form ({@code 2021-03-03}),
 * split by date: the dates of the test part are in neither the training nor the validation part. Dates run from
 * {@link #FIRST} to {@link #LAST}, a span in which the two-digit years of the short styles have one reading.
 */
public final class DateCorpus {
    public static final LocalDate FIRST = LocalDate.of(2000, 1, 1);
    public static final LocalDate LAST = LocalDate.of(2049, 12, 31);

    /** One example: the date, how it is written, and the format that wrote it. */
    public record Pair(LocalDate date, String text, DateFormats.Format format) {
        public String iso() {
            return date.format(DateTimeFormatter.ISO_LOCAL_DATE);
        }
    }

    public record Split(List<Pair> train, List<Pair> validation, List<Pair> test) {
    }

    private DateCorpus() {
    }

    /**
     * {@code train}, {@code validation} and {@code test} distinct dates drawn (with {@code seed}) from the span, each
     * written once in a format drawn at random.
     */
    public static Split generate(int train, int validation, int test, long seed) {
        Checks.positive(train, "train");
        Checks.positive(validation, "validation");
        Checks.positive(test, "test");
        List<LocalDate> dates = new ArrayList<>();
        for (LocalDate d = FIRST; !d.isAfter(LAST); d = d.plusDays(1)) {
            dates.add(d);
        }
        if ((long) train + validation + test > dates.size()) {
            throw new IllegalArgumentException("train + validation + test must be at most " + dates.size()
                    + " (the dates from " + FIRST + " to " + LAST + ") but is " + ((long) train + validation + test));
        }
        Random random = new Random(seed);
        Collections.shuffle(dates, random);
        List<DateFormats.Format> formats = DateFormats.all();
        List<Pair> pairs = new ArrayList<>();
        for (LocalDate d : dates.subList(0, train + validation + test)) {
            DateFormats.Format f = formats.get(random.nextInt(formats.size()));
            pairs.add(new Pair(d, f.formatter().format(d), f));
        }
        return new Split(List.copyOf(pairs.subList(0, train)), List.copyOf(pairs.subList(train, train + validation)),
                List.copyOf(pairs.subList(train + validation, pairs.size())));
    }
}
