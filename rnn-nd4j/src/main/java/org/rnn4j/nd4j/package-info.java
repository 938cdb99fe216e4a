/**
 * rnn4j's implementations on ND4J: everything is expressed as INDArray operations, so the same code runs on the
 * CPU and the CUDA backend. {@link org.rnn4j.nd4j.internal.Backend} checks at start-up that the chosen backend can run.
 */
package org.rnn4j.nd4j;
