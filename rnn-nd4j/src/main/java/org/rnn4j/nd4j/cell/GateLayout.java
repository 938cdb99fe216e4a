package org.rnn4j.nd4j.cell;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.init.WeightInit;

/**
 * The parameter layout shared by the RNN, LSTM and GRU cells, PyTorch's: {@code weight_ih [G*H, I]},
 * {@code weight_hh [G*H, H]}, {@code bias_ih [G*H]}, {@code bias_hh [G*H]} (biases optional), the {@code G} gates
 * stacked along the first dimension in the cell's gate order.
 */
public final class GateLayout {
    private GateLayout() {
    }

    public static ParameterLayout of(int gates, int inputSize, int hiddenSize, boolean bias) {
        ParameterLayout.Builder b = ParameterLayout.builder()
                .add("weight_ih", (long) gates * hiddenSize, inputSize)
                .add("weight_hh", (long) gates * hiddenSize, hiddenSize);
        if (bias) {
            b.add("bias_ih", (long) gates * hiddenSize).add("bias_hh", (long) gates * hiddenSize);
        }
        return b.build();
    }

    /** Initialises each gate's block of both weights separately; biases to zero. */
    public static void initialize(Parameters p, int gates, int hiddenSize, WeightInit input, WeightInit recurrent,
                                  SplittableRandom random) {
        for (int k = 0; k < gates; k++) {
            input.fill(gateRows(p.get("weight_ih"), k, hiddenSize), hiddenSize, random);
            recurrent.fill(gateRows(p.get("weight_hh"), k, hiddenSize), hiddenSize, random);
        }
        if (p.layout().contains("bias_ih")) {
            p.get("bias_ih").assign(0);
            p.get("bias_hh").assign(0);
        }
    }

    /**
     * Rows {@code [k*H, (k+1)*H)} of a stacked c-order weight, or elements of a stacked bias: a view built from the
     * buffer and offset directly (ND4J's interval indexing misreads views of a flat parameter buffer).
     */
    public static INDArray gateRows(INDArray stacked, int gate, int hiddenSize) {
        long columns = stacked.rank() == 1 ? 1 : stacked.size(1);
        long[] shape = stacked.rank() == 1 ? new long[] {hiddenSize} : new long[] {hiddenSize, columns};
        long[] stride = stacked.rank() == 1 ? new long[] {1} : new long[] {columns, 1};
        return Nd4j.create(stacked.data(), shape, stride, stacked.offset() + (long) gate * hiddenSize * columns, 'c',
                stacked.dataType());
    }

    /** Columns of gate {@code gate} in a {@code [rows, G*H]} gate matrix: a view. */
    public static INDArray gateColumns(INDArray gatesMatrix, int gate, int hiddenSize) {
        return gatesMatrix.get(NDArrayIndex.all(),
                NDArrayIndex.interval((long) gate * hiddenSize, (long) (gate + 1) * hiddenSize));
    }
}
