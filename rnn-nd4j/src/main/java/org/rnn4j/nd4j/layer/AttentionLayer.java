package org.rnn4j.nd4j.layer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Parameters;
import org.rnn4j.nd4j.internal.HostArray;
import org.rnn4j.nd4j.internal.Inputs;
import org.rnn4j.nd4j.internal.ParameterOwner;
import org.rnn4j.nd4j.internal.StepMask;

/**
 * {@link Attention} over given parameter and gradient views: {@link #keys} checks and prepares an encoder's outputs
 * once, {@link #forward} gives the context and the weights for a query, {@link #backward} adds the parameter
 * gradients and returns the query's and the keys' gradients. A decoder attends once per target step over the same
 * keys: what does not depend on the query (the checks, the mask, additive attention's key projection) is done once
 * per {@link Keys}. Any number of passes may be outstanding; each {@link Pass} is used by at most one backward.
 *
 * <p>On the CPU host the loops over the source steps run in Java ({@link AttentionKernels}); elsewhere, and with
 * host paths switched off ({@link HostArray#PROPERTY}), the same math runs as INDArray operations. A test proves the
 * two equal.
 */
public final class AttentionLayer extends ParameterOwner {
    private final Attention spec;

    AttentionLayer(Attention spec, Parameters parameters, Parameters gradients) {
        super(parameters, gradients, spec.layout());
        this.spec = spec;
    }

    public Attention spec() {
        return spec;
    }

    /**
     * Keys checked and prepared for any number of queries: valid while the parameters do not change (within one
     * training pass, or one decoding).
     */
    public static final class Keys {
        private final AttentionLayer owner;
        private final INDArray keys;
        private final int[] lengths;
        private final INDArray mask;
        /** ADDITIVE: {@code k · W_kᵀ} {@code [S, B, A]}; else null. */
        private final INDArray projected;

        private Keys(AttentionLayer owner, INDArray keys, int[] lengths, INDArray mask, INDArray projected) {
            this.owner = owner;
            this.keys = keys;
            this.lengths = lengths;
            this.mask = mask;
            this.projected = projected;
        }
    }

    /** One attention step: its inputs, its outputs, and what its backward reads. */
    public static final class Pass {
        private final INDArray query;
        private final INDArray keys;
        private final INDArray mask;
        private final INDArray context;
        private final INDArray weights;
        /** ADDITIVE: {@code tanh(...)} {@code [S, B, A]}; GENERAL: {@code q · W} {@code [B, Hk]}; DOT: null. */
        private final INDArray saved;
        private boolean used;

        private Pass(INDArray query, INDArray keys, INDArray mask, INDArray context, INDArray weights,
                     INDArray saved) {
            this.query = query;
            this.keys = keys;
            this.mask = mask;
            this.context = context;
            this.weights = weights;
            this.saved = saved;
        }

        /** {@code [B, Hk]}: the weighted sum of the keys. */
        public INDArray context() {
            return context;
        }

        /** {@code [B, S]}: each sequence's weights over its source steps (0 on padding; each row sums to 1). */
        public INDArray weights() {
            return weights;
        }
    }

    /** The gradients of a pass's inputs. */
    public record Gradient(INDArray queryGradient, INDArray keyGradients) {
    }

    /** {@link #forward(INDArray, Keys)} over keys prepared for this query alone. */
    public Pass forward(INDArray query, INDArray keys, int[] lengths) {
        return forward(query, keys(keys, lengths));
    }

    /**
     * @param keys    {@code [S, B, keySize]}, time-major
     * @param lengths each sequence's source length in {@code 1..S}, or null for all {@code S}
     */
    public Keys keys(INDArray keys, int[] lengths) {
        Checks.shape(keys, "keys", "[source steps, batch, keySize]", Checks.ANY, Checks.ANY, spec.keySize());
        long steps = keys.size(0);
        long batch = keys.size(1);
        if (steps < 1 || batch < 1) {
            throw new IllegalArgumentException("keys must have at least one step and one sequence but have shape ["
                    + steps + ", " + batch + ", " + spec.keySize() + "]");
        }
        Checks.dataType(keys, dataType(), "keys");
        Checks.finite(keys, "keys");
        Inputs.lengths(lengths, steps, batch);
        INDArray projected = spec.score() != Attention.Score.ADDITIVE ? null
                : keys.reshape('c', steps * batch, spec.keySize()).mmul(parameters.get("key_weight").transpose())
                        .reshape('c', steps, batch, spec.attentionSize());
        INDArray hostKeys = HostArray.available() ? Inputs.contiguous(keys) : keys;
        return new Keys(this, hostKeys, lengths == null ? null : lengths.clone(),
                StepMask.of(lengths, steps, batch, dataType()), projected);
    }

    /** @param query {@code [B, querySize]}, one row per sequence of {@code keys} */
    public Pass forward(INDArray query, Keys prepared) {
        Checks.notNull(prepared, "keys");
        if (prepared.owner != this) {
            throw new IllegalArgumentException("keys must be prepared by this layer's keys(...)");
        }
        INDArray keys = prepared.keys;
        long steps = keys.size(0);
        long batch = keys.size(1);
        Checks.shape(query, "query", "[batch, querySize]", batch, spec.querySize());
        Checks.dataType(query, dataType(), "query");
        Checks.finite(query, "query");
        if (HostArray.readable(keys)) {
            return forwardOnHost(Inputs.contiguous(query), prepared);
        }
        INDArray mask = prepared.mask;                                           // [S, B]
        INDArray saved = null;
        INDArray scores;                                                         // [S, B]
        switch (spec.score()) {
            case DOT -> scores = keys.mul(broadcastOverSteps(query, steps)).sum(2);
            case GENERAL -> {
                saved = query.mmul(parameters.get("weight"));                    // [B, Hk]
                scores = keys.mul(broadcastOverSteps(saved, steps)).sum(2);
            }
            default -> {
                long a = spec.attentionSize();
                INDArray pq = query.mmul(parameters.get("query_weight").transpose())
                        .addiRowVector(parameters.get("bias"));                 // [B, A]
                saved = Transforms.tanh(prepared.projected.add(broadcastOverSteps(pq, steps)), false);  // [S, B, A]
                scores = saved.reshape('c', steps * batch, a).mmul(parameters.get("v").reshape(a, 1))
                        .reshape('c', steps, batch);
            }
        }
        INDArray weights = maskedSoftmaxOverSteps(scores, mask);                // [S, B]
        INDArray context = keys.mul(weights.reshape(steps, batch, 1).broadcast(keys.shape())).sum(0);
        return new Pass(query, keys, mask, context, weights.transpose().dup('c'), saved);
    }

    private Pass forwardOnHost(INDArray query, Keys prepared) {
        INDArray keys = prepared.keys;
        int steps = (int) keys.size(0);
        int batch = (int) keys.size(1);
        int hk = spec.keySize();
        INDArray scores = Nd4j.createUninitialized(dataType(), steps, batch);
        INDArray saved;
        if (spec.score() == Attention.Score.ADDITIVE) {
            int a = spec.attentionSize();
            INDArray pq = query.mmul(parameters.get("query_weight").transpose()).addiRowVector(parameters.get("bias"));
            saved = Nd4j.createUninitialized(dataType(), steps, batch, a);
            AttentionKernels.additiveScores(HostArray.of(prepared.projected), HostArray.of(pq),
                    HostArray.of(parameters.get("v")), HostArray.of(saved), HostArray.of(scores), steps, batch, a);
        } else {
            saved = spec.score() == Attention.Score.GENERAL ? query.mmul(parameters.get("weight")) : null;
            AttentionKernels.dotScores(HostArray.of(keys), HostArray.of(saved == null ? query : saved),
                    HostArray.of(scores), steps, batch, hk);
        }
        INDArray weights = Nd4j.createUninitialized(dataType(), batch, steps);
        INDArray context = Nd4j.createUninitialized(dataType(), batch, hk);
        AttentionKernels.softmaxAndContext(HostArray.of(scores), prepared.lengths, HostArray.of(keys),
                HostArray.of(weights), HostArray.of(context), steps, batch, hk);
        return new Pass(query, keys, prepared.mask, context, weights, saved);
    }

    /**
     * Adds the parameter gradients of {@code pass} given {@code dL/dcontext} ({@code [B, Hk]}) and optionally
     * {@code dL/dweights} ({@code [B, S]}, null for none), and returns {@code dL/dquery} and {@code dL/dkeys}.
     */
    public Gradient backward(Pass pass, INDArray contextGradient, INDArray weightGradient) {
        Checks.notNull(pass, "pass");
        long steps = pass.keys.size(0);
        long batch = pass.keys.size(1);
        Checks.shape(contextGradient, "contextGradient", "[batch, keySize]", batch, spec.keySize());
        Checks.dataType(contextGradient, dataType(), "contextGradient");
        Checks.finite(contextGradient, "contextGradient");
        if (weightGradient != null) {
            Checks.shape(weightGradient, "weightGradient", "[batch, source steps]", batch, steps);
            Checks.dataType(weightGradient, dataType(), "weightGradient");
            Checks.finite(weightGradient, "weightGradient");
        }
        if (pass.used) {
            throw new IllegalArgumentException("pass was already passed to backward");
        }
        pass.used = true;
        if (HostArray.readable(pass.keys)) {
            return backwardOnHost(pass, Inputs.contiguous(contextGradient),
                    weightGradient == null ? null : Inputs.contiguous(weightGradient));
        }
        INDArray alpha = pass.weights.transpose();                               // [S, B]
        INDArray keys = pass.keys;
        INDArray dContextOverSteps = broadcastOverSteps(contextGradient, steps);  // [S, B, Hk]
        INDArray dAlpha = keys.mul(dContextOverSteps).sum(2);                   // [S, B]
        if (weightGradient != null) {
            dAlpha.addi(weightGradient.transpose());
        }
        INDArray dKeys = dContextOverSteps.mul(alpha.reshape(steps, batch, 1).broadcast(keys.shape()));
        // softmax backward: de = α (dα - Σ α dα), zero where masked (α = 0 there)
        INDArray centered = dAlpha.subRowVector(alpha.mul(dAlpha).sum(0).reshape(1, batch));
        INDArray dScores = alpha.mul(centered).muli(pass.mask);                 // [S, B]
        INDArray dScoresOverKeys = dScores.reshape(steps, batch, 1);
        INDArray dQuery;
        switch (spec.score()) {
            case DOT -> {
                dQuery = keys.mul(dScoresOverKeys.broadcast(keys.shape())).sum(0);
                dKeys.addi(broadcastOverSteps(pass.query, steps).mul(dScoresOverKeys.broadcast(keys.shape())));
            }
            case GENERAL -> {
                INDArray w = parameters.get("weight");                          // [Hq, Hk]
                INDArray weightedKeys = keys.mul(dScoresOverKeys.broadcast(keys.shape())).sum(0);   // Σ_s de k [B, Hk]
                dQuery = weightedKeys.mmul(w.transpose());                      // [B, Hq]
                dKeys.addi(broadcastOverSteps(pass.saved, steps).mul(dScoresOverKeys.broadcast(keys.shape())));
                gradients.get("weight").addi(pass.query.transpose().mmul(weightedKeys));
            }
            default -> {
                long a = spec.attentionSize();
                INDArray u = pass.saved;                                         // [S, B, A]
                INDArray v = parameters.get("v");
                INDArray u2d = u.reshape('c', steps * batch, a);
                INDArray de = dScores.reshape('c', steps * batch, 1);
                gradients.get("v").addi(u2d.transpose().mmul(de).reshape(a));
                INDArray dPre = de.mmul(v.reshape(1, a)).muli(u2d.mul(u2d).rsubi(1));     // [S*B, A]
                INDArray dPq = dPre.reshape('c', steps, batch, a).sum(0);       // [B, A]
                gradients.get("query_weight").addi(dPq.transpose().mmul(pass.query));
                gradients.get("bias").addi(dPq.sum(0).reshape(a));
                INDArray keys2d = keys.reshape('c', steps * batch, spec.keySize());
                gradients.get("key_weight").addi(dPre.transpose().mmul(keys2d));
                dQuery = dPq.mmul(parameters.get("query_weight"));
                dKeys.addi(dPre.mmul(parameters.get("key_weight")).reshape('c', steps, batch, spec.keySize()));
            }
        }
        return new Gradient(dQuery, dKeys);
    }

    private Gradient backwardOnHost(Pass pass, INDArray contextGradient, INDArray weightGradient) {
        INDArray keys = pass.keys;
        int steps = (int) keys.size(0);
        int batch = (int) keys.size(1);
        int hk = spec.keySize();
        INDArray dKeys = Nd4j.createUninitialized(dataType(), steps, batch, hk);
        INDArray dScores = Nd4j.createUninitialized(dataType(), steps, batch);
        AttentionKernels.contextBackward(HostArray.of(keys), HostArray.of(pass.weights), HostArray.of(contextGradient),
                weightGradient == null ? null : HostArray.of(weightGradient), HostArray.of(dKeys),
                HostArray.of(dScores), steps, batch, hk);
        INDArray dQuery;
        if (spec.score() == Attention.Score.ADDITIVE) {
            int a = spec.attentionSize();
            INDArray pre = Nd4j.createUninitialized(dataType(), (long) steps * batch, a);
            INDArray dPq = Nd4j.createUninitialized(dataType(), batch, a);
            AttentionKernels.additiveBackward(HostArray.of(pass.saved), HostArray.of(parameters.get("v")),
                    HostArray.of(dScores), HostArray.of(pre), HostArray.of(gradients.get("v")), HostArray.of(dPq),
                    steps, batch, a);
            gradients.get("query_weight").addi(dPq.transpose().mmul(pass.query));
            gradients.get("bias").addi(dPq.sum(0).reshape(a));
            gradients.get("key_weight").addi(pre.transpose().mmul(keys.reshape('c', (long) steps * batch, hk)));
            dQuery = dPq.mmul(parameters.get("query_weight"));
            dKeys.addi(pre.mmul(parameters.get("key_weight")).reshape('c', steps, batch, hk));
        } else {
            INDArray u = spec.score() == Attention.Score.GENERAL ? pass.saved : pass.query;
            INDArray weightedKeys = Nd4j.createUninitialized(dataType(), batch, hk);  // Σ_s de k [B, Hk]
            AttentionKernels.dotBackward(HostArray.of(keys), HostArray.of(u), HostArray.of(dScores),
                    HostArray.of(dKeys), HostArray.of(weightedKeys), steps, batch, hk);
            if (spec.score() == Attention.Score.GENERAL) {
                dQuery = weightedKeys.mmul(parameters.get("weight").transpose());
                gradients.get("weight").addi(pass.query.transpose().mmul(weightedKeys));
            } else {
                dQuery = weightedKeys;
            }
        }
        return new Gradient(dQuery, dKeys);
    }

    /** {@code [B, H]} as {@code [S, B, H]} (a broadcast copy). */
    private static INDArray broadcastOverSteps(INDArray rows, long steps) {
        return rows.reshape(1, rows.size(0), rows.size(1)).broadcast(steps, rows.size(0), rows.size(1));
    }

    /** Softmax over steps (axis 0) of the valid steps only; 0 where {@code mask} is 0. */
    private static INDArray maskedSoftmaxOverSteps(INDArray scores, INDArray mask) {
        // padded scores never win the maximum: shift them far below the valid ones before subtracting it
        INDArray shifted = scores.mul(mask).addi(mask.rsub(1).muli(-1e30));
        INDArray max = shifted.max(0);                                          // [B]
        INDArray e = Transforms.exp(shifted.subiRowVector(max.reshape(1, max.length())), false).muli(mask);
        return e.diviRowVector(e.sum(0).reshape(1, max.length()));
    }
}
