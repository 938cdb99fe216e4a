package org.rnn4j.nd4j.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.api.Activation;
import org.rnn4j.nd4j.internal.Activations;

/** {@code h_t = act(gates)}: one call forward, one backward per step. */
final class RnnKernel implements StepKernel {
    private final Activation activation;

    RnnKernel(Activation activation) {
        this.activation = activation;
    }

    @Override
    public void forward(FusedBuffers b, int p, int t, long n) {
        INDArray out = b.rows(b.h, t, n);
        out.assign(b.rows(b.gates, t, n));
        Activations.applyInPlace(activation, out);
    }

    @Override
    public void prepareBackward(FusedBuffers b) {
        b.ensureDerivatives();
        Activations.derivativeFromOutput(activation, b.h, b.derivative);
    }

    @Override
    public void backward(FusedBuffers b, int p, int t, long n) {
        INDArray dPre = b.rows(b.dGates, t, n);
        INDArray dh = b.rows(b.dh, t, n);
        if (activation == Activation.IDENTITY) {
            dPre.assign(dh);
        } else {
            dh.mul(b.rows(b.derivative, t, n), dPre);
        }
    }
}
