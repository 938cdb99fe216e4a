package org.rnn4j.nd4j.engine;

import org.rnn4j.nd4j.internal.HostArray;

/**
 * Gathers a partition's share of gate-blocked weights ({@code [G*H, columns]}, gate blocks of H rows, the layout of
 * the parameters) into the partition's own arrays on the CPU host, once per pass (the parameters change between
 * passes). Java copies: a few hundred kilobytes each, and no native call or allocation.
 */
final class PartitionWeights {
    private PartitionWeights() {
    }

    /** {@code to[k*Hp + j, :] = from[k*H + p*Hp + j, :]} for each gate k and unit j of partition p. */
    static void gatherRows(HostArray from, HostArray to, int gates, int hidden, int units, int p, int columns) {
        for (int k = 0; k < gates; k++) {
            for (int j = 0; j < units; j++) {
                int source = (k * hidden + p * units + j) * columns;
                int target = (k * units + j) * columns;
                for (int i = 0; i < columns; i++) {
                    to.set(target + i, from.get(source + i));
                }
            }
        }
    }

    /**
     * The block of {@code W_hh [G*H, H]} with the rows of partition q and the columns of partition p, transposed:
     * {@code to[j, k*Hp + u] = W[k*H + q*Hp + u, p*Hp + j]} ({@code to} is {@code [Hp, G*Hp]}). The backward step of
     * partition p multiplies partition q's recurrent gate gradients by it.
     */
    static void gatherTransposed(HostArray weights, HostArray to, int gates, int hidden, int units, int q, int p) {
        int width = gates * units;
        for (int k = 0; k < gates; k++) {
            for (int u = 0; u < units; u++) {
                int source = (k * hidden + q * units + u) * hidden + p * units;
                int column = k * units + u;
                for (int j = 0; j < units; j++) {
                    to.set(j * width + column, weights.get(source + j));
                }
            }
        }
    }

    /** {@code to[k*H + p*Hp + j, :] += from[k*Hp + j, :]}: the inverse of {@link #gatherRows}, for gradients. */
    static void scatterAddRows(HostArray from, HostArray to, int gates, int hidden, int units, int p, int columns) {
        for (int k = 0; k < gates; k++) {
            for (int j = 0; j < units; j++) {
                int source = (k * units + j) * columns;
                int target = (k * hidden + p * units + j) * columns;
                for (int i = 0; i < columns; i++) {
                    to.set(target + i, to.get(target + i) + from.get(source + i));
                }
            }
        }
    }
}
