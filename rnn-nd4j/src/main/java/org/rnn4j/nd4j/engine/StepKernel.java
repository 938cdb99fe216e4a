package org.rnn4j.nd4j.engine;

/**
 * The elementwise part of one fused time step of a cell; {@link FusedRecurrentLayer} does the matrix products.
 * Each method works on the first {@code n} rows (the running sequences) of step {@code t}'s blocks, for the hidden
 * units of partition {@code p} ({@link FusedBuffers}; the INDArray kernels only run with one partition).
 */
interface StepKernel {
    /** {@code gates} of step t hold the summed projections (GRU: input projection; hproj the recurrent one). */
    void forward(FusedBuffers b, int p, int t, long n);

    /** Called once before the backward loop: compute what every step's backward reuses. */
    void prepareBackward(FusedBuffers b);

    /**
     * Reads {@code dh} (and {@code dc}) of step t; writes {@code dGates} and {@code dHproj} of step t and the
     * direct-path parts of the previous step's {@code dh}/{@code dc}. The recurrent GEMM into the previous
     * {@code dh} follows.
     */
    void backward(FusedBuffers b, int p, int t, long n);
}
