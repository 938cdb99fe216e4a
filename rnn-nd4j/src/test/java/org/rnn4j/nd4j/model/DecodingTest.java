package org.rnn4j.nd4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.layer.Attention;

/**
 * Batched greedy and beam decoding give what a straightforward one-source, one-hypothesis-at-a-time reference (below)
 * gives: the same tokens, log-probabilities and attention weights, for sources of different lengths in one batch.
 */
class DecodingTest {
    static final Decoding.Settings SETTINGS = new Decoding.Settings(1, 2, 8);
    static final List<int[]> SOURCES = List.of(new int[] {3, 4, 5, 6}, new int[] {2}, new int[] {6, 5, 3},
            new int[] {4, 4});

    static EncoderDecoder model() {
        EncoderDecoder m = EncoderDecoderTest.model(true, Attention.Score.ADDITIVE, 1);
        // every parameter N(0, 1): outputs that vary with the beam, so that a reordering error shows
        java.util.SplittableRandom random = new java.util.SplittableRandom(21);
        INDArray flat = m.parameters().flat();
        for (long i = 0; i < flat.length(); i++) {
            flat.putScalar(i, random.nextGaussian());
        }
        return m;
    }

    /** One hypothesis of the reference: its own batch-1 state and context. */
    record Hypothesis(int[] tokens, double logP, State state, INDArray context, double[][] attention) {
    }

    /** log-softmax of one row, in Java. */
    static double[] logSoftmax(INDArray logits) {
        double[] z = logits.toDoubleVector();
        double max = Arrays.stream(z).max().orElseThrow();
        double sum = Arrays.stream(z).map(v -> Math.exp(v - max)).sum();
        return Arrays.stream(z).map(v -> v - max - Math.log(sum)).toArray();
    }

    static List<Hypothesis> expand(EncoderDecoder m, EncoderDecoder.Encoded encoded, Hypothesis h, int length) {
        int last = h.tokens().length == 0 ? SETTINGS.bos() : h.tokens()[h.tokens().length - 1];
        EncoderDecoder.DecoderStep step = m.step(h.state(), Nd4j.createFromArray(new double[] {last}), h.context(),
                encoded);
        double[] logP = logSoftmax(m.output.forward(step.features()).getRow(0));
        double[] weights = Arrays.copyOf(step.attention().weights().getRow(0).toDoubleVector(), length);
        List<Hypothesis> out = new ArrayList<>();
        for (int v = 0; v < logP.length; v++) {
            int[] tokens = Arrays.copyOf(h.tokens(), h.tokens().length + 1);
            tokens[h.tokens().length] = v;
            double[][] a = Arrays.copyOf(h.attention(), h.attention().length + 1);
            a[h.attention().length] = weights;
            out.add(new Hypothesis(tokens, h.logP() + logP[v], step.cell().next(), step.attention().context(), a));
        }
        return out;
    }

    static Hypothesis start(EncoderDecoder m, EncoderDecoder.Encoded encoded) {
        return new Hypothesis(new int[0], 0, encoded.initialState(), Nd4j.zeros(m.dataType(), 1,
                m.config().keySize()), new double[0][]);
    }

    static EncoderDecoder.Encoded encodeAlone(EncoderDecoder m, int[] source) {
        double[][] ids = new double[source.length][1];
        for (int t = 0; t < source.length; t++) {
            ids[t][0] = source[t];
        }
        return m.encode(Nd4j.createFromArray(ids), new int[] {source.length}, false);
    }

    static List<Decoding.Output> referenceBeam(EncoderDecoder m, int[] source, int k, double alpha) {
        EncoderDecoder.Encoded encoded = encodeAlone(m, source);
        List<Hypothesis> kept = List.of(start(m, encoded));
        List<Hypothesis> done = new ArrayList<>();
        for (int t = 0; t < SETTINGS.maxLength() && done.size() < k && !kept.isEmpty(); t++) {
            List<Hypothesis> candidates = new ArrayList<>();
            List<int[]> order = new ArrayList<>(); // {beam, token}
            for (int b = 0; b < kept.size(); b++) {
                List<Hypothesis> e = expand(m, encoded, kept.get(b), source.length);
                for (int v = 0; v < e.size(); v++) {
                    candidates.add(e.get(v));
                    order.add(new int[] {b, v});
                }
            }
            Integer[] idx = new Integer[candidates.size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, (x, y) -> candidates.get(x).logP() != candidates.get(y).logP()
                    ? Double.compare(candidates.get(y).logP(), candidates.get(x).logP())
                    : order.get(x)[0] != order.get(y)[0] ? Integer.compare(order.get(x)[0], order.get(y)[0])
                    : Integer.compare(order.get(x)[1], order.get(y)[1]));
            List<Hypothesis> next = new ArrayList<>();
            for (int i : idx) {
                if (next.size() == k || done.size() >= k) {
                    break;
                }
                Hypothesis h = candidates.get(i);
                (h.tokens()[h.tokens().length - 1] == SETTINGS.eos() ? done : next).add(h);
            }
            kept = done.size() >= k ? List.of() : next;
        }
        List<Hypothesis> pool = new ArrayList<>(done.isEmpty() ? kept : done);
        pool.sort((x, y) -> Double.compare(y.logP() / Math.pow(y.tokens().length, alpha),
                x.logP() / Math.pow(x.tokens().length, alpha)));
        List<Decoding.Output> out = new ArrayList<>();
        for (Hypothesis h : pool) {
            boolean ended = h.tokens()[h.tokens().length - 1] == SETTINGS.eos();
            out.add(new Decoding.Output(ended ? Arrays.copyOf(h.tokens(), h.tokens().length - 1) : h.tokens(), ended,
                    h.logP(), h.attention()));
        }
        return out;
    }

    static void assertSame(Decoding.Output expected, Decoding.Output actual, String what) {
        assertArrayEquals(expected.tokens(), actual.tokens(), what + " tokens");
        assertEquals(expected.finished(), actual.finished(), what + " finished");
        assertEquals(expected.logProbability(), actual.logProbability(), 1e-9, what + " log P");
        assertEquals(expected.attention().length, actual.attention().length, what + " attention steps");
        for (int t = 0; t < expected.attention().length; t++) {
            assertArrayEquals(expected.attention()[t], actual.attention()[t], 1e-9, what + " attention " + t);
        }
    }

    @Test
    void greedyEqualsTheOneAtATimeReferenceAndBeamWidthOne() {
        EncoderDecoder m = model();
        List<Decoding.Output> batched = Decoding.greedy(m, SOURCES, SETTINGS);
        List<Decoding.Output> beamOne = Decoding.beam(m, SOURCES, SETTINGS, 1, 0);
        boolean someFinished = false;
        for (int i = 0; i < SOURCES.size(); i++) {
            assertSame(referenceBeam(m, SOURCES.get(i), 1, 0).get(0), batched.get(i), "greedy " + i);
            assertSame(batched.get(i), beamOne.get(i), "beam 1 " + i);
            someFinished |= batched.get(i).finished();
            for (double[] row : batched.get(i).attention()) {
                assertEquals(1, Arrays.stream(row).sum(), 1e-9, "attention over the source sums to 1");
            }
        }
        assertTrue(someFinished, "the model must reach eos for some source");
        assertTrue(batched.stream().anyMatch(o -> o.tokens().length > 0), "and write tokens for some");
    }

    @Test
    void beamSearchEqualsTheOneAtATimeReference() {
        EncoderDecoder m = model();
        for (int k : new int[] {2, 3}) {
            for (double alpha : new double[] {0, 0.7}) {
                List<List<Decoding.Output>> batched = Decoding.beamCandidates(m, SOURCES, SETTINGS, k, alpha);
                List<Decoding.Output> best = Decoding.beam(m, SOURCES, SETTINGS, k, alpha);
                for (int i = 0; i < SOURCES.size(); i++) {
                    List<Decoding.Output> expected = referenceBeam(m, SOURCES.get(i), k, alpha);
                    assertEquals(expected.size(), batched.get(i).size(), "candidates of source " + i);
                    for (int c = 0; c < expected.size(); c++) { // every candidate, not only the best
                        assertSame(expected.get(c), batched.get(i).get(c), "beam " + k + " alpha " + alpha
                                + " source " + i + " candidate " + c);
                    }
                    assertSame(expected.get(0), best.get(i), "best of source " + i);
                }
            }
        }
    }

    @Test
    void beamSearchFindsAtLeastTheGreedyLikelihoodWithoutNormalisation() {
        EncoderDecoder m = model();
        List<Decoding.Output> greedy = Decoding.greedy(m, SOURCES, SETTINGS);
        List<Decoding.Output> beam = Decoding.beam(m, SOURCES, SETTINGS, 4, 0);
        for (int i = 0; i < SOURCES.size(); i++) {
            if (greedy.get(i).finished()) {
                assertTrue(beam.get(i).logProbability() >= greedy.get(i).logProbability() - 1e-12, "source " + i);
            }
        }
    }

    @Test
    void badSettingsAreNamed() {
        EncoderDecoder m = model();
        assertThrows(IllegalArgumentException.class, () -> new Decoding.Settings(1, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> Decoding.beam(m, SOURCES, SETTINGS, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Decoding.beam(m, SOURCES, SETTINGS, 2, Double.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Decoding.greedy(m, List.of(new int[] {3, 7}), SETTINGS));
        assertTrue(e.getMessage().contains("sources[0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Decoding.greedy(m, List.of(), SETTINGS));
    }
}
