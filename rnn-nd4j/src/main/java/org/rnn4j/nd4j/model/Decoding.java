package org.rnn4j.nd4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Checks;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.layer.Embedding;

/**
 * Writing target sequences with a trained {@link EncoderDecoder}, a batch of sources at a time: greedy (the most
 * likely token at each step) and beam search (the {@code beamWidth} most likely prefixes, the best finished one by
 * {@code log P / length^lengthPenalty}). Both stop a sequence at {@code eos} or after {@code maxLength} tokens, and
 * keep each step's attention weights (for a heatmap).
 */
public final class Decoding {
    private Decoding() {
    }

    /** The tokens every decoding starts from and stops at, and the longest output. */
    public record Settings(int bos, int eos, int maxLength) {
        public Settings {
            Checks.positive(maxLength, "maxLength");
            if (bos < 0 || eos < 0) {
                throw new IllegalArgumentException("bos and eos must be token ids >= 0 but are " + bos + " and "
                        + eos);
            }
        }
    }

    /**
     * One written sequence: its tokens (without {@code bos}, without {@code eos}), whether it ended with {@code eos},
     * its log-probability (including {@code eos}), and the attention weights of each written step over the source
     * ({@code [steps][source length]}).
     */
    public record Output(int[] tokens, boolean finished, double logProbability, double[][] attention) {
    }

    /** Greedy decoding of every source (token ids, any lengths), in one batch. */
    public static List<Output> greedy(EncoderDecoder model, List<int[]> sources, Settings settings) {
        PaddedBatch batch = padded(model, sources, 1);
        int n = sources.size();
        EncoderDecoder.Encoded encoded = model.encode(batch.input(), batch.lengths(), false);
        State state = encoded.initialState();
        INDArray context = Nd4j.zeros(model.dataType(), n, model.config().keySize());
        INDArray previous = Nd4j.valueArrayOf(new long[] {n}, (double) settings.bos(), batch.input().dataType());
        List<List<Integer>> tokens = new ArrayList<>();
        List<List<double[]>> attention = new ArrayList<>();
        double[] logP = new double[n];
        boolean[] finished = new boolean[n];
        for (int i = 0; i < n; i++) {
            tokens.add(new ArrayList<>());
            attention.add(new ArrayList<>());
        }
        for (int t = 0; t < settings.maxLength() && !all(finished); t++) {
            EncoderDecoder.DecoderStep step = model.step(state, previous, context, encoded);
            double[][] logProbabilities = logSoftmax(model.output.forward(step.features()));
            double[][] weights = step.attention().weights().toDoubleMatrix();
            for (int i = 0; i < n; i++) {
                if (finished[i]) {
                    continue;
                }
                int best = argmax(logProbabilities[i]);
                logP[i] += logProbabilities[i][best];
                attention.get(i).add(Arrays.copyOf(weights[i], sources.get(i).length));
                if (best == settings.eos()) {
                    finished[i] = true;
                } else {
                    tokens.get(i).add(best);
                }
                previous.putScalar(i, best);
            }
            state = step.cell().next();
            context = step.attention().context();
        }
        List<Output> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Output(tokens.get(i).stream().mapToInt(Integer::intValue).toArray(), finished[i], logP[i],
                    attention.get(i).toArray(double[][]::new)));
        }
        return out;
    }

    /** A prefix kept by the beam search. */
    private record Prefix(int[] tokens, double logProbability, double[][] attention) {
        Prefix extend(int token, double logP, double[] weights) {
            int[] t = Arrays.copyOf(tokens, tokens.length + 1);
            t[tokens.length] = token;
            double[][] a = Arrays.copyOf(attention, attention.length + 1);
            a[attention.length] = weights;
            return new Prefix(t, logProbability + logP, a);
        }

        double score(double lengthPenalty) {
            return logProbability / Math.pow(tokens.length, lengthPenalty);
        }

        Output output(int eos) {
            boolean ended = tokens.length > 0 && tokens[tokens.length - 1] == eos;
            return new Output(ended ? Arrays.copyOf(tokens, tokens.length - 1) : tokens, ended, logProbability,
                    attention);
        }
    }

    /**
     * Beam search of every source, in one batch of {@code sources × beamWidth} rows. Each step extends every kept
     * prefix by every token and keeps, per source, the {@code beamWidth} most likely; a prefix that writes
     * {@code eos} is finished and leaves the beam. A source is done when it has {@code beamWidth} finished prefixes
     * or after {@code maxLength} steps; its output is the finished prefix (or, if none, the kept one) with the best
     * {@code log P / length^lengthPenalty} (0: no normalisation; 1: per token).
     */
    public static List<Output> beam(EncoderDecoder model, List<int[]> sources, Settings settings, int beamWidth,
                                    double lengthPenalty) {
        List<Output> best = new ArrayList<>();
        beamCandidates(model, sources, settings, beamWidth, lengthPenalty).forEach(c -> best.add(c.get(0)));
        return best;
    }

    /**
     * {@link #beam}'s candidates for each source, best first: its finished prefixes (up to {@code beamWidth}), or,
     * when none finished within {@code maxLength}, the kept ones. Ties keep the order in which they were found.
     */
    public static List<List<Output>> beamCandidates(EncoderDecoder model, List<int[]> sources, Settings settings,
                                                    int beamWidth, double lengthPenalty) {
        Checks.positive(beamWidth, "beamWidth");
        if (!(lengthPenalty >= 0 && Double.isFinite(lengthPenalty))) {
            throw new IllegalArgumentException("lengthPenalty must be finite and >= 0 but is " + lengthPenalty);
        }
        int k = beamWidth;
        int n = sources.size();
        PaddedBatch batch = padded(model, sources, k);
        EncoderDecoder.Encoded encoded = model.encode(batch.input(), batch.lengths(), false);
        State state = encoded.initialState();
        INDArray context = Nd4j.zeros(model.dataType(), (long) n * k, model.config().keySize());
        INDArray previous = Nd4j.valueArrayOf(new long[] {(long) n * k}, (double) settings.bos(),
                batch.input().dataType());
        List<List<Prefix>> kept = new ArrayList<>();
        List<List<Prefix>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            kept.add(new ArrayList<>(List.of(new Prefix(new int[0], 0, new double[0][])))); // one prefix at first
            done.add(new ArrayList<>());
        }
        for (int t = 0; t < settings.maxLength(); t++) {
            boolean any = false;
            for (int i = 0; i < n; i++) {
                any |= done.get(i).size() < k && !kept.get(i).isEmpty();
            }
            if (!any) {
                break;
            }
            EncoderDecoder.DecoderStep step = model.step(state, previous, context, encoded);
            double[][] logProbabilities = logSoftmax(model.output.forward(step.features()));
            double[][] weights = step.attention().weights().toDoubleMatrix();
            int[] parents = new int[n * k];
            int[] nextTokens = new int[n * k];
            for (int i = 0; i < n; i++) {
                List<Prefix> prefixes = kept.get(i);
                List<Prefix> next = new ArrayList<>();
                if (done.get(i).size() < k) {
                    List<double[]> candidates = new ArrayList<>(); // {score, beam, token}
                    for (int b = 0; b < prefixes.size(); b++) {
                        double[] row = logProbabilities[i * k + b];
                        for (int v = 0; v < row.length; v++) {
                            candidates.add(new double[] {prefixes.get(b).logProbability() + row[v], b, v});
                        }
                    }
                    // most likely first; ties to the lower beam, then the lower token: a deterministic order
                    candidates.sort((x, y) -> x[0] != y[0] ? Double.compare(y[0], x[0])
                            : x[1] != y[1] ? Double.compare(x[1], y[1]) : Double.compare(x[2], y[2]));
                    for (double[] c : candidates) {
                        if (next.size() == k || done.get(i).size() >= k) {
                            break;
                        }
                        int b = (int) c[1];
                        int v = (int) c[2];
                        Prefix extended = prefixes.get(b).extend(v, logProbabilities[i * k + b][v],
                                Arrays.copyOf(weights[i * k + b], sources.get(i).length));
                        if (v == settings.eos()) {
                            done.get(i).add(extended);
                        } else {
                            parents[i * k + next.size()] = i * k + b;
                            nextTokens[i * k + next.size()] = v;
                            next.add(extended);
                        }
                    }
                }
                for (int slot = next.size(); slot < k; slot++) { // idle rows: any parent, their output unused
                    parents[i * k + slot] = i * k;
                    nextTokens[i * k + slot] = settings.eos();
                }
                kept.set(i, done.get(i).size() >= k ? List.of() : next);
            }
            state = gather(step.cell().next(), parents);
            context = Nd4j.pullRows(step.attention().context(), 1, parents);
            for (int r = 0; r < parents.length; r++) {
                previous.putScalar(r, nextTokens[r]);
            }
        }
        List<List<Output>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Prefix> pool = new ArrayList<>(done.get(i).isEmpty() ? kept.get(i) : done.get(i));
            pool.sort((a, b) -> Double.compare(b.score(lengthPenalty), a.score(lengthPenalty))); // stable
            List<Output> candidates = new ArrayList<>();
            pool.forEach(p -> candidates.add(p.output(settings.eos())));
            out.add(candidates);
        }
        return out;
    }

    /** Padded sources {@code [S, n·copies]}, each source repeated {@code copies} times, each checked by its index. */
    private static PaddedBatch padded(EncoderDecoder model, List<int[]> sources, int copies) {
        Checks.notNull(sources, "sources");
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("sources must not be empty");
        }
        Embedding embedding = model.config().sourceEmbedding();
        List<int[]> repeated = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            int[] source = SequenceInputs.checkTokens(sources.get(i), embedding.vocabularySize(), "sources[" + i + "]");
            for (int c = 0; c < copies; c++) {
                repeated.add(source);
            }
        }
        return PaddedBatch.ofTokens(repeated, 0, repeated.size(), embedding.vocabularySize(), embedding.paddingId(),
                model.dataType());
    }

    private static State gather(State state, int[] rows) {
        INDArray[] parts = new INDArray[state.arity()];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = Nd4j.pullRows(state.get(k), 1, rows);
        }
        return State.of(parts);
    }

    private static double[][] logSoftmax(INDArray logits) {
        double[][] z = logits.toDoubleMatrix();
        for (double[] row : z) {
            double max = Arrays.stream(row).max().orElse(0);
            double sum = 0;
            for (double v : row) {
                sum += Math.exp(v - max);
            }
            double log = max + Math.log(sum);
            for (int j = 0; j < row.length; j++) {
                row[j] -= log;
            }
        }
        return z;
    }

    private static int argmax(double[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }

    private static boolean all(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }
}
