package org.rnn4j.api;

/**
 * Updates parameters in place from their gradients.
 *
 * <p>Lifecycle: {@link #initialise} once with the parameters to train (allocates state such as momentum buffers in
 * their layout) → {@link #step} once per training iteration → {@link #finalise} when training ends (releases state).
 * {@code step} before {@code initialise}, or with parameters of another layout, throws
 * {@link IllegalStateException} / {@link IllegalArgumentException}.
 */
public interface Optimizer {
    void initialise(Parameters parameters);

    /** Updates {@code parameters} in place; {@code gradients} (same layout) is read, never modified. */
    void step(Parameters parameters, Parameters gradients);

    void finalise();
}
