package org.rnn4j.nd4j.cell;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Cell;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.Activations;
import org.rnn4j.nd4j.Backend;

/**
 * The readable one-step reference of {@link VanillaRnn}: the equations as written, one step at a time. The fused
 * {@link org.rnn4j.nd4j.layer.VanillaRnnLayer} computes the same over whole sequences faster, and a test proves the
 * two equal.
 */
public final class VanillaRnnCell implements Cell {
    private final VanillaRnn spec;
    private final Parameters parameters;
    private final Parameters gradients;

    VanillaRnnCell(VanillaRnn spec, Parameters parameters, Parameters gradients) {
        Backend.ensureReady();
        this.spec = spec;
        this.parameters = CellChecks.layout(parameters, spec.layout(), "parameters");
        this.gradients = CellChecks.sameLayout(gradients, parameters, "gradients");
    }

    @Override
    public Step forward(State previous, INDArray x) {
        long batch = CellChecks.input(x, spec.inputSize(), dataType()).size(0);
        INDArray h = CellChecks.state(previous, 1, batch, spec.hiddenSize(), dataType()).hidden();

        INDArray pre = x.mmul(w("weight_ih").transpose()).addi(h.mmul(w("weight_hh").transpose()));
        if (spec.bias()) {
            pre.addiRowVector(w("bias_ih")).addiRowVector(w("bias_hh"));
        }
        INDArray hNext = Activations.applyInPlace(spec.activation(), pre);
        return new Step(previous, x, State.of(hNext), hNext, new INDArray[0]);
    }

    @Override
    public StepGradient backward(Step step, INDArray dOutput, State dNext) {
        INDArray hNext = Checks.notNull(step, "step").next().hidden();
        INDArray dh = CellChecks.sum(dOutput, dNext == null ? null : dNext.hidden(), hNext);

        INDArray dPre = Activations.multiplyByDerivative(spec.activation(), dh, hNext);
        g("weight_ih").addi(dPre.transpose().mmul(step.input()));
        g("weight_hh").addi(dPre.transpose().mmul(step.previous().hidden()));
        if (spec.bias()) {
            INDArray db = dPre.sum(0);
            g("bias_ih").addi(db);
            g("bias_hh").addi(db);
        }
        return new StepGradient(State.of(dPre.mmul(w("weight_hh"))), dPre.mmul(w("weight_ih")));
    }

    private INDArray w(String name) {
        return parameters.get(name);
    }

    private INDArray g(String name) {
        return gradients.get(name);
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
        return 1;
    }

    @Override
    public DataType dataType() {
        return parameters.dataType();
    }

    @Override
    public Parameters parameters() {
        return parameters;
    }

    @Override
    public Parameters gradients() {
        return gradients;
    }
}
