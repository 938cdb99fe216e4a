package org.rnn4j.nd4j.layer;

import java.util.SplittableRandom;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.nd4j.cell.CellSpec;

/**
 * Several recurrent layers of any cell ({@link CellSpec}: built-in or yours) stacked, each optionally bidirectional,
 * like PyTorch's {@code nn.RNN/LSTM/GRU(...,
 * num_layers, bidirectional, dropout)}:
 * <pre>
 *   x → layer 0 (forward ‖ reverse) → dropout → layer 1 (forward ‖ reverse) → ... → outputs
 * </pre>
 * <ul>
 *   <li>The reverse direction reads each sequence backwards from its own last valid step (as PyTorch's packed
 *       sequences do); its outputs are put back in time order before they are merged with the forward ones.</li>
 *   <li>Merge: {@link Merge#CONCAT} (default, PyTorch's) gives {@code [T, B, 2H]}, forward first; {@link Merge#SUM}
 *       gives {@code [T, B, H]}.</li>
 *   <li>Dropout with probability {@code dropout} on the outputs of every layer but the last, in training passes only
 *       (inverted dropout: kept values are scaled by {@code 1/(1-p)}), from a random stream seeded by
 *       {@code seed}.</li>
 *   <li>State: {@code layers × directions × cellArity} parts of {@code [B, H]}, ordered by layer, then direction
 *       (forward, reverse), then part ({@code h}, {@code c}): PyTorch's {@code h_n[layer*D + direction]}.</li>
 *   <li>Parameters: {@code l<k>.<name>} and {@code l<k>_reverse.<name>}, where {@code <name>} is the cell's
 *       ({@code weight_ih}, ...); PyTorch calls them {@code <name>_l<k>} and {@code <name>_l<k>_reverse}.</li>
 * </ul>
 * Defaults: one layer, unidirectional, concat, no dropout, seed 0.
 */
public record StackedRnn(CellSpec cell, int layers, boolean bidirectional, Merge merge, double dropout,
                         long seed) implements RecurrentSpec {
    /** How the two directions' outputs combine. */
    public enum Merge { CONCAT, SUM }

    public static final int DEFAULT_LAYERS = 1;
    /**
     * The deepest stack: far beyond any recurrent stack in use (PyTorch's and Keras's examples stop at a handful),
     * and small enough that a model file whose layer count was tampered with is refused at once instead of building
     * millions of layers' descriptions.
     */
    public static final int MAX_LAYERS = 1024;
    public static final Merge DEFAULT_MERGE = Merge.CONCAT;

    public StackedRnn {
        Checks.notNull(cell, "cell");
        if (layers < 1 || layers > MAX_LAYERS) {
            throw new IllegalArgumentException("layers must be in [1, " + MAX_LAYERS + "] but is " + layers);
        }
        Checks.notNull(merge, "merge");
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1) but is " + dropout);
        }
        if (bidirectional && merge == Merge.CONCAT && cell.outputSize() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("a bidirectional stack concatenates two outputs of "
                    + cell.outputSize() + " features, more than an int holds");
        }
        if (layers > 1) {
            try {
                cell.withInputSize(bidirectional && merge == Merge.CONCAT ? 2 * cell.outputSize() : cell.outputSize());
            } catch (UnsupportedOperationException e) {
                throw new IllegalArgumentException("cell must implement withInputSize(int) to be stacked " + layers
                        + " layers deep: " + e.getMessage(), e);
            }
        }
    }

    /** Starts a stack of {@code cell} (whose input size is the stack's input size). */
    public static Builder builder(CellSpec cell) {
        return new Builder(cell);
    }

    public int directions() {
        return bidirectional ? 2 : 1;
    }

    @Override
    public int inputSize() {
        return cell.inputSize();
    }

    /** The size of each step's output: {@code 2H} for a bidirectional concat, else {@code H}. */
    @Override
    public int outputSize() {
        return bidirectional && merge == Merge.CONCAT ? 2 * cell.outputSize() : cell.outputSize();
    }

    /** The cell of layer {@code k}: the first reads the input, the others the layer below's output. */
    public CellSpec layerCell(int k) {
        return k == 0 ? cell : cell.withInputSize(outputSize());
    }

    /** The parameter prefix of layer {@code k}, direction {@code d} (0 forward, 1 reverse). */
    public static String prefix(int k, int d) {
        return "l" + k + (d == 1 ? "_reverse" : "");
    }

    @Override
    public ParameterLayout layout() {
        ParameterLayout.Builder b = ParameterLayout.builder();
        for (int k = 0; k < layers; k++) {
            for (int d = 0; d < directions(); d++) {
                b.add(prefix(k, d), layerCell(k).layout());
            }
        }
        return b.build();
    }

    @Override
    public void initialize(Parameters parameters, SplittableRandom random) {
        for (int k = 0; k < layers; k++) {
            for (int d = 0; d < directions(); d++) {
                layerCell(k).initialize(parameters.part(prefix(k, d)), random);
            }
        }
    }

    @Override
    public SequenceLayer create(Parameters parameters, Parameters gradients) {
        return new StackedRnnLayer(this, parameters, gradients);
    }

    public static final class Builder {
        private final CellSpec cell;
        private int layers = DEFAULT_LAYERS;
        private boolean bidirectional;
        private Merge merge = DEFAULT_MERGE;
        private double dropout;
        private long seed;

        private Builder(CellSpec cell) {
            this.cell = cell;
        }

        public Builder layers(int layers) {
            this.layers = layers;
            return this;
        }

        public Builder bidirectional(boolean bidirectional) {
            this.bidirectional = bidirectional;
            return this;
        }

        public Builder merge(Merge merge) {
            this.merge = merge;
            return this;
        }

        /** Dropout probability between stacked layers, in training only. */
        public Builder dropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        /** Seed of the dropout masks. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public StackedRnn build() {
            return new StackedRnn(cell, layers, bidirectional, merge, dropout, seed);
        }
    }
}
