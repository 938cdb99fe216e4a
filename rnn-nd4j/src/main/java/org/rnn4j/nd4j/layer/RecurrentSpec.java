package org.rnn4j.nd4j.layer;

import java.util.SplittableRandom;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;

/** The configuration of a {@link SequenceLayer}; see {@link org.rnn4j.nd4j.cell.CellSpec} for the pattern. */
public interface RecurrentSpec {
    int inputSize();

    int outputSize();

    ParameterLayout layout();

    void initialize(Parameters parameters, SplittableRandom random);

    SequenceLayer create(Parameters parameters, Parameters gradients);
}
