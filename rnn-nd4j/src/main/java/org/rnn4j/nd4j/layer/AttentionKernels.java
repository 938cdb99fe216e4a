package org.rnn4j.nd4j.layer;

import org.rnn4j.nd4j.internal.HostArray;

/**
 * {@link AttentionLayer}'s loops over the source steps on the CPU host: the scores, the masked softmax, the context
 * and their backward, read straight from the keys' memory. The INDArray path builds {@code [S, B, H]} broadcast
 * copies for each of these (a decoder does it on every target step); these loops touch each key once and allocate
 * nothing. Index {@code (s·B + b)·H + h} is key {@code h} of sequence {@code b} at source step {@code s}.
 */
final class AttentionKernels {
    private AttentionKernels() {
    }

    /** {@code scores[s·B + b] = k[s, b, :] · u[b, :]}. */
    static void dotScores(HostArray keys, HostArray u, HostArray scores, int steps, int batch, int size) {
        for (int s = 0; s < steps; s++) {
            for (int b = 0; b < batch; b++) {
                int k = (s * batch + b) * size;
                int q = b * size;
                double sum = 0;
                for (int h = 0; h < size; h++) {
                    sum += keys.get(k + h) * u.get(q + h);
                }
                scores.set(s * batch + b, sum);
            }
        }
    }

    /** ADDITIVE: {@code tanh[s, b, :] = tanh(projected[s, b, :] + pq[b, :])}, {@code scores[s·B + b] = v · tanh}. */
    static void additiveScores(HostArray projected, HostArray pq, HostArray v, HostArray tanh, HostArray scores,
                               int steps, int batch, int size) {
        for (int s = 0; s < steps; s++) {
            for (int b = 0; b < batch; b++) {
                int at = (s * batch + b) * size;
                double sum = 0;
                for (int a = 0; a < size; a++) {
                    double u = Math.tanh(projected.get(at + a) + pq.get(b * size + a));
                    tanh.set(at + a, u);
                    sum += v.get(a) * u;
                }
                scores.set(s * batch + b, sum);
            }
        }
    }

    /**
     * Softmax over each sequence's first {@code lengths[b]} steps: {@code weights[b·S + s]} ({@code [B, S]}, 0 on
     * padding), then {@code context[b, :] = Σ_s weights[b, s] k[s, b, :]}.
     */
    static void softmaxAndContext(HostArray scores, int[] lengths, HostArray keys, HostArray weights,
                                  HostArray context, int steps, int batch, int size) {
        for (int b = 0; b < batch; b++) {
            int valid = lengths == null ? steps : lengths[b];
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < valid; s++) {
                max = Math.max(max, scores.get(s * batch + b));
            }
            double total = 0;
            for (int s = 0; s < steps; s++) {
                double e = s < valid ? Math.exp(scores.get(s * batch + b) - max) : 0;
                weights.set(b * steps + s, e);
                total += e;
            }
            for (int h = 0; h < size; h++) {
                context.set(b * size + h, 0);
            }
            for (int s = 0; s < valid; s++) {
                double w = weights.get(b * steps + s) / total;
                weights.set(b * steps + s, w);
                int k = (s * batch + b) * size;
                for (int h = 0; h < size; h++) {
                    context.set(b * size + h, context.get(b * size + h) + w * keys.get(k + h));
                }
            }
        }
    }

    /**
     * The backward of the context and the softmax: {@code keyGradients[s, b, :] = α[b, s] dc[b, :]} and the scores'
     * gradient {@code dScores[s·B + b] = α (dα - Σ α dα)} with {@code dα[s, b] = k[s, b, :] · dc[b, :]} (plus
     * {@code weightGradient[b, s]} if given), 0 on padding.
     */
    static void contextBackward(HostArray keys, HostArray weights, HostArray contextGradient,
                                HostArray weightGradient, HostArray keyGradients, HostArray dScores, int steps,
                                int batch, int size) {
        for (int b = 0; b < batch; b++) {
            double weighted = 0;
            for (int s = 0; s < steps; s++) {
                int k = (s * batch + b) * size;
                double alpha = weights.get(b * steps + s);
                double dAlpha = weightGradient == null ? 0 : weightGradient.get(b * steps + s);
                for (int h = 0; h < size; h++) {
                    double dc = contextGradient.get(b * size + h);
                    dAlpha += keys.get(k + h) * dc;
                    keyGradients.set(k + h, alpha * dc);
                }
                dScores.set(s * batch + b, dAlpha);
                weighted += alpha * dAlpha;
            }
            for (int s = 0; s < steps; s++) {
                double alpha = weights.get(b * steps + s); // 0 on padding, so dScores is too
                dScores.set(s * batch + b, alpha * (dScores.get(s * batch + b) - weighted));
            }
        }
    }

    /**
     * The backward of dot scores against {@code u} ({@code [B, H]}): adds {@code dScores[s, b] u[b, :]} into the
     * key gradients and returns nothing else; {@code weightedKeys[b, :] = Σ_s dScores[s, b] k[s, b, :]} is the
     * gradient of {@code u}.
     */
    static void dotBackward(HostArray keys, HostArray u, HostArray dScores, HostArray keyGradients,
                            HostArray weightedKeys, int steps, int batch, int size) {
        weightedKeys.fill(0);
        for (int s = 0; s < steps; s++) {
            for (int b = 0; b < batch; b++) {
                double d = dScores.get(s * batch + b);
                if (d == 0) {
                    continue;
                }
                int k = (s * batch + b) * size;
                for (int h = 0; h < size; h++) {
                    keyGradients.set(k + h, keyGradients.get(k + h) + d * u.get(b * size + h));
                    weightedKeys.set(b * size + h, weightedKeys.get(b * size + h) + d * keys.get(k + h));
                }
            }
        }
    }

    /**
     * ADDITIVE's backward through {@code v · tanh}: {@code pre[s, b, :] = dScores[s, b] v (1 - tanh²)}, the gradient
     * before the tanh; adds {@code Σ_{s,b} dScores tanh} into {@code vGradient} and returns {@code Σ_s pre} per
     * sequence in {@code queryPre} ({@code [B, A]}).
     */
    static void additiveBackward(HostArray tanh, HostArray v, HostArray dScores, HostArray pre, HostArray vGradient,
                                 HostArray queryPre, int steps, int batch, int size) {
        queryPre.fill(0);
        for (int s = 0; s < steps; s++) {
            for (int b = 0; b < batch; b++) {
                double d = dScores.get(s * batch + b);
                int at = (s * batch + b) * size;
                for (int a = 0; a < size; a++) {
                    double u = tanh.get(at + a);
                    double p = d * v.get(a) * (1 - u * u);
                    pre.set(at + a, p);
                    vGradient.set(a, vGradient.get(a) + d * u);
                    queryPre.set(b * size + a, queryPre.get(b * size + a) + p);
                }
            }
        }
    }
}
