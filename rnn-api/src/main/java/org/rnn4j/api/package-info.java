/**
 * The contracts of rnn4j: {@link org.rnn4j.api.Cell}, {@link org.rnn4j.api.SequenceLayer},
 * {@link org.rnn4j.api.Model}, {@link org.rnn4j.api.Loss} and {@link org.rnn4j.api.Optimizer}, and the value types
 * they exchange. This package depends on {@code nd4j-api} only; implementations live in {@code rnn-nd4j}.
 *
 * <h2>Array layout: time-major {@code [time, batch, features]}</h2>
 * A sequence batch is a rank-3, c-order array of shape {@code [T, B, F]}: time steps first, then the sequences of
 * the batch, then the features. We chose time-major for two reasons:
 * <ul>
 *   <li>each time step {@code x[t]} is one contiguous {@code [B, F]} block, so the per-step matrix products of the
 *       recurrence read and write contiguous rows (ND4J's fast GEMM path needs that), and the input projection of
 *       all steps is one GEMM over the {@code [T*B, F]} view of the same memory;</li>
 *   <li>it is PyTorch's default layout ({@code batch_first=False}), so reference data and weights move between the
 *       two unchanged.</li>
 * </ul>
 * Per-step arrays (a state, one step's input or output) are {@code [B, F]}. Weights follow PyTorch's layout:
 * a weight that maps {@code F} inputs to {@code H} outputs is {@code [H, F]} and is applied as {@code x · Wᵀ}.
 *
 * <h2>Data types</h2>
 * {@code float32} ({@link org.nd4j.linalg.api.buffer.DataType#FLOAT}) is the default everywhere; {@code float64}
 * ({@link org.nd4j.linalg.api.buffer.DataType#DOUBLE}) is supported end to end so that gradients can be checked
 * against finite differences. A layer or model has one data type, fixed when it is built; every array passed to it
 * must have that type, or an {@link java.lang.IllegalArgumentException} says which argument is wrong.
 *
 * <h2>Who owns which arrays</h2>
 * <ul>
 *   <li>Arguments are never modified by the callee (inputs, targets, initial states, upstream gradients).</li>
 *   <li>Arrays returned to the caller (outputs, states, input gradients, loss gradients) belong to the caller; the
 *       library does not write to them again, with one documented exception: what a <em>training</em> pass returns
 *       is the layer's own buffers, so that an iteration of a repeating shape allocates nothing: a training
 *       {@link org.rnn4j.api.SequenceLayer.Trace} (outputs and final state included) is valid until the layer's next
 *       training forward and may be read until it is passed to {@code backward}, which may reuse its buffers (and
 *       rnn4j-nd4j's dense layer documents the same for its training outputs and gradients). Training runs in one
 *       thread; copy what you keep.</li>
 *   <li>{@link org.rnn4j.api.Parameters} belong to the layer or model that created them. They are views of one flat
 *       buffer; an {@link org.rnn4j.api.Optimizer} updates them in place, and so may a user who loads weights
 *       (through {@code assign}). Never replace or reshape them.</li>
 *   <li>Gradients are a second {@link org.rnn4j.api.Parameters} of the same layout. Backward passes add (+=) into
 *       them; {@link org.rnn4j.api.Model#computeGradients} zeroes them first. They are overwritten by the next call:
 *       copy them if you need them later.</li>
 * </ul>
 *
 * <h2>Bad input</h2>
 * Every public entry point checks its arguments before any computation and throws
 * {@link java.lang.IllegalArgumentException} naming the argument with the expected and actual shape, type or value;
 * see {@link org.rnn4j.api.Checks}.
 */
package org.rnn4j.api;
