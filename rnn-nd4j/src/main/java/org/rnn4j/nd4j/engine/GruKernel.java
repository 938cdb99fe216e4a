package org.rnn4j.nd4j.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The GRU step on fused buffers. {@code gates} holds the input projection (then r, z, n); {@code hproj} the
 * recurrent projection {@code h·W_hhᵀ + b_hh}, kept because {@code n} needs its third block times {@code r}.
 */
final class GruKernel implements StepKernel {
    @Override
    public void forward(FusedBuffers b, int p, int t, long n) {
        INDArray x = b.rows(b.gates, t, n);
        INDArray hp = b.rows(b.hproj, t, n);
        INDArray rz = b.gateColumns(x, 0, 2);
        rz.addi(b.gateColumns(hp, 0, 2));
        Transforms.sigmoid(rz, false);
        INDArray r = b.gateColumns(x, 0, 1);
        INDArray z = b.gateColumns(x, 1, 1);
        INDArray nGate = b.gateColumns(x, 2, 1);
        nGate.addi(r.mul(b.gateColumns(hp, 2, 1), b.rows(b.scratch, 0, n)));
        Transforms.tanh(nGate, false);
        INDArray out = b.rows(b.h, t, n);
        b.previous(b.h, b.h0, t, n).sub(nGate, out);      // h_t = n + z ⊙ (h_{t-1} - n)
        out.muli(z).addi(nGate);
    }

    @Override
    public void prepareBackward(FusedBuffers b) {
        b.ensureDerivatives();
        b.gates.mul(b.gates, b.derivative).rsubi(b.gates);
        INDArray nGate = b.gateColumns(b.gates, 2, 1);
        nGate.mul(nGate, b.gateColumns(b.derivative, 2, 1)).rsubi(1);
    }

    @Override
    public void backward(FusedBuffers b, int p, int t, long n) {
        INDArray x = b.rows(b.gates, t, n);
        INDArray r = b.gateColumns(x, 0, 1);
        INDArray z = b.gateColumns(x, 1, 1);
        INDArray nGate = b.gateColumns(x, 2, 1);
        INDArray d = b.rows(b.derivative, t, n);
        INDArray dx = b.rows(b.dGates, t, n);
        INDArray dhp = b.rows(b.dHproj, t, n);
        INDArray dh = b.rows(b.dh, t, n);
        INDArray hPrev = b.previous(b.h, b.h0, t, n);
        INDArray dn = b.gateColumns(dx, 2, 1);
        dh.mul(z, dn).rsubi(dh).muli(b.gateColumns(d, 2, 1));          // dn_pre = dh ⊙ (1 - z) ⊙ tanh'
        INDArray dzPre = b.gateColumns(dx, 1, 1);
        hPrev.sub(nGate, dzPre).muli(dh);                               // dz = dh ⊙ (h_{t-1} - n)
        dn.mul(b.gateColumns(b.rows(b.hproj, t, n), 2, 1), b.gateColumns(dx, 0, 1)); // dr = dn_pre ⊙ hn
        b.gateColumns(dx, 0, 2).muli(b.gateColumns(d, 0, 2));
        b.gateColumns(dhp, 0, 2).assign(b.gateColumns(dx, 0, 2));
        dn.mul(r, b.gateColumns(dhp, 2, 1));
        b.previous(b.dh, b.dh0, t, n).addi(dh.mul(z, b.rows(b.scratch, 0, n))); // the direct path z ⊙ h_{t-1}
    }
}
