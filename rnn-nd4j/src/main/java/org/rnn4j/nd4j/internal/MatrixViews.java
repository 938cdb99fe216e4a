package org.rnn4j.nd4j.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sub-matrix views built from the buffer, offset and strides directly. ND4J 1.0.0-M2.1's {@code get(interval, ...)}
 * returns wrong arrays for some views that already have an offset (an empty rank-0 array for rows 3..6 of a
 * {@code [6, 6]} parameter view at offset 18; mis-shaped rows of a column view), so views of views are made here.
 */
public final class MatrixViews {
    private MatrixViews() {
    }

    /** Rows {@code [rowFrom, rowTo)} and columns {@code [columnFrom, columnTo)} of a matrix with unit column stride. */
    public static INDArray block(INDArray matrix, long rowFrom, long rowTo, long columnFrom, long columnTo) {
        if (matrix.rank() != 2 || matrix.ordering() != 'c' || (matrix.size(1) > 1 && matrix.stride(1) != 1)) {
            throw new IllegalStateException("expected a c-order matrix with unit column stride, got "
                    + matrix.shapeInfoToString());
        }
        if (rowFrom < 0 || rowTo > matrix.size(0) || rowFrom > rowTo || columnFrom < 0
                || columnTo > matrix.size(1) || columnFrom > columnTo) {
            throw new IllegalArgumentException("block [" + rowFrom + ", " + rowTo + ") x [" + columnFrom + ", "
                    + columnTo + ") outside " + matrix.shapeInfoToString());
        }
        if (rowFrom == 0 && rowTo == matrix.size(0) && columnFrom == 0 && columnTo == matrix.size(1)) {
            return matrix;
        }
        long rowStride = matrix.size(0) > 1 ? matrix.stride(0) : matrix.size(1);
        long columns = columnTo - columnFrom;
        long rowStep = rowTo - rowFrom > 1 ? rowStride : columns; // one row: contiguous whatever the parent's stride
        return Nd4j.create(matrix.data(), new long[] {rowTo - rowFrom, columns}, new long[] {rowStep, 1},
                matrix.offset() + rowFrom * rowStride + columnFrom, 'c');
    }

    /** Rows {@code [from, to)}, all columns. */
    public static INDArray rows(INDArray matrix, long from, long to) {
        return block(matrix, from, to, 0, matrix.size(1));
    }
}
