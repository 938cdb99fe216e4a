package org.rnn4j.examples.dates;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simplest rule: copy the digits. Three groups of digits in the text are read year first when the first has four
 * digits ("2021/3/3", "2021年3月3日"), otherwise day, month, year, the world's most common order ("03.03.21"); a
 * two-digit year is 20xx. Dates with a month name have two groups and are not read.
 */
public final class DigitCopying implements DateBaseline {
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    @Override
    public Optional<LocalDate> parse(String text) {
        List<Integer> groups = new ArrayList<>();
        Matcher m = DIGITS.matcher(text);
        while (m.find()) {
            if (m.group().length() > 4) {
                return Optional.empty();
            }
            groups.add(Integer.parseInt(m.group()));
        }
        if (groups.size() != 3) {
            return Optional.empty();
        }
        boolean yearFirst = groups.get(0) >= 1000;
        int year = yearFirst ? groups.get(0) : groups.get(2);
        int month = groups.get(1);
        int day = yearFirst ? groups.get(2) : groups.get(0);
        try {
            return Optional.of(LocalDate.of(year < 100 ? 2000 + year : year, month, day));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

}
