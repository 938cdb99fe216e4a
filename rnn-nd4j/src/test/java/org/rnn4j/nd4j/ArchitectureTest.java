package org.rnn4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package structure of rnn-nd4j, as docs/architecture.md draws it: each package imports only the packages
 * below it, so there is no cycle; the Vector API is confined to the engine (and the one class that says whether the
 * JVM has it). Reads the main sources: a forbidden import fails the build.
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/org/rnn4j/nd4j");
    /** Each package and the rnn4j packages it may import (besides org.rnn4j.api, which all may). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("internal", Set.of()),
            Map.entry("init", Set.of("internal")),
            Map.entry("cell", Set.of("internal", "init")),
            Map.entry("engine", Set.of("internal", "init", "cell")),
            Map.entry("layer", Set.of("internal", "init", "cell", "engine")),
            Map.entry("loss", Set.of("internal")),
            Map.entry("eval", Set.of("internal")),
            Map.entry("optim", Set.of("internal")),
            Map.entry("model", Set.of("internal", "init", "cell", "layer", "loss", "optim")),
            Map.entry("stream", Set.of("internal", "cell", "layer")),
            Map.entry("io", Set.of("internal", "init", "cell", "layer", "model")));
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?org\\.rnn4j\\.nd4j\\.(\\w+)\\.",
            Pattern.MULTILINE);
    private static final Pattern FULLY_QUALIFIED = Pattern.compile("org\\.rnn4j\\.nd4j\\.(\\w+)\\.[A-Z]");

    @Test
    void everyPackageImportsOnlyThePackagesBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        Map<String, Set<String>> seen = new TreeMap<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            assertTrue(ALLOWED.containsKey(pkg), file + " is in package '" + pkg + "', which this test (and "
                    + "docs/architecture.md) does not know");
            String code = stripComments(Files.readString(file));
            Set<String> used = new TreeSet<>();
            for (Matcher m = IMPORT.matcher(code); m.find(); ) {
                used.add(m.group(1));
            }
            for (Matcher m = FULLY_QUALIFIED.matcher(code); m.find(); ) {
                used.add(m.group(1));
            }
            used.remove(pkg);
            seen.computeIfAbsent(pkg, k -> new TreeSet<>()).addAll(used);
            for (String other : used) {
                if (!ALLOWED.get(pkg).contains(other)) {
                    violations.add(SOURCES.relativize(file) + " (" + pkg + ") uses " + other);
                }
            }
        }
        assertEquals(List.of(), violations, "imports against the layering; the packages use " + seen);
    }

    @Test
    void theVectorApiStaysInTheEngine() throws IOException {
        List<String> outside = new ArrayList<>();
        for (Path file : sources()) {
            String code = stripComments(Files.readString(file));
            boolean allowed = packageOf(file).equals("engine") || file.endsWith("internal/VectorSupport.java")
                    || file.endsWith("optim/AdamVectorLoop.java");
            if (code.contains("jdk.incubator.vector") && !allowed) {
                outside.add(SOURCES.relativize(file).toString());
            }
        }
        assertEquals(List.of(), outside);
    }

    /** The rule table itself has no cycle (so the imports it allows cannot form one). */
    @Test
    void theLayeringIsACycleFreeOrder() {
        for (String pkg : ALLOWED.keySet()) {
            assertTrue(!reaches(pkg, pkg, new TreeSet<>()), pkg + " reaches itself");
        }
    }

    private static boolean reaches(String from, String target, Set<String> visited) {
        for (String next : ALLOWED.get(from)) {
            if (next.equals(target) || visited.add(next) && reaches(next, target, visited)) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            List<Path> list = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getParent().equals(SOURCES)).toList();
            assertTrue(list.size() > 50, "found only " + list.size() + " sources under " + SOURCES.toAbsolutePath());
            return list;
        }
    }

    private static String packageOf(Path file) {
        return SOURCES.relativize(file).getName(0).toString();
    }

    private static String stripComments(String code) {
        return code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "")
                .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\""); // and string literals
    }
}
