package org.rnn4j.examples.dates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dates demo's data: the JDK's formats, a split by date, and the lenient-parsing baseline. */
class DateCorpusTest {
    @Test
    void formatsAreTheJdksOwnAndWriteAWidelyVariedText() {
        List<DateFormats.Format> formats = DateFormats.all();
        assertEquals(60, formats.size());
        LocalDate d = LocalDate.of(2021, 3, 3);
        Set<String> texts = new HashSet<>();
        formats.forEach(f -> texts.add(f.formatter().format(d)));
        assertTrue(texts.size() > 45, "distinct renderings of one date: " + texts.size());
        assertTrue(texts.contains("3 mars 2021") && texts.contains("2021年3月3日") && texts.contains("3/3/21"),
                texts.toString());
    }

    @Test
    void theSplitIsByDateAndDeterministic() {
        DateCorpus.Split a = DateCorpus.generate(800, 100, 100, 7);
        DateCorpus.Split b = DateCorpus.generate(800, 100, 100, 7);
        assertEquals(a, b, "a pure function of the seed");
        Set<LocalDate> seen = new HashSet<>();
        a.train().forEach(p -> seen.add(p.date()));
        a.validation().forEach(p -> seen.add(p.date()));
        assertTrue(a.test().stream().noneMatch(p -> seen.contains(p.date())), "test dates are unseen");
        assertEquals(1000, seen.size() + a.test().size(), "every date once");
        DateCorpus.Pair p = a.test().get(0);
        assertEquals(p.text(), p.format().formatter().format(p.date()));
        assertEquals(p.date().toString(), p.iso());
        assertTrue(a.train().stream().allMatch(x -> !x.date().isBefore(DateCorpus.FIRST)
                && !x.date().isAfter(DateCorpus.LAST)));
        assertThrows(IllegalArgumentException.class, () -> DateCorpus.generate(20000, 1, 1, 1));
    }

    @Test
    void theBaselineReadsMostButNotAllDates() {
        LenientParsing baseline = new LenientParsing();
        assertEquals(LocalDate.of(2021, 3, 3), baseline.parse("3 mars 2021").orElseThrow());
        assertEquals(LocalDate.of(2021, 3, 4), baseline.parse("3/4/21").orElseThrow(), "en-US comes first");
        assertTrue(baseline.parse("not a date").isEmpty());
        double accuracy = baseline.accuracy(DateCorpus.generate(800, 100, 500, 3).test());
        System.out.printf("lenient-parsing baseline: %.3f of 500 test dates exact%n", accuracy);
        assertTrue(accuracy > 0.6 && accuracy < 1, "baseline accuracy " + accuracy
                + " (ambiguous short formats cost it)");
    }
}
