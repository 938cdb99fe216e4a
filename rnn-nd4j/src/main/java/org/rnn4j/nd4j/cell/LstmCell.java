package org.rnn4j.nd4j.cell;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.State;

/** The readable one-step reference of {@link Lstm}; the fused layer is tested equal to it. */
public final class LstmCell extends ReferenceCell {
    LstmCell(Lstm spec, Parameters parameters, Parameters gradients) {
        super(spec, parameters, gradients);
    }

    @Override
    public Step forward(State previous, INDArray x) {
        State state = checkedState(previous, x);
        INDArray z = inputProjection(x).addi(recurrentProjection(state.hidden()));
        INDArray i = Transforms.sigmoid(gate(z, 0));
        INDArray f = Transforms.sigmoid(gate(z, 1));
        INDArray g = Transforms.tanh(gate(z, 2));
        INDArray o = Transforms.sigmoid(gate(z, 3));
        INDArray c = f.mul(state.get(1)).addi(i.mul(g));
        INDArray tanhC = Transforms.tanh(c);
        INDArray h = o.mul(tanhC);
        return new Step(state, x, State.of(h, c), h, new INDArray[] {i, f, g, o, tanhC});
    }

    @Override
    public StepGradient backward(Step step, INDArray dOutput, State dNext) {
        INDArray[] s = checkedStep(step, dOutput, dNext).saved();
        INDArray i = s[0], f = s[1], g = s[2], o = s[3], tanhC = s[4];
        INDArray dh = hiddenGradient(dOutput, dNext, tanhC);
        INDArray dc = dh.mul(o).muli(tanhC.mul(tanhC).rsubi(1));
        if (dNext != null) {
            dc.addi(dNext.get(1));
        }
        INDArray dz = Nd4j.hstack(
                dc.mul(g).muli(i.mul(i).rsubi(i)),                       // di = dc ⊙ g ⊙ σ'
                dc.mul(step.previous().get(1)).muli(f.mul(f).rsubi(f)),  // df = dc ⊙ c_{t-1} ⊙ σ'
                dc.mul(i).muli(g.mul(g).rsubi(1)),                       // dg = dc ⊙ i ⊙ tanh'
                dh.mul(tanhC).muli(o.mul(o).rsubi(o)));                  // do = dh ⊙ tanh(c) ⊙ σ'
        INDArray[] d = projectionsBackward(step.input(), step.previous().hidden(), dz, dz);
        return new StepGradient(State.of(d[1], dc.mul(f)), d[0]);
    }
}
