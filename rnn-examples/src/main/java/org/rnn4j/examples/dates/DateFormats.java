package org.rnn4j.examples.dates;

import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The human date formats the dates demo reads: the JDK's own localized formats (CLDR data, {@code java.time.format})
 * of fifteen locales in each of the four styles, from "Wednesday, March 3, 2021" to "2021年3月3日" and "3/3/21".
 * None is invented here.
 */
public final class DateFormats {
    /** Locales of different scripts, orders and separators. */
    public static final List<Locale> LOCALES = List.of("en-US", "en-GB", "fr-FR", "de-DE", "es-ES", "it-IT", "pt-BR",
            "nl-NL", "ja-JP", "zh-CN", "ko-KR", "ru-RU", "pl-PL", "sv-SE", "tr-TR").stream()
            .map(Locale::forLanguageTag).toList();

    /** One locale's format of one style. */
    public record Format(Locale locale, FormatStyle style) {
        public DateTimeFormatter formatter() {
            return DateTimeFormatter.ofLocalizedDate(style).withLocale(locale);
        }

        /** The same format, parsing leniently (what the baseline tries). */
        public DateTimeFormatter lenientParser() {
            return formatter().withResolverStyle(ResolverStyle.LENIENT);
        }

        public String name() {
            return locale.toLanguageTag() + " " + style;
        }
    }

    private DateFormats() {
    }

    /** Every locale's four styles, locale by locale (FULL, LONG, MEDIUM, SHORT). */
    public static List<Format> all() {
        List<Format> out = new ArrayList<>();
        for (Locale locale : LOCALES) {
            for (FormatStyle style : FormatStyle.values()) {
                out.add(new Format(locale, style));
            }
        }
        return out;
    }
}
