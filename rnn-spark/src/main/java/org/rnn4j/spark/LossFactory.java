package org.rnn4j.spark;

import java.io.Serializable;
import java.util.function.Supplier;
import org.rnn4j.api.Loss;

/**
 * Makes the loss on each executor (losses are not serializable; a constructor reference such as
 * {@code BinaryCrossEntropyWithLogits::new} is).
 */
@FunctionalInterface
public interface LossFactory extends Supplier<Loss>, Serializable {
}
