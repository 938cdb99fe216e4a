package org.rnn4j.nd4j.internal;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Numbered reshaped views, each made again only when asked for another array or shape than last time: creating a
 * view allocates its native shape descriptor, and a training pass of a repeating shape asks for the same ones.
 * Not thread-safe: one owner, one thread.
 */
public final class ReshapeSlots {
    private final INDArray[] sources;
    private final INDArray[] views;

    public ReshapeSlots(int count) {
        sources = new INDArray[count];
        views = new INDArray[count];
    }

    /**
     * {@code source.reshape('c', shape)}: {@code source} itself if it has that shape; else a view kept when
     * {@code source} is contiguous in c order (the reshape of any other array may be a copy, made every time).
     */
    public INDArray reshape(int slot, INDArray source, long... shape) {
        if (Arrays.equals(source.shape(), shape)) {
            return source;
        }
        INDArray view = views[slot];
        if (view != null && sources[slot] == source && Arrays.equals(view.shape(), shape)) {
            return view;
        }
        view = source.reshape('c', shape);
        boolean shared = Buffers.contiguous(source);
        sources[slot] = shared ? source : null;
        views[slot] = shared ? view : null;
        return view;
    }
}
