package org.rnn4j.nd4j.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;

/**
 * What every cell and layer built over given parameter and gradient views does on construction and exposes: start
 * the backend, check both views against the expected layout and type, and hand them out.
 */
public abstract class ParameterOwner {
    protected final Parameters parameters;
    protected final Parameters gradients;

    protected ParameterOwner(Parameters parameters, Parameters gradients, ParameterLayout expected) {
        Backend.ensureReady();
        this.parameters = Checks.layout(parameters, expected, "parameters");
        this.gradients = Checks.sameLayout(gradients, parameters, "gradients");
    }

    public DataType dataType() {
        return parameters.dataType();
    }

    public Parameters parameters() {
        return parameters;
    }

    public Parameters gradients() {
        return gradients;
    }
}
