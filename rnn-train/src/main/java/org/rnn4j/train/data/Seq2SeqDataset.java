package org.rnn4j.train.data;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;

/**
 * Pairs of token sequences, a source and the target an {@link org.rnn4j.nd4j.model.EncoderDecoder} must write for
 * it (usually ending with the end-of-sequence id), held on the heap and turned into padded mini-batches on demand
 * ({@link #batch}): source {@code [S, B]} and target {@code [T, B]} ids, each padded with the padding id, with both
 * sides' lengths.
 */
public final class Seq2SeqDataset {
    private final List<int[]> sources;
    private final List<int[]> targets;
    private final int paddingId;

    private Seq2SeqDataset(List<int[]> sources, List<int[]> targets, int paddingId) {
        this.sources = sources;
        this.targets = targets;
        this.paddingId = paddingId;
    }

    /**
     * @param sources   source token ids, each non-empty and {@code >= 0}
     * @param targets   as many target token ids, likewise
     * @param paddingId the id that fills a batch beyond a sequence's end (0 usually)
     */
    public static Seq2SeqDataset of(List<int[]> sources, List<int[]> targets, int paddingId) {
        Checks.notNull(sources, "sources");
        Checks.notNull(targets, "targets");
        if (sources.size() != targets.size()) {
            throw new IllegalArgumentException("sources and targets must have as many sequences but have "
                    + sources.size() + " and " + targets.size());
        }
        if (paddingId < 0) {
            throw new IllegalArgumentException("paddingId must be >= 0 but is " + paddingId);
        }
        return new Seq2SeqDataset(copy(sources, "sources"), copy(targets, "targets"), paddingId);
    }

    private static List<int[]> copy(List<int[]> sequences, String name) {
        List<int[]> copy = new ArrayList<>(sequences.size());
        for (int i = 0; i < sequences.size(); i++) {
            int[] s = Checks.notNull(sequences.get(i), name + "[" + i + "]");
            if (s.length == 0) {
                throw new IllegalArgumentException(name + "[" + i + "] is empty; every sequence needs a step");
            }
            for (int t = 0; t < s.length; t++) {
                if (s[t] < 0) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + t + "] is the token id " + s[t]
                            + "; ids are >= 0");
                }
            }
            copy.add(s.clone());
        }
        return copy;
    }

    public int size() {
        return sources.size();
    }

    public int sourceLength(int index) {
        return sources.get(checkIndex(index)).length;
    }

    public int targetLength(int index) {
        return targets.get(checkIndex(index)).length;
    }

    /** A copy of source {@code index}. */
    public int[] source(int index) {
        return sources.get(checkIndex(index)).clone();
    }

    /** A copy of target {@code index}. */
    public int[] target(int index) {
        return targets.get(checkIndex(index)).clone();
    }

    /**
     * The first id at or above {@code vocabularySize} on one side ({@code [index, step, id]}), {@code [-1, -1,
     * paddingId]} if the padding id is, or null: what a model checks before training on any of them.
     */
    public int[] firstTokenAtOrAbove(boolean source, int vocabularySize) {
        if (paddingId >= vocabularySize) {
            return new int[] {-1, -1, paddingId};
        }
        List<int[]> side = source ? sources : targets;
        for (int i = 0; i < side.size(); i++) {
            int[] s = side.get(i);
            for (int t = 0; t < s.length; t++) {
                if (s[t] >= vocabularySize) {
                    return new int[] {i, t, s[t]};
                }
            }
        }
        return null;
    }

    /** The examples at {@code indices}, in that order. */
    public Seq2SeqDataset subset(int[] indices) {
        Checks.notNull(indices, "indices");
        List<int[]> s = new ArrayList<>(indices.length);
        List<int[]> t = new ArrayList<>(indices.length);
        for (int index : indices) {
            s.add(sources.get(checkIndex(index)));
            t.add(targets.get(index));
        }
        return new Seq2SeqDataset(s, t, paddingId);
    }

    private int checkIndex(int k) {
        if (k < 0 || k >= size()) {
            throw new IndexOutOfBoundsException("example " + k + " of a dataset of " + size());
        }
        return k;
    }

    /** The examples at {@code indices} as one padded batch of {@code dataType} ids, in that order. */
    public Seq2SeqBatch batch(int[] indices, DataType dataType) {
        Checks.notNull(indices, "indices");
        if (indices.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one example");
        }
        for (int index : indices) {
            checkIndex(index);
        }
        int[] sourceLengths = new int[indices.length];
        int[] targetLengths = new int[indices.length];
        INDArray source = padded(sources, indices, sourceLengths, dataType);
        INDArray target = padded(targets, indices, targetLengths, dataType);
        return new Seq2SeqBatch(source, sourceLengths, target, targetLengths, indices.clone());
    }

    private INDArray padded(List<int[]> side, int[] indices, int[] lengths, DataType dataType) {
        int batch = indices.length;
        int steps = 0;
        for (int b = 0; b < batch; b++) {
            lengths[b] = side.get(indices[b]).length;
            steps = Math.max(steps, lengths[b]);
        }
        float[] ids = new float[steps * batch];
        java.util.Arrays.fill(ids, paddingId);
        for (int b = 0; b < batch; b++) {
            int[] s = side.get(indices[b]);
            for (int t = 0; t < s.length; t++) {
                ids[t * batch + b] = s[t];
            }
        }
        return Nd4j.createFromArray(ids).reshape('c', steps, batch).castTo(dataType);
    }
}
