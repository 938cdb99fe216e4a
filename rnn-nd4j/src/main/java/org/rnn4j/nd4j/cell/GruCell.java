package org.rnn4j.nd4j.cell;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;

/** The readable one-step reference of {@link Gru}; the fused layer is tested equal to it. */
public final class GruCell extends ReferenceCell {
    GruCell(Gru spec, Parameters parameters, Parameters gradients) {
        super(spec, parameters, gradients);
    }

    @Override
    public Step forward(State previous, INDArray x) {
        State state = checkedState(previous, x);
        INDArray h = state.hidden();
        INDArray xp = inputProjection(x);
        INDArray hp = recurrentProjection(h);
        INDArray r = Transforms.sigmoid(gate(xp, 0).add(gate(hp, 0)));
        INDArray z = Transforms.sigmoid(gate(xp, 1).add(gate(hp, 1)));
        INDArray hn = gate(hp, 2).dup();
        INDArray n = Transforms.tanh(gate(xp, 2).add(r.mul(hn)));
        INDArray hNext = h.sub(n).muli(z).addi(n);                   // (1 - z) ⊙ n + z ⊙ h
        return new Step(state, x, State.of(hNext), hNext, new INDArray[] {r, z, n, hn});
    }

    @Override
    public StepGradient backward(Step step, INDArray dOutput, State dNext) {
        INDArray[] s = checkedStep(step, dOutput, dNext).saved();
        INDArray r = s[0], z = s[1], n = s[2], hn = s[3];
        INDArray h = step.previous().hidden();
        INDArray dh = hiddenGradient(dOutput, dNext, n);
        INDArray dnPre = dh.mul(z.rsub(1)).muli(n.mul(n).rsubi(1));   // through n = tanh(...)
        INDArray drPre = dnPre.mul(hn).muli(r.mul(r).rsubi(r));       // through r = σ(...)
        INDArray dzPre = dh.mul(h.sub(n)).muli(z.mul(z).rsubi(z));    // through z = σ(...)
        INDArray dInput = Nd4j.hstack(drPre, dzPre, dnPre);
        INDArray dRecurrent = Nd4j.hstack(drPre, dzPre, dnPre.mul(r));
        INDArray[] d = projectionsBackward(step.input(), h, dInput, dRecurrent);
        return new StepGradient(State.of(d[1].addi(dh.mul(z))), d[0]);
    }
}
