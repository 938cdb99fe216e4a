package org.rnn4j.examples.interchange;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.rnn4j.onnx.OnnxExport;

/**
 * Scores token sequences with an ONNX file of a sentiment model in ONNX Runtime: padded batches of int64 ids
 * {@code [time, batch]} and int32 lengths, one logit per sequence out, turned into the probability of "positive".
 */
final class OnnxScoring implements AutoCloseable {
    static final int BATCH = 256;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OnnxScoring(Path onnx) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            session = env.createSession(onnx.toString(), options);
        }
    }

    /** The probability that each sequence (token ids, padding id {@code padding}) is positive. */
    double[] probabilities(List<int[]> sequences, int padding) throws OrtException {
        double[] p = new double[sequences.size()];
        for (int from = 0; from < sequences.size(); from += BATCH) {
            List<int[]> part = sequences.subList(from, Math.min(sequences.size(), from + BATCH));
            int steps = part.stream().mapToInt(s -> s.length).max().orElseThrow();
            long[] ids = new long[steps * part.size()];
            java.util.Arrays.fill(ids, padding);
            int[] lengths = new int[part.size()];
            for (int b = 0; b < part.size(); b++) {
                int[] s = part.get(b);
                lengths[b] = s.length;
                for (int t = 0; t < s.length; t++) {
                    ids[t * part.size() + b] = s[t];
                }
            }
            try (OnnxTensor tokens = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {steps,
                    part.size()});
                 OnnxTensor lengthTensor = OnnxTensor.createTensor(env, IntBuffer.wrap(lengths),
                         new long[] {part.size()});
                 OrtSession.Result result = session.run(Map.of(OnnxExport.TOKENS, tokens, OnnxExport.LENGTHS,
                         lengthTensor))) {
                float[][] logits = (float[][]) result.get(0).getValue();
                for (int b = 0; b < logits.length; b++) {
                    p[from + b] = 1 / (1 + Math.exp(-logits[b][0]));
                }
            }
        }
        return p;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
