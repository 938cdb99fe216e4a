package org.rnn4j.nd4j.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.internal.Activations;
import org.rnn4j.nd4j.internal.Buffers;
import org.rnn4j.nd4j.internal.GemmSlots;
import org.rnn4j.nd4j.internal.Inputs;
import org.rnn4j.nd4j.internal.ParameterOwner;

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
        return forward(x, false);
    }

    /**
     * With {@code training}, the result is this layer's own buffer, valid until its next training forward (training
     * runs in one thread: see {@link org.rnn4j.api.SequenceLayer}), and the products reuse their native calls: an
     * iteration that passes the same input buffer as the last one creates no native object (identity activation).
     * Without, a new array, and any number of threads may call at once.
     */
    public INDArray forward(INDArray x, boolean training) {
        Checks.shape(x, "input", "[rows, inputSize]", Checks.ANY, spec.inputSize());
        Checks.dataType(x, dataType(), "input");
        INDArray input = Inputs.contiguousMatrix(x);
        if (!training) {
            INDArray y = Nd4j.create(dataType(), new long[] {x.size(0), spec.outputSize()}, 'c');
            Nd4j.gemm(input, parameters.get("weight"), y, false, true, 1.0, 0.0);
            if (spec.bias()) {
                y.addiRowVector(parameters.get("bias"));
            }
            return Activations.applyInPlace(spec.activation(), y);
        }
        TrainingBuffers b = trainingBuffers(x.size(0));
        if (spec.bias()) { // the bias rows as a product with a column of ones: no broadcast op to build each time
            b.gemms.run(0, b.ones, b.biasRow, b.y, true, false, 1.0, 0.0);
        }
        b.gemms.run(1, input, parameters.get("weight"), b.y, false, true, 1.0, spec.bias() ? 1.0 : 0.0);
        return Activations.applyInPlace(spec.activation(), b.y);
    }

    /**
     * @param x  the input given to {@link #forward}
     * @param y  what {@link #forward} returned
     * @param dy {@code dL/dy}, {@code [rows, outputSize]}; not modified
     * @return {@code dL/dx}; parameter gradients are added into {@link #gradients()}. After a training forward,
     *         this layer's buffer, valid until its next backward; else a new array.
     */
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        // every argument against the others before a gradient changes: a mismatch is named, not a failed matmul
        Checks.shape(y, "output", "[rows, outputSize]", Checks.ANY, spec.outputSize());
        Checks.dataType(y, dataType(), "output");
        Checks.shape(x, "input", "[rows, inputSize] (the output's rows)", y.size(0), spec.inputSize());
        Checks.dataType(x, dataType(), "input");
        Checks.shape(dy, "outputGradient", "[rows, outputSize]", y.size(0), spec.outputSize());
        Checks.dataType(dy, dataType(), "outputGradient");
        INDArray input = Inputs.contiguousMatrix(x);
        TrainingBuffers b = trainingPass;
        if (b == null || y != b.y) {
            INDArray dz = Activations.multiplyByDerivative(spec.activation(), dy.dup('c'), y);
            Nd4j.gemm(dz, input, gradients.get("weight"), true, false, 1.0, 1.0);
            if (spec.bias()) {
                gradients.get("bias").addi(dz.sum(0));
            }
            INDArray dx = Nd4j.create(dataType(), new long[] {x.size(0), spec.inputSize()}, 'c');
            Nd4j.gemm(dz, parameters.get("weight"), dx, false, false, 1.0, 0.0);
            return dx;
        }
        INDArray dz = spec.activation() == Activation.IDENTITY ? Inputs.contiguousMatrix(dy)
                : Activations.multiplyByDerivative(spec.activation(), b.dz.assign(dy), y);
        b.gemms.run(2, dz, input, gradients.get("weight"), true, false, 1.0, 1.0);
        if (spec.bias()) {
            b.gemms.run(3, b.ones, dz, b.biasGradientRow, false, false, 1.0, 1.0);
        }
        b.gemms.run(4, dz, parameters.get("weight"), b.dx, false, false, 1.0, 0.0);
        return b.dx;
    }

    /** The arrays of training passes with {@code rows} rows, kept while the row count repeats. */
    private TrainingBuffers trainingBuffers(long rows) {
        if (trainingPass == null || trainingPass.rows != rows) {
            trainingPass = new TrainingBuffers(rows);
        }
        return trainingPass;
    }

    private TrainingBuffers trainingPass;

    private final class TrainingBuffers {
        final long rows;
        final INDArray y;
        final INDArray dz;
        final INDArray dx;
        final INDArray ones;
        final INDArray biasRow;
        final INDArray biasGradientRow;
        final GemmSlots gemms = new GemmSlots(5);

        TrainingBuffers(long rows) {
            this.rows = rows;
            y = Buffers.persistent(dataType(), false, 'c', rows, spec.outputSize());
            dz = Buffers.persistent(dataType(), false, 'c', rows, spec.outputSize());
            dx = Buffers.persistent(dataType(), false, 'c', rows, spec.inputSize());
            ones = Buffers.persistent(dataType(), false, 'c', 1, rows).assign(1);
            biasRow = spec.bias() ? parameters.get("bias").reshape(1, spec.outputSize()) : null;
            biasGradientRow = spec.bias() ? gradients.get("bias").reshape(1, spec.outputSize()) : null;
        }
    }

    public Dense spec() {
        return spec;
    }



}
