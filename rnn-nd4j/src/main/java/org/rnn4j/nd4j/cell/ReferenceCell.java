package org.rnn4j.nd4j.cell;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Cell;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.internal.ParameterOwner;

/**
 * What the readable reference cells share: the two projections {@code x · W_ihᵀ + b_ih} and
 * {@code h · W_hhᵀ + b_hh}, and their backward. Subclasses hold only their gate equations.
 */
abstract sealed class ReferenceCell extends ParameterOwner implements Cell permits VanillaRnnCell, LstmCell, GruCell {
    final RecurrentCellSpec spec;

    ReferenceCell(RecurrentCellSpec spec, Parameters parameters, Parameters gradients) {
        super(parameters, gradients, spec.layout());
        this.spec = spec;
    }

    /** Checks the arguments of {@code forward}; returns the previous state (zeros when null). */
    final State checkedState(State previous, INDArray x) {
        long batch = CellChecks.input(x, spec.inputSize(), dataType()).size(0);
        return CellChecks.state(previous, spec.stateArity(), batch, spec.hiddenSize(), dataType());
    }

    /** {@code x · W_ihᵀ + b_ih}, {@code [batch, G*H]}, new. */
    final INDArray inputProjection(INDArray x) {
        INDArray z = x.mmul(parameters.get("weight_ih").transpose());
        return spec.bias() ? z.addiRowVector(parameters.get("bias_ih")) : z;
    }

    /** {@code h · W_hhᵀ + b_hh}, {@code [batch, G*H]}, new. */
    final INDArray recurrentProjection(INDArray h) {
        INDArray z = h.mmul(parameters.get("weight_hh").transpose());
        return spec.bias() ? z.addiRowVector(parameters.get("bias_hh")) : z;
    }

    /**
     * Adds the weight and bias gradients of both projections and returns {@code dL/dx} and {@code dL/dh}.
     *
     * @param dInput     {@code dL/d(x · W_ihᵀ + b_ih)}
     * @param dRecurrent {@code dL/d(h · W_hhᵀ + b_hh)}
     */
    final INDArray[] projectionsBackward(INDArray x, INDArray h, INDArray dInput, INDArray dRecurrent) {
        gradients.get("weight_ih").addi(dInput.transpose().mmul(x));
        gradients.get("weight_hh").addi(dRecurrent.transpose().mmul(h));
        if (spec.bias()) {
            gradients.get("bias_ih").addi(dInput.sum(0));
            gradients.get("bias_hh").addi(dRecurrent.sum(0));
        }
        return new INDArray[] {dInput.mmul(parameters.get("weight_ih")), dRecurrent.mmul(parameters.get("weight_hh"))};
    }

    /** Gate {@code k}'s columns of a {@code [batch, G*H]} matrix (a view). */
    final INDArray gate(INDArray gates, int k) {
        return GateLayout.gateColumns(gates, k, spec.hiddenSize());
    }

    /** {@code dL/dh_t}: the output's gradient plus the next step's, either may be null. */
    /**
     * Checks the arguments of {@code backward} before any gradient changes: a step of this cell, and upstream
     * gradients ({@code null} for none) of the step's {@code [batch, hidden]} shape and type, finite.
     */
    final Step checkedStep(Step step, INDArray dOutput, State dNext) {
        Checks.notNull(step, "step");
        long batch = step.input().size(0);
        if (step.input().size(1) != spec.inputSize() || step.previous().arity() != spec.stateArity()) {
            throw new IllegalArgumentException("step must come from this cell's forward (input size "
                    + spec.inputSize() + ", state arity " + spec.stateArity() + ")");
        }
        if (dOutput != null) {
            Checks.shape(dOutput, "outputGradient", "[batch, hidden]", batch, spec.hiddenSize());
            Checks.dataType(dOutput, dataType(), "outputGradient");
            Checks.finite(dOutput, "outputGradient");
        }
        if (dNext != null) {
            dNext.check("nextStateGradient", spec.stateArity(), batch, spec.hiddenSize(), dataType());
            for (int k = 0; k < dNext.arity(); k++) {
                Checks.finite(dNext.get(k), "nextStateGradient[" + k + "]");
            }
        }
        return step;
    }

    static INDArray hiddenGradient(INDArray dOutput, State dNext, INDArray like) {
        return CellChecks.sum(dOutput, dNext == null ? null : dNext.hidden(), like);
    }

    @Override
    public int inputSize() {
        return spec.inputSize();
    }

    @Override
    public int hiddenSize() {
        return spec.hiddenSize();
    }

    @Override
    public int outputSize() {
        return spec.hiddenSize();
    }

    @Override
    public int stateArity() {
        return spec.stateArity();
    }



}
