package org.rnn4j.nd4j.layer;

import java.util.SplittableRandom;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.nd4j.cell.CellSpec;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.engine.FusedRecurrentLayer;
import org.rnn4j.nd4j.internal.Stepper;

/**
 * One recurrent layer of one cell, any cell: the one place that decides how a cell runs over a sequence. A built-in
 * cell ({@link RecurrentCellSpec}, unless built with {@code fused(false)}) runs on the fused engine
 * ({@link FusedRecurrentLayer}: a few native calls or Java kernels per step, tested equal to the cell); every other
 * cell, yours included, runs its own steps in a {@link CellLoop}. The parameters are the cell's, with its names.
 * {@link StackedRnn} builds one of these per layer and direction.
 */
public record RecurrentLayer(CellSpec cell) implements RecurrentSpec {
    public RecurrentLayer {
        Checks.notNull(cell, "cell");
    }

    public static RecurrentLayer of(CellSpec cell) {
        return new RecurrentLayer(cell);
    }

    /** Whether layers of this cell run on the fused engine. */
    public boolean fused() {
        return cell instanceof RecurrentCellSpec builtIn && builtIn.fused();
    }

    @Override
    public int inputSize() {
        return cell.inputSize();
    }

    @Override
    public int outputSize() {
        return cell.outputSize();
    }

    @Override
    public ParameterLayout layout() {
        return cell.layout();
    }

    @Override
    public void initialize(Parameters parameters, SplittableRandom random) {
        cell.initialize(parameters, random);
    }

    /**
     * The fast streaming path of a layer built by this class or {@link StackedRnn} (one step at a time over
     * preallocated buffers), or {@code null} when it has none (cells in a {@link CellLoop}, bidirectional stacks):
     * {@link org.rnn4j.nd4j.stream.RecurrentStream} then runs passes of one step.
     */
    public static Stepper stepper(SequenceLayer layer, long batch) {
        return layer instanceof FusedRecurrentLayer fused ? fused.stepper(batch)
                : layer instanceof StackedRnnLayer stack ? stack.stepper(batch) : null;
    }

    @Override
    public SequenceLayer create(Parameters parameters, Parameters gradients) {
        return fused() ? new FusedRecurrentLayer((RecurrentCellSpec) cell, parameters, gradients)
                : new CellLoop(cell.createCell(parameters, gradients));
    }
}
