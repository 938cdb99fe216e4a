/** Evaluation metrics for classification and regression, on plain Java arrays. */
package org.rnn4j.nd4j.eval;
