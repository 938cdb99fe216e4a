package org.rnn4j.examples.dates;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The baseline a model must beat: the JDK's own parsers of every known format, tried in turn ({@link DateFormats#all}'s
 * order), the first that reads the text giving the answer. It knows every format by construction; where two formats
 * read one text differently ("3/4/21": March 4 in en-US, April 3 elsewhere) it takes the first.
 */
public final class LenientParsing implements DateBaseline {
    private final List<DateFormats.Format> formats = DateFormats.all();

    /** The date the first format that parses {@code text} reads, if any does. */
    @Override
    public Optional<LocalDate> parse(String text) {
        for (DateFormats.Format f : formats) {
            try {
                return Optional.of(LocalDate.from(f.lenientParser().parse(text)));
            } catch (java.time.DateTimeException e) { // parse errors and unresolvable fields alike
                // not this format: try the next
            }
        }
        return Optional.empty();
    }

}
