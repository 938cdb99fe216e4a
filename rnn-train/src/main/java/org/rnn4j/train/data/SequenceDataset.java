package org.rnn4j.train.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;

/**
 * Variable-length sequences with one target vector each (what a model in
 * {@link org.rnn4j.nd4j.model.SequenceModel.OutputMode#LAST_STEP} mode learns), held on the heap and turned into
 * padded mini-batches on demand ({@link #batch}).
 * <ul>
 *   <li>{@link #ofTokens}: token ids; a batch's input is {@code [T, B]} ids, padded with the padding id.</li>
 *   <li>{@link #ofVectors}: feature vectors; a batch's input is {@code [T, B, F]}, padded with zeros.</li>
 * </ul>
 * Every batch carries the true lengths, so padding never changes a result. Targets are {@code [B, targetSize]}:
 * a value to regress, a 0/1 label for binary cross-entropy, or a class index for
 * {@link org.rnn4j.nd4j.loss.SoftmaxCrossEntropy} (then use {@link #targetsAsIndices}).
 */
public final class SequenceDataset {
    private final List<int[]> tokens;
    private final List<float[][]> vectors;
    private final float[][] targets;
    private final int featureSize;
    private final int paddingId;
    private final boolean targetsAsIndices;

    private SequenceDataset(List<int[]> tokens, List<float[][]> vectors, float[][] targets, int featureSize,
                            int paddingId, boolean targetsAsIndices) {
        this.tokens = tokens;
        this.vectors = vectors;
        this.targets = targets;
        this.featureSize = featureSize;
        this.paddingId = paddingId;
        this.targetsAsIndices = targetsAsIndices;
    }

    /**
     * @param sequences token ids, each non-empty and {@code >= 0}
     * @param targets   one vector per sequence, all of one size, finite
     * @param paddingId the id that fills a batch beyond a sequence's end (the embedding's padding id, usually 0)
     */
    public static SequenceDataset ofTokens(List<int[]> sequences, float[][] targets, int paddingId) {
        Checks.notNull(sequences, "sequences");
        List<int[]> copy = new ArrayList<>(sequences.size());
        for (int i = 0; i < sequences.size(); i++) {
            int[] s = Checks.notNull(sequences.get(i), "sequences[" + i + "]");
            if (s.length == 0) {
                throw new IllegalArgumentException("sequences[" + i + "] is empty; every sequence needs a step");
            }
            for (int t = 0; t < s.length; t++) {
                if (s[t] < 0) {
                    throw new IllegalArgumentException("sequences[" + i + "][" + t + "] is the token id " + s[t]
                            + "; ids are >= 0");
                }
            }
            copy.add(s.clone());
        }
        if (paddingId < 0) {
            throw new IllegalArgumentException("paddingId must be >= 0 but is " + paddingId);
        }
        return new SequenceDataset(copy, null, checkTargets(targets, copy.size()), 0, paddingId, false);
    }

    /** @param sequences {@code [steps][features]} each, non-empty, all with one feature count, finite */
    public static SequenceDataset ofVectors(List<float[][]> sequences, float[][] targets) {
        Checks.notNull(sequences, "sequences");
        int features = -1;
        List<float[][]> copy = new ArrayList<>(sequences.size());
        for (int i = 0; i < sequences.size(); i++) {
            float[][] s = Checks.notNull(sequences.get(i), "sequences[" + i + "]");
            if (s.length == 0) {
                throw new IllegalArgumentException("sequences[" + i + "] is empty; every sequence needs a step");
            }
            float[][] c = new float[s.length][];
            for (int t = 0; t < s.length; t++) {
                float[] step = Checks.notNull(s[t], "sequences[" + i + "][" + t + "]");
                if (features < 0) {
                    features = step.length;
                }
                if (step.length != features || features == 0) {
                    throw new IllegalArgumentException("sequences[" + i + "][" + t + "] has " + step.length
                            + " features but the first step of the dataset has " + features + " (must be > 0)");
                }
                for (float v : step) {
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException("sequences[" + i + "][" + t + "] holds " + v);
                    }
                }
                c[t] = step.clone();
            }
            copy.add(c);
        }
        return new SequenceDataset(null, copy, checkTargets(targets, copy.size()), Math.max(features, 0), 0, false);
    }

    private static float[][] checkTargets(float[][] targets, int count) {
        Checks.notNull(targets, "targets");
        if (targets.length != count) {
            throw new IllegalArgumentException("targets must have one row per sequence (" + count + ") but has "
                    + targets.length);
        }
        float[][] copy = new float[count][];
        for (int i = 0; i < count; i++) {
            float[] t = Checks.notNull(targets[i], "targets[" + i + "]");
            if (t.length == 0 || t.length != targets[0].length) {
                throw new IllegalArgumentException("targets[" + i + "] has " + t.length + " values but targets[0] has "
                        + targets[0].length + " (must be > 0)");
            }
            for (float v : t) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("targets[" + i + "] holds " + v);
                }
            }
            copy[i] = t.clone();
        }
        return copy;
    }

    /**
     * This dataset with targets read as class indices in {@code [0, classes)} ({@code [B]} per batch, for
     * {@link org.rnn4j.nd4j.loss.SoftmaxCrossEntropy}).
     *
     * @throws IllegalArgumentException naming the first target that is not an integer in range
     */
    public SequenceDataset targetsAsIndices(int classes) {
        Checks.positive(classes, "classes");
        for (int i = 0; i < targets.length; i++) {
            float v = targets[i][0];
            if (targets[i].length != 1 || v != Math.rint(v) || v < 0 || v >= classes) {
                throw new IllegalArgumentException("targets[" + i + "] = " + Arrays.toString(targets[i])
                        + " is not a class index in [0, " + classes + ")");
            }
        }
        return new SequenceDataset(tokens, vectors, targets, featureSize, paddingId, true);
    }

    public int size() {
        return targets.length;
    }

    public boolean isTokens() {
        return tokens != null;
    }

    /** Features per step; 0 for token ids. */
    /**
     * The first sequence and step holding a token id {@code >= vocabularySize}, as {@code {sequence, step, id}}, or
     * null when every id is below it (or the set holds vectors).
     */
    public int[] firstTokenAtOrAbove(int vocabularySize) {
        if (tokens == null) {
            return null;
        }
        for (int i = 0; i < tokens.size(); i++) {
            int[] s = tokens.get(i);
            for (int t = 0; t < s.length; t++) {
                if (s[t] >= vocabularySize) {
                    return new int[] {i, t, s[t]};
                }
            }
        }
        return paddingId >= vocabularySize ? new int[] {-1, -1, paddingId} : null;
    }

    public int featureSize() {
        return featureSize;
    }

    public int targetSize() {
        return targets.length == 0 ? 0 : targets[0].length;
    }

    public int length(int index) {
        return tokens != null ? tokens.get(index).length : vectors.get(index).length;
    }

    /** A copy of sequence {@code index}'s token ids; only for a dataset of token ids. */
    public int[] tokens(int index) {
        if (tokens == null) {
            throw new IllegalStateException("this dataset holds vectors, not token ids");
        }
        return tokens.get(checkIndex(index)).clone();
    }

    /** A copy of sequence {@code index}'s vectors {@code [steps][features]}; only for a dataset of vectors. */
    public float[][] vectors(int index) {
        if (vectors == null) {
            throw new IllegalStateException("this dataset holds token ids, not vectors");
        }
        float[][] v = vectors.get(checkIndex(index));
        float[][] copy = new float[v.length][];
        for (int t = 0; t < v.length; t++) {
            copy[t] = v[t].clone();
        }
        return copy;
    }

    /** A copy of target {@code index}. */
    public float[] target(int index) {
        return targets[index].clone();
    }

    /** The examples at {@code indices}, in that order. */
    public SequenceDataset subset(int[] indices) {
        Checks.notNull(indices, "indices");
        float[][] t = new float[indices.length][];
        List<int[]> tk = tokens == null ? null : new ArrayList<>();
        List<float[][]> v = vectors == null ? null : new ArrayList<>();
        for (int i = 0; i < indices.length; i++) {
            int k = checkIndex(indices[i]);
            t[i] = targets[k];
            if (tk != null) {
                tk.add(tokens.get(k));
            } else {
                v.add(vectors.get(k));
            }
        }
        return new SequenceDataset(tk, v, t, featureSize, paddingId, targetsAsIndices);
    }

    private int checkIndex(int k) {
        if (k < 0 || k >= size()) {
            throw new IndexOutOfBoundsException("example " + k + " of a dataset of " + size());
        }
        return k;
    }

    /** The examples at {@code indices} as one padded batch of {@code dataType}, in that order. */
    public Batch batch(int[] indices, DataType dataType) {
        Checks.notNull(indices, "indices");
        if (indices.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one example");
        }
        int batch = indices.length;
        int[] lengths = new int[batch];
        int steps = 0;
        for (int b = 0; b < batch; b++) {
            lengths[b] = length(checkIndex(indices[b]));
            steps = Math.max(steps, lengths[b]);
        }
        int width = tokens != null ? 1 : featureSize;
        float[] input = new float[steps * batch * width];
        if (tokens != null && paddingId != 0) {
            Arrays.fill(input, paddingId);
        }
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                int at = (t * batch + b) * width;
                if (tokens != null) {
                    input[at] = tokens.get(indices[b])[t];
                } else {
                    System.arraycopy(vectors.get(indices[b])[t], 0, input, at, width);
                }
            }
        }
        int outputs = targetSize();
        float[] target = new float[batch * outputs];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(targets[indices[b]], 0, target, b * outputs, outputs);
        }
        long[] inputShape = tokens != null ? new long[]{steps, batch} : new long[]{steps, batch, width};
        long[] targetShape = targetsAsIndices ? new long[]{batch} : new long[]{batch, outputs};
        return new Batch(Nd4j.createFromArray(input).reshape('c', inputShape).castTo(dataType),
                lengths, Nd4j.createFromArray(target).reshape('c', targetShape).castTo(dataType), indices.clone());
    }
}
