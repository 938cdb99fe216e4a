package org.rnn4j.nd4j.optim;

import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;

/** Gradient clipping in place, with {@code torch.nn.utils}' semantics; call between backward and the step. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * {@code clip_grad_norm_}: when the L2 norm of all gradients together exceeds {@code maxNorm}, scales them by
     * {@code maxNorm / (norm + 1e-6)}.
     *
     * @return the norm before clipping (NaN or infinite when a gradient is; then nothing is scaled)
     */
    public static double byGlobalNorm(Parameters gradients, double maxNorm) {
        Checks.notNull(gradients, "gradients");
        Checks.positiveFinite(maxNorm, "maxNorm");
        double norm = gradients.flat().norm2Number().doubleValue();
        double scale = maxNorm / (norm + 1e-6);
        if (Double.isFinite(norm) && scale < 1) {
            gradients.flat().muli(scale);
        }
        return norm;
    }

    /** {@code clip_grad_value_}: every gradient element into {@code [-clip, clip]}. */
    public static void byValue(Parameters gradients, double clip) {
        Checks.notNull(gradients, "gradients");
        Checks.positiveFinite(clip, "clip");
        Transforms.max(Transforms.min(gradients.flat(), clip, false), -clip, false);
    }
}
