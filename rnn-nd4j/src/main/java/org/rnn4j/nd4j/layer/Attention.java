package org.rnn4j.nd4j.layer;

import java.util.SplittableRandom;
import org.rnn4j.api.Checks;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.init.Initializers;

/**
 * Attention of a query (a decoder's state, {@code q [B, Hq]}) over keys (an encoder's outputs, time-major
 * {@code k [S, B, Hk]}, each sequence of its own source length): a score per source step, a softmax over the valid
 * steps (padding gets weight 0), and the context, the weighted sum of the keys.
 * <pre>
 *   ADDITIVE (Bahdanau)   e[s, b] = v · tanh(W_q q_b + b + W_k k_{s,b})   query_weight [A, Hq], key_weight [A, Hk],
 *                                                                           bias [A], v [A]
 *   GENERAL (Luong)       e[s, b] = q_b · W k_{s,b}                       weight [Hq, Hk]
 *   DOT (Luong)           e[s, b] = q_b · k_{s,b}                         (Hq = Hk; no parameters)
 *
 *   α[b, s] = exp(e[s, b]) / Σ_{s' &lt; length_b} exp(e[s', b]) for s &lt; length_b, else 0
 *   context_b = Σ_s α[b, s] k_{s,b}                                         [B, Hk]
 * </pre>
 * Defaults: Xavier-uniform weights, zero bias, {@code v} uniform in ±1/√A.
 */
public record Attention(Score score, int querySize, int keySize, int attentionSize) {
    public enum Score { ADDITIVE, GENERAL, DOT }

    public Attention {
        Checks.notNull(score, "score");
        Checks.positive(querySize, "querySize");
        Checks.positive(keySize, "keySize");
        if (score == Score.ADDITIVE) {
            Checks.positive(attentionSize, "attentionSize");
        } else if (attentionSize != 0) {
            throw new IllegalArgumentException("attentionSize is only for ADDITIVE attention (0 otherwise) but is "
                    + attentionSize);
        }
        if (score == Score.DOT && querySize != keySize) {
            throw new IllegalArgumentException("DOT attention needs querySize == keySize but has " + querySize
                    + " and " + keySize);
        }
    }

    /** Bahdanau's additive attention with an attention size {@code attentionSize}. */
    public static Attention additive(int querySize, int keySize, int attentionSize) {
        return new Attention(Score.ADDITIVE, querySize, keySize, attentionSize);
    }

    /** Luong's general (multiplicative) attention. */
    public static Attention general(int querySize, int keySize) {
        return new Attention(Score.GENERAL, querySize, keySize, 0);
    }

    /** Luong's dot attention (no parameters). */
    public static Attention dot(int size) {
        return new Attention(Score.DOT, size, size, 0);
    }

    public ParameterLayout layout() {
        ParameterLayout.Builder b = ParameterLayout.builder();
        switch (score) {
            case ADDITIVE -> b.add("query_weight", attentionSize, querySize).add("key_weight", attentionSize, keySize)
                    .add("bias", attentionSize).add("v", attentionSize);
            case GENERAL -> b.add("weight", querySize, keySize);
            case DOT -> {
            }
        }
        return b.build();
    }

    public void initialize(Parameters parameters, SplittableRandom random) {
        switch (score) {
            case ADDITIVE -> {
                Initializers.xavierUniform(parameters.get("query_weight"), random);
                Initializers.xavierUniform(parameters.get("key_weight"), random);
                parameters.get("bias").assign(0);
                double bound = 1 / Math.sqrt(attentionSize);
                org.nd4j.linalg.api.ndarray.INDArray v = parameters.get("v");
                for (long i = 0; i < v.length(); i++) {
                    v.putScalar(i, random.nextDouble(-bound, bound));
                }
            }
            case GENERAL -> Initializers.xavierUniform(parameters.get("weight"), random);
            case DOT -> {
            }
        }
    }

    public AttentionLayer create(Parameters parameters, Parameters gradients) {
        return new AttentionLayer(this, parameters, gradients);
    }
}
