package org.rnn4j.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Named parameter arrays that are all views of one flat, contiguous buffer laid out by a {@link ParameterLayout}.
 * One buffer lets an optimizer update every parameter of a model with a few calls, and lets gradients and optimizer
 * state share the layout. The views are c-order and never reallocated: writing to {@link #get} writes to
 * {@link #flat} and back.
 */
public final class Parameters {
    private final ParameterLayout layout;
    private final INDArray flat;
    private final Map<String, INDArray> views = new LinkedHashMap<>();

    private Parameters(ParameterLayout layout, INDArray flat) {
        this.layout = layout;
        this.flat = flat;
        for (String name : layout.names()) {
            long[] shape = layout.shape(name);
            views.put(name, Nd4j.create(flat.data(), shape, Nd4j.getStrides(shape, 'c'),
                    flat.offset() + layout.offset(name), 'c', flat.dataType()));
        }
    }

    /** New parameters of the given layout, all zero. */
    public static Parameters zeros(ParameterLayout layout, DataType dataType) {
        Checks.notNull(layout, "layout");
        Checks.floatingType(dataType, "dataType");
        return new Parameters(layout, Nd4j.zeros(dataType, layout.size()));
    }

    public ParameterLayout layout() {
        return layout;
    }

    public DataType dataType() {
        return flat.dataType();
    }

    /** All parameters as one rank-1 array of {@link ParameterLayout#size()} scalars. */
    public INDArray flat() {
        return flat;
    }

    public List<String> names() {
        return layout.names();
    }

    /** The view of one parameter. */
    public INDArray get(String name) {
        INDArray v = views.get(name);
        if (v == null) {
            throw new IllegalArgumentException("unknown parameter '" + name + "'; known: " + views.keySet());
        }
        return v;
    }

    /** The parameters under {@code prefix + "."} as their own {@code Parameters}, sharing this buffer. */
    public Parameters part(String prefix) {
        ParameterLayout sub = layout.part(prefix);
        long start = layout.offset(prefix + "." + sub.names().get(0));
        INDArray range = Nd4j.create(flat.data(), new long[] {sub.size()}, new long[] {1},
                flat.offset() + start, 'c', flat.dataType());
        return new Parameters(sub, range);
    }

    /** Zero parameters of the same layout and type (for gradients or optimizer state). */
    public Parameters zerosLike() {
        return zeros(layout, dataType());
    }

    /** Copies every value of {@code source}, which must have the same layout. */
    public void assign(Parameters source) {
        Checks.notNull(source, "source");
        if (!layout.equals(source.layout)) {
            throw new IllegalArgumentException("source must have layout " + layout + " but has " + source.layout);
        }
        flat.assign(source.flat);
    }

    /** Sets one parameter from an array of the same shape. */
    public void set(String name, INDArray value) {
        INDArray target = get(name);
        Checks.notNull(value, name);
        if (!java.util.Arrays.equals(target.shape(), value.shape())) {
            throw new IllegalArgumentException(name + " must have shape " + java.util.Arrays.toString(target.shape())
                    + " but has " + java.util.Arrays.toString(value.shape()));
        }
        target.assign(value);
    }

    /** A deep copy with its own buffer. */
    public Parameters copy() {
        return new Parameters(layout, flat.dup());
    }

    @Override
    public String toString() {
        return "Parameters" + layout + " " + dataType();
    }
}
