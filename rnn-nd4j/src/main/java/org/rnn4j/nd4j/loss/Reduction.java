package org.rnn4j.nd4j.loss;

/** How per-element (or per-example) losses combine: PyTorch's {@code reduction='mean'} or {@code 'sum'}. */
public enum Reduction {
    /** Divided by the number of elements (elementwise losses) or examples (cross-entropy) that count. */
    MEAN,
    SUM
}
