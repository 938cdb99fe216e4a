package org.rnn4j.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names and shapes of a set of parameters, in order. Entries are laid out one after the other in a flat
 * buffer (each in c order), so a layout fixes the offset of every parameter. Names follow PyTorch where a PyTorch
 * module exists ({@code weight_ih_l0}, {@code bias_hh_l0}, {@code weight}, ...); composed layouts prefix the names of
 * their parts with {@code part.}.
 */
public final class ParameterLayout {
    private final Map<String, long[]> shapes;
    private final Map<String, Long> offsets;
    private final long size;

    private ParameterLayout(Map<String, long[]> shapes) {
        this.shapes = Collections.unmodifiableMap(shapes);
        Map<String, Long> o = new LinkedHashMap<>();
        long next = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            o.put(e.getKey(), next);
            try {
                next = Math.addExact(next, count(e.getValue()));
            } catch (ArithmeticException overflow) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' of shape "
                        + Arrays.toString(e.getValue()) + " takes the layout past " + Long.MAX_VALUE + " scalars");
            }
        }
        this.offsets = Collections.unmodifiableMap(o);
        this.size = next;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Total number of scalars. */
    public long size() {
        return size;
    }

    public List<String> names() {
        return new ArrayList<>(shapes.keySet());
    }

    public boolean contains(String name) {
        return shapes.containsKey(name);
    }

    public long[] shape(String name) {
        return require(name).clone();
    }

    public long offset(String name) {
        require(name);
        return offsets.get(name);
    }

    public long length(String name) {
        return count(require(name));
    }

    /** The entries whose names start with {@code prefix + "."}, with that prefix removed. */
    public ParameterLayout part(String prefix) {
        Builder b = builder();
        String p = prefix + ".";
        shapes.forEach((name, shape) -> {
            if (name.startsWith(p)) {
                b.add(name.substring(p.length()), shape);
            }
        });
        if (b.shapes.isEmpty()) {
            throw new IllegalArgumentException("no parameters under prefix '" + prefix + "' in " + this);
        }
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ParameterLayout other) || !shapes.keySet().equals(other.shapes.keySet())) {
            return false;
        }
        List<String> a = names();
        List<String> b = other.names();
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i)) || !Arrays.equals(shapes.get(a.get(i)), other.shapes.get(b.get(i)))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return shapes.keySet().hashCode();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        shapes.forEach((n, s) -> b.append(b.length() == 1 ? "" : ", ").append(n).append(Arrays.toString(s)));
        return b.append('}').toString();
    }

    private long[] require(String name) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown parameter '" + name + "'; known: " + shapes.keySet());
        }
        return s;
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public static final class Builder {
        private final Map<String, long[]> shapes = new LinkedHashMap<>();

        public Builder add(String name, long... shape) {
            Checks.notNull(name, "name");
            if (shapes.containsKey(name)) {
                throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
            }
            for (long d : shape) {
                if (d <= 0) {
                    throw new IllegalArgumentException("parameter '" + name + "' must have positive sizes but has "
                            + Arrays.toString(shape));
                }
            }
            shapes.put(name, shape.clone());
            return this;
        }

        /** Adds every entry of {@code part} under {@code prefix + "."}. */
        public Builder add(String prefix, ParameterLayout part) {
            for (String n : part.names()) {
                add(prefix + "." + n, part.shapes.get(n));
            }
            return this;
        }

        public ParameterLayout build() {
            return new ParameterLayout(new LinkedHashMap<>(shapes));
        }
    }
}
