package org.rnn4j.nd4j.layer;

import java.util.Arrays;
import org.rnn4j.api.Checks;

/**
 * A training pass that computes some sequences of a larger batch, as one worker of a data-parallel step does: its
 * dropout masks are those rows (and the first steps) of the masks the whole batch of {@code steps × batch} would
 * draw, so the examples get the masks they would get on one machine, whichever worker computes them.
 *
 * @param steps the whole batch's steps (its longest sequence)
 * @param batch the whole batch's sequences
 * @param rows  which of them this pass computes, in its own order: distinct, in {@code [0, batch)}
 */
public record DropoutFrame(int steps, int batch, int[] rows) {
    public DropoutFrame {
        Checks.positive(steps, "steps");
        Checks.positive(batch, "batch");
        Checks.notNull(rows, "rows");
        boolean[] seen = new boolean[batch];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= batch || seen[rows[i]]) {
                throw new IllegalArgumentException("rows[" + i + "] must be a distinct row in [0, " + batch
                        + ") but is " + rows[i] + " (rows " + Arrays.toString(rows) + ")");
            }
            seen[rows[i]] = true;
        }
        rows = rows.clone();
    }

    @Override
    public int[] rows() {
        return rows.clone();
    }

    /** Checks that a pass of {@code steps × batch} is part of this frame. */
    public void check(long passSteps, long passBatch) {
        if (passBatch != rows.length || passSteps > steps) {
            throw new IllegalArgumentException("the pass has " + passSteps + " steps and " + passBatch
                    + " sequences but its dropout frame has " + rows.length + " rows of a batch of " + steps
                    + " steps");
        }
    }
}
