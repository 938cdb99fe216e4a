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

    /** The learning rate of the next step, or NaN if this optimizer has none that a schedule could set. */
    default double learningRate() {
        return Double.NaN;
    }

    /**
     * Sets the learning rate of the next steps (what a learning-rate schedule calls).
     *
     * @throws UnsupportedOperationException if this optimizer has no learning rate to set
     */
    default void setLearningRate(double learningRate) {
        throw new UnsupportedOperationException(getClass().getName() + " has no learning rate a schedule can set");
    }
}
