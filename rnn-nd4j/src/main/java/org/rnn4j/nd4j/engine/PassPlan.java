package org.rnn4j.nd4j.engine;

/**
 * How one pass of a {@link FusedRecurrentLayer} runs, decided once at its start ({@code FusedRecurrentLayer.plan})
 * and only read after that by every stage and kernel of the pass:
 * <ul>
 *   <li>{@code keepsTrace}: the pass keeps what a backward reads (the activated gates, {@code tanh(c_t)}); false only
 *       for a pass that returns no trace ({@link FusedRecurrentLayer#finalState});</li>
 *   <li>{@code vectorSteps}: the LSTM and GRU forward steps run in float, their activations on the Vector API
 *       ({@link VectorKernels});</li>
 *   <li>{@code packedProducts}: the recurrent products run on {@link VectorProducts}, each partition's rows of
 *       {@code W_hh} packed for it (packed again every pass: an optimizer step changes the weights in place);</li>
 *   <li>{@code joinedSteps}: an LSTM's forward step is one {@link JoinedLstmSteps} product over
 *       {@code [x_t, h_{t-1}]}, with no projection stage;</li>
 *   <li>{@code rowGroups}: a pass without trace splits the batch rows between its threads instead of the hidden
 *       units ({@link JoinedLstmSteps#forwardRowGroup});</li>
 *   <li>{@code layerOp}: an LSTM inference pass whose sequences all run every step is ND4J's {@code lstmLayer} op
 *       ({@link LstmLayerOp}); the other flags then say how a backward recomputes its trace.</li>
 * </ul>
 */
record PassPlan(boolean keepsTrace, boolean vectorSteps, boolean packedProducts, boolean joinedSteps,
                boolean rowGroups, boolean layerOp) {
    /** Before any pass: the INDArray kernels, keeping a trace. */
    static final PassPlan INITIAL = new PassPlan(true, false, false, false, false, false);
}
