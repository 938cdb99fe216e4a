package org.rnn4j.nd4j.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.cell.CellKind;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.internal.Stepper;

/** A fused layer's stepper, on the host kernels and on the INDArray kernels (CUDA's), equals its forward pass. */
class StepperTest {
    @ParameterizedTest
    @EnumSource(CellKind.class)
    void stepsEqualTheForwardPass(CellKind kind) {
        for (boolean host : new boolean[] {true, false}) {
            for (boolean bias : new boolean[] {true, false}) {
                RecurrentCellSpec spec = bias ? kind.spec(3, 5, true) : kind.withoutBias(3, 5);
                Parameters p = Parameters.zeros(spec.layout(), DataType.DOUBLE);
                spec.initialize(p, new SplittableRandom(8));
                p.flat().addi(0.05);
                FusedRecurrentLayer layer = new FusedRecurrentLayer(spec, p, p.zerosLike(), host, 1, true);
                Nd4j.getRandom().setSeed(3);
                INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 2, 3).subi(0.5);
                INDArray outputs = layer.forward(x, null).outputs();
                Stepper stepper = layer.stepper(2);
                for (int t = 0; t < 6; t++) {
                    INDArray step = stepper.step(x.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all())
                            .dup('c'));
                    INDArray expected = outputs.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
                    double diff = step.sub(expected).amaxNumber().doubleValue();
                    assertTrue(diff < 1e-12, kind + (host ? " host" : " INDArray") + (bias ? "" : " without bias")
                            + " step " + t + " differs by " + diff);
                }
            }
        }
    }
}
