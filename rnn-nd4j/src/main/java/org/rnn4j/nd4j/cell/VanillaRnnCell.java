package org.rnn4j.nd4j.cell;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.internal.Activations;

/** The readable one-step reference of {@link VanillaRnn}; the fused layer is tested equal to it. */
public final class VanillaRnnCell extends ReferenceCell {
    private final VanillaRnn rnn;

    VanillaRnnCell(VanillaRnn spec, Parameters parameters, Parameters gradients) {
        super(spec, parameters, gradients);
        this.rnn = spec;
    }

    @Override
    public Step forward(State previous, INDArray x) {
        State state = checkedState(previous, x);
        INDArray h = state.hidden();
        INDArray hNext = Activations.applyInPlace(rnn.activation(),
                inputProjection(x).addi(recurrentProjection(h)));
        return new Step(state, x, State.of(hNext), hNext, new INDArray[0]);
    }

    @Override
    public StepGradient backward(Step step, INDArray dOutput, State dNext) {
        INDArray hNext = checkedStep(step, dOutput, dNext).next().hidden();
        INDArray dh = hiddenGradient(dOutput, dNext, hNext);
        INDArray dPre = Activations.multiplyByDerivative(rnn.activation(), dh, hNext);
        INDArray[] d = projectionsBackward(step.input(), step.previous().hidden(), dPre, dPre);
        return new StepGradient(State.of(d[1]), d[0]);
    }
}
