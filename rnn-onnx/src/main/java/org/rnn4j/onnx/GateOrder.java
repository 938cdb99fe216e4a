package org.rnn4j.onnx;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;

/**
 * Where each gate's block of rows sits in rnn4j's weights (PyTorch's order) and in ONNX's:
 * <pre>
 *   cell   rnn4j / PyTorch   ONNX
 *   RNN    (one block)       (one block)
 *   LSTM   i, f, g, o        i, o, f, c      (g and c are the same candidate)
 *   GRU    r, z, n           z, r, h         (with linear_before_reset = 1, h is PyTorch's n)
 * </pre>
 * Every weight and bias of a cell is {@code gates} blocks of {@code hidden} rows stacked; reordering moves whole
 * blocks and never changes a value.
 */
final class GateOrder {
    private final int[] onnxFromRnn4j;

    private GateOrder(int... onnxFromRnn4j) {
        this.onnxFromRnn4j = onnxFromRnn4j;
    }

    static GateOrder of(RecurrentCellSpec cell) {
        if (cell instanceof Lstm) {
            return new GateOrder(0, 3, 1, 2); // ONNX i, o, f, c from rnn4j i(0), o(3), f(1), g(2)
        }
        if (cell instanceof Gru) {
            return new GateOrder(1, 0, 2); // ONNX z, r, h from rnn4j z(1), r(0), n(2)
        }
        return new GateOrder(0);
    }

    /** Rows of {@code rnn4j} ({@code [gates·hidden, columns]} or a bias {@code [gates·hidden]}) in ONNX's order. */
    INDArray toOnnx(INDArray rnn4j) {
        return reorder(rnn4j, onnxFromRnn4j);
    }

    /** The inverse of {@link #toOnnx}. */
    INDArray toRnn4j(INDArray onnx) {
        int[] inverse = new int[onnxFromRnn4j.length];
        for (int k = 0; k < inverse.length; k++) {
            inverse[onnxFromRnn4j[k]] = k;
        }
        return reorder(onnx, inverse);
    }

    private static INDArray reorder(INDArray rows, int[] sourceOfBlock) {
        boolean vector = rows.rank() == 1;
        double[][] source = (vector ? rows.reshape(rows.length(), 1) : rows).toDoubleMatrix();
        int hidden = source.length / sourceOfBlock.length;
        double[][] out = new double[source.length][];
        for (int k = 0; k < sourceOfBlock.length; k++) {
            System.arraycopy(source, sourceOfBlock[k] * hidden, out, k * hidden, hidden);
        }
        INDArray result = Nd4j.create(out).castTo(rows.dataType());
        return vector ? result.reshape(result.length()) : result;
    }
}
