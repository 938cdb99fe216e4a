package org.rnn4j.nd4j.io;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.rnn4j.api.Checks;
import org.rnn4j.nd4j.cell.CellSpec;

/**
 * The cells of your own that model files may hold: a model file names its cell by type and stores the spec's
 * components (a {@code record}'s, read and written by Jackson) beside the parameters. Register each type once, before
 * saving or loading ({@code CellTypes.register("min-gru", MinimalGatedUnit.class)}); loading a file whose type is not
 * registered fails with an {@link java.io.IOException} that names it. The built-in cells' types ({@value #BUILT_IN})
 * are reserved.
 */
public final class CellTypes {
    /** The types of the built-in cells and of a stack, which no registered type may take. */
    public static final String BUILT_IN = "rnn, lstm, gru, stacked";
    private static final Set<String> RESERVED = Set.of("rnn", "lstm", "gru", "stacked");
    private static final Map<String, Class<? extends CellSpec>> BY_TYPE = new ConcurrentHashMap<>();
    private static final Map<Class<? extends CellSpec>, String> BY_CLASS = new ConcurrentHashMap<>();

    private CellTypes() {
    }

    /**
     * Registers {@code spec} (a record implementing {@link CellSpec}) under {@code type}. Registering the same pair
     * again does nothing.
     *
     * @throws IllegalArgumentException if the type is reserved or blank, the class is not a record, or either is
     *                                  already registered with another
     */
    public static synchronized void register(String type, Class<? extends CellSpec> spec) {
        Checks.notNull(type, "type");
        Checks.notNull(spec, "spec");
        if (type.isBlank() || RESERVED.contains(type)) {
            throw new IllegalArgumentException("type must be a non-blank name other than " + BUILT_IN + " but is '"
                    + type + "'");
        }
        if (!spec.isRecord()) {
            throw new IllegalArgumentException("spec must be a record (its components are what the file stores) "
                    + "but " + spec.getName() + " is not");
        }
        Class<? extends CellSpec> known = BY_TYPE.get(type);
        String knownType = BY_CLASS.get(spec);
        if (known != null && known != spec || knownType != null && !knownType.equals(type)) {
            throw new IllegalArgumentException("type '" + type + "' or class " + spec.getName() + " is already "
                    + "registered with another (" + (known != null ? known.getName() : knownType) + ")");
        }
        BY_TYPE.put(type, spec);
        BY_CLASS.put(spec, type);
    }

    static Optional<String> typeOf(Class<? extends CellSpec> spec) {
        return Optional.ofNullable(BY_CLASS.get(spec));
    }

    static Optional<Class<? extends CellSpec>> classOf(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }

    /** The registered types, sorted (for error messages). */
    static Set<String> registered() {
        return new TreeSet<>(BY_TYPE.keySet());
    }
}
