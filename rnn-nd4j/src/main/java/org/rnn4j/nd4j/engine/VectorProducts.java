package org.rnn4j.nd4j.engine;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused layers' per-step recurrent products {@code h_{t-1}·W_hhᵀ} with the Vector API, on weights packed once per
 * pass: ND4J's GEMM (OpenBLAS) packs the weight matrix again at every call ({@code sgemm_incopy}), which at these
 * small per-step shapes costs about half as much as its arithmetic. Operands are copied to per-thread scratch
 * arrays and back (see {@link VectorKernels}). Only call it when the pass's {@code plan.packedProducts()} says so.
 */
final class VectorProducts {
    /**
     * The kernel's vectors, of the one width of all the kernels ({@link VectorKernels#SPECIES}): two per panel of
     * columns, four rows at a time, so 8 accumulators at every width (enough to hide the multiply-add's latency on
     * two pipes).
     */
    private static final VectorSpecies<Float> HALF_PANEL = VectorKernels.SPECIES;
    /** Columns per panel: two vectors, 8 at 128 bits, 16 at 256, 32 at 512. */
    static final int PANEL = 2 * HALF_PANEL.length();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorProducts() {
    }

    /** Per-thread operand buffers, grown on demand. */
    private static final class Scratch {
        float[] left = new float[0];
        float[] product = new float[0];
        final float[] tail = new float[PANEL];

        Scratch ensure(int leftLength, int productLength) {
            if (left.length < leftLength) {
                left = new float[leftLength];
            }
            if (product.length < productLength) {
                product = new float[productLength];
            }
            return this;
        }
    }

    /**
     * Packs {@code w} ({@code rows × columns}, c order, from element {@code from} of host memory) for
     * {@link #addProductTransposed}: panels of {@link #PANEL} rows of {@code w}, each stored column by column
     * ({@code [columns][PANEL]}, rows past the end zero), so that the kernel reads one panel front to back. Returns
     * {@code packed} if it has the right length, else a new array.
     */
    static float[] packTransposed(FloatBuffer w, int from, int rows, int columns, float[] packed) {
        float[] target = packedArray(rows, columns, packed);
        packColumns(w, from, 0, rows, columns, target, 0, columns);
        return target;
    }

    /**
     * Packs {@link PartitionWeights#gatherTransposed}'s block of {@code W_hh} ({@code [G*H, H]} from element 0, the
     * rows of partition q and the columns of partition p, transposed) as {@link #packTransposed} would pack it, but
     * straight from {@code W_hh}: the block's row {@code j} is column {@code p*Hp + j} of {@code W_hh}, so a packed
     * panel column is a run of {@link #PANEL} consecutive elements of one row of {@code W_hh}, one bulk copy each,
     * where going through the transposed block writes it element by element at a stride.
     */
    static float[] packTransposedBlock(FloatBuffer weights, int gates, int hidden, int units, int q, int p,
                                       float[] packed) {
        int inner = gates * units;
        float[] target = packedArray(units, inner, packed);
        for (int k = 0; k < gates; k++) {
            for (int u = 0; u < units; u++) {
                int source = (k * hidden + q * units + u) * hidden + p * units;
                int column = k * units + u;
                for (int j = 0; j < units; j += PANEL) {
                    weights.get(source + j, target, ((j / PANEL) * inner + column) * PANEL,
                            Math.min(PANEL, units - j));
                }
            }
        }
        return target;
    }

    /** An array for {@code rows × inner} packed weights: {@code packed} if it has the right length, else a new one. */
    static float[] packedArray(int rows, int inner, float[] packed) {
        int length = (rows + PANEL - 1) / PANEL * inner * PANEL;
        return packed != null && packed.length == length ? packed : new float[length];
    }

    /**
     * Packs rows {@code [firstRow, firstRow + rows)} of {@code w} ({@code columns} wide, c order, from element
     * {@code from}) as the inner-dimension range {@code [firstColumn, firstColumn + columns)} of packed weights whose
     * inner dimension is {@code inner}: how {@code [W_ih | W_hh]} is packed from its two parts, by several threads
     * (row ranges that start at a multiple of {@link #PANEL} fill disjoint panels).
     */
    static void packColumns(FloatBuffer w, int from, int firstRow, int rows, int columns, float[] target,
                            int firstColumn, int inner) {
        float[] row = SCRATCH.get().ensure(columns, 0).left;
        for (int r = firstRow; r < firstRow + rows; r++) {
            w.get(from + r * columns, row, 0, columns);
            int base = ((r / PANEL) * inner + firstColumn) * PANEL + r % PANEL;
            for (int k = 0; k < columns; k++) {
                target[base + k * PANEL] = row[k];
            }
        }
    }

    /**
     * {@code c += a · wᵀ} in host memory: {@code a} is {@code rows × inner} from {@code aFrom}, {@code c} is
     * {@code rows × outer} from {@code cFrom} (both c order, contiguous), {@code w} is {@code outer × inner} as packed
     * by {@link #packTransposed}. The per-step recurrent products: ND4J's GEMM (OpenBLAS) repacks the weights at
     * every call; packed once per pass they are not.
     */
    static void addProductTransposed(FloatBuffer a, int aFrom, FloatBuffer c, int cFrom, int rows, int inner,
                                     int outer, float[] packed) {
        Scratch s = SCRATCH.get().ensure(rows * inner, rows * outer);
        float[] left = s.left;
        float[] product = s.product;
        a.get(aFrom, left, 0, rows * inner);
        c.get(cFrom, product, 0, rows * outer);
        addProduct(left, rows, inner, outer, packed, product);
        c.put(cFrom, product, 0, rows * outer);
    }

    /**
     * {@code product += left · wᵀ} on Java arrays: {@code left} is {@code rows × inner}, {@code product}
     * {@code rows × outer} (c order, from element 0), {@code w} packed by {@link #packTransposed} or
     * {@link #packColumns}. Each element's sum runs over the inner index in order, whatever the rows and their
     * number, so that a row gives the same bits in any batch and any split of the batch.
     */
    static void addProduct(float[] left, int rows, int inner, int outer, float[] packed, float[] product) {
        product(left, rows, inner, outer, packed, product, outer, product);
    }

    /**
     * {@code product = bias + left · wᵀ} with {@code bias} one row of {@code outer} elements (the same bits as
     * copying it into every row and then {@link #addProduct}, without the copy).
     */
    static void biasPlusProduct(float[] left, int rows, int inner, int outer, float[] packed, float[] bias,
                                float[] product) {
        product(left, rows, inner, outer, packed, bias, 0, product);
    }

    /** {@code product = base + left · wᵀ}, row r of {@code base} at {@code r · baseStride}. */
    private static void product(float[] left, int rows, int inner, int outer, float[] packed, float[] base,
                                int baseStride, float[] product) {
        float[] tail = SCRATCH.get().tail;
        for (int panel = 0; panel * PANEL < outer; panel++) {
            int column = panel * PANEL;
            int width = Math.min(PANEL, outer - column);
            int panelStart = panel * inner * PANEL;
            int row = 0;
            for (; row + 4 <= rows; row += 4) {
                fourRows(left, row * inner, inner, packed, panelStart, base, row * baseStride + column, baseStride,
                        product, row * outer + column, outer, width, tail);
            }
            for (; row < rows; row++) {
                oneRow(left, row * inner, inner, packed, panelStart, base, row * baseStride + column, product,
                        row * outer + column, width, tail);
            }
        }
    }

    private static void fourRows(float[] a, int a0, int inner, float[] packed, int panelStart, float[] base, int b0,
                                 int baseStride, float[] c, int c0, int ldc, int width, float[] tail) {
        FloatVector c00 = FloatVector.zero(HALF_PANEL);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        int a1 = a0 + inner;
        int a2 = a1 + inner;
        int a3 = a2 + inner;
        for (int k = 0; k < inner; k++) {
            int at = panelStart + k * PANEL;
            FloatVector w0 = FloatVector.fromArray(HALF_PANEL, packed, at);
            FloatVector w1 = FloatVector.fromArray(HALF_PANEL, packed, at + PANEL / 2);
            FloatVector x = FloatVector.broadcast(HALF_PANEL, a[a0 + k]);
            c00 = x.fma(w0, c00);
            c01 = x.fma(w1, c01);
            x = FloatVector.broadcast(HALF_PANEL, a[a1 + k]);
            c10 = x.fma(w0, c10);
            c11 = x.fma(w1, c11);
            x = FloatVector.broadcast(HALF_PANEL, a[a2 + k]);
            c20 = x.fma(w0, c20);
            c21 = x.fma(w1, c21);
            x = FloatVector.broadcast(HALF_PANEL, a[a3 + k]);
            c30 = x.fma(w0, c30);
            c31 = x.fma(w1, c31);
        }
        store(base, b0, c, c0, width, c00, c01, tail);
        store(base, b0 + baseStride, c, c0 + ldc, width, c10, c11, tail);
        store(base, b0 + 2 * baseStride, c, c0 + 2 * ldc, width, c20, c21, tail);
        store(base, b0 + 3 * baseStride, c, c0 + 3 * ldc, width, c30, c31, tail);
    }

    private static void oneRow(float[] a, int a0, int inner, float[] packed, int panelStart, float[] base, int b0,
                               float[] c, int c0, int width, float[] tail) {
        FloatVector c0v = FloatVector.zero(HALF_PANEL);
        FloatVector c1v = c0v;
        for (int k = 0; k < inner; k++) {
            int at = panelStart + k * PANEL;
            FloatVector x = FloatVector.broadcast(HALF_PANEL, a[a0 + k]);
            c0v = x.fma(FloatVector.fromArray(HALF_PANEL, packed, at), c0v);
            c1v = x.fma(FloatVector.fromArray(HALF_PANEL, packed, at + PANEL / 2), c1v);
        }
        store(base, b0, c, c0, width, c0v, c1v, tail);
    }

    /**
     * Stores a panel row of accumulators plus {@code base} (from {@code from}) to {@code width} (at most
     * {@link #PANEL}) elements of {@code c} from {@code at}.
     */
    private static void store(float[] base, int from, float[] c, int at, int width, FloatVector low,
                              FloatVector high, float[] tail) {
        if (width == PANEL) {
            FloatVector.fromArray(HALF_PANEL, base, from).add(low).intoArray(c, at);
            FloatVector.fromArray(HALF_PANEL, base, from + PANEL / 2).add(high).intoArray(c, at + PANEL / 2);
            return;
        }
        low.intoArray(tail, 0);
        high.intoArray(tail, PANEL / 2);
        for (int j = 0; j < width; j++) {
            c[at + j] = base[from + j] + tail[j];
        }
    }
}
