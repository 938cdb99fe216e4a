package org.rnn4j.nd4j.layer;

import org.rnn4j.nd4j.ParameterOwner;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.Activations;

/**
 * {@link Dense} over a {@code [rows, inputSize]} matrix. A sequence {@code [T, B, F]} goes through it as its
 * {@code [T*B, F]} view, so a head applied at every time step is one GEMM, not {@code T}.
 */
public final class DenseLayer extends ParameterOwner {
    private final Dense spec;

    DenseLayer(Dense spec, Parameters parameters, Parameters gradients) {
        super(parameters, gradients, spec.layout());
        this.spec = spec;
    }

    /** {@code x} is {@code [rows, inputSize]}; returns {@code [rows, outputSize]} (new). */
    public INDArray forward(INDArray x) {
        Checks.shape(x, "input", "[rows, inputSize]", Checks.ANY, spec.inputSize());
        Checks.dataType(x, dataType(), "input");
        INDArray y = Nd4j.create(dataType(), new long[] {x.size(0), spec.outputSize()}, 'c');
        Nd4j.gemm(Inputs.contiguous(x), parameters.get("weight"), y, false, true, 1.0, 0.0);
        if (spec.bias()) {
            y.addiRowVector(parameters.get("bias"));
        }
        return Activations.applyInPlace(spec.activation(), y);
    }

    /**
     * @param x  the input given to {@link #forward}
     * @param y  what {@link #forward} returned
     * @param dy {@code dL/dy}, {@code [rows, outputSize]}; not modified
     * @return {@code dL/dx}; parameter gradients are added into {@link #gradients()}
     */
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        Checks.shape(dy, "outputGradient", "[rows, outputSize]", y.size(0), spec.outputSize());
        Checks.dataType(dy, dataType(), "outputGradient");
        INDArray dz = Activations.multiplyByDerivative(spec.activation(), dy.dup('c'), y);
        Nd4j.gemm(dz, Inputs.contiguous(x), gradients.get("weight"), true, false, 1.0, 1.0);
        if (spec.bias()) {
            gradients.get("bias").addi(dz.sum(0));
        }
        INDArray dx = Nd4j.create(dataType(), new long[] {x.size(0), spec.inputSize()}, 'c');
        Nd4j.gemm(dz, parameters.get("weight"), dx, false, false, 1.0, 0.0);
        return dx;
    }

    public Dense spec() {
        return spec;
    }



}
