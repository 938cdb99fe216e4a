package org.rnn4j.nd4j.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The LSTM step on fused buffers: gates i f g o, then {@code c_t} and {@code h_t}; derivatives from the cache. */
final class LstmKernel implements StepKernel {
    @Override
    public void forward(FusedBuffers b, int p, int t, long n) {
        INDArray z = b.rows(b.gates, t, n);
        INDArray ifGates = b.gateColumns(z, 0, 2);
        Transforms.sigmoid(ifGates, false);
        INDArray g = Transforms.tanh(b.gateColumns(z, 2, 1), false);
        Transforms.sigmoid(b.gateColumns(z, 3, 1), false);
        INDArray i = b.gateColumns(z, 0, 1);
        INDArray f = b.gateColumns(z, 1, 1);
        INDArray o = b.gateColumns(z, 3, 1);
        INDArray c = b.rows(b.c, t, n);
        f.mul(b.previous(b.c, b.c0, t, n), c);
        INDArray ig = b.rows(b.scratch, 0, n);
        c.addi(i.mul(g, ig));
        INDArray tanhC = b.rows(b.aux, t, n);
        tanhC.assign(c);
        Transforms.tanh(tanhC, false);
        o.mul(tanhC, b.rows(b.h, t, n));
    }

    @Override
    public void prepareBackward(FusedBuffers b) {
        b.ensureDerivatives();
        // σ' = s - s² for i, f, o; tanh' = 1 - g² for g; tanh'(c) = 1 - tanh(c)²
        b.gates.mul(b.gates, b.derivative).rsubi(b.gates);
        INDArray g = b.gateColumns(b.gates, 2, 1);
        INDArray dg = b.gateColumns(b.derivative, 2, 1);
        g.mul(g, dg).rsubi(1);
        b.aux.mul(b.aux, b.auxDerivative).rsubi(1);
    }

    @Override
    public void backward(FusedBuffers b, int p, int t, long n) {
        INDArray z = b.rows(b.gates, t, n);
        INDArray dz = b.rows(b.dGates, t, n);
        INDArray dh = b.rows(b.dh, t, n);
        INDArray dc = b.rows(b.dc, t, n);
        INDArray tanhC = b.rows(b.aux, t, n);
        INDArray tmp = b.rows(b.scratch, 0, n);
        // dc_t += dh ⊙ o ⊙ tanh'(c_t)
        dh.mul(b.gateColumns(z, 3, 1), tmp);
        dc.addi(tmp.muli(b.rows(b.auxDerivative, t, n)));
        // unscaled gate gradients, then one multiply by the activation derivatives of all four gates
        dc.mul(b.gateColumns(z, 2, 1), b.gateColumns(dz, 0, 1));        // di
        dc.mul(b.previous(b.c, b.c0, t, n), b.gateColumns(dz, 1, 1));  // df
        dc.mul(b.gateColumns(z, 0, 1), b.gateColumns(dz, 2, 1));        // dg
        dh.mul(tanhC, b.gateColumns(dz, 3, 1));                         // do
        dz.muli(b.rows(b.derivative, t, n));
        dc.mul(b.gateColumns(z, 1, 1), b.previous(b.dc, b.dc0, t, n)); // dc_{t-1} = dc ⊙ f
    }
}
