package org.rnn4j.nd4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Activation;
import org.rnn4j.api.Cell;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.internal.Backend;
import org.rnn4j.nd4j.internal.Inputs;
import org.rnn4j.nd4j.internal.StepMask;
import org.rnn4j.nd4j.layer.Attention;
import org.rnn4j.nd4j.layer.AttentionLayer;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.DenseLayer;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.EmbeddingLayer;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.loss.SoftmaxCrossEntropy;

/**
 * A sequence-to-sequence model with attention: an encoder reads the source tokens, a decoder writes the target
 * tokens one step at a time, attending over the encoder's outputs. All parameters live in one flat buffer.
 * <pre>
 *   keys [S, B, Hk]  = encoder(source_embedding(source))                 Hk = directions · encoder hidden
 *   s_0              = (tanh(bridge([h_fwd ; h_rev] of the top layer)), 0 for an LSTM's cell)
 *   x_t              = [target_embedding(y_{t-1}) ; context_{t-1}]       y_{-1} = BOS, context_{-1} = 0 (input feeding)
 *   s_t              = decoder(s_{t-1}, x_t)                             a GRU or LSTM cell of hidden Hd
 *   context_t, α_t   = attention(h_t, keys, source lengths)              (Luong: the current state attends)
 *   logits_t [B, V]  = output([h_t ; context_t])
 * </pre>
 * Training is teacher-forced: {@link #computeGradients} runs the decoder on the true previous tokens and returns the
 * softmax cross-entropy of every valid target step (mean over them; padding steps count for nothing).
 */
public final class EncoderDecoder {
    /** The structure: what defines the parameters and their initialisation. */
    public record Config(Embedding sourceEmbedding, StackedRnn encoder, Embedding targetEmbedding,
                         RecurrentCellSpec decoder, Attention attention, DataType dataType, long seed) {
        public Config {
            Checks.notNull(sourceEmbedding, "sourceEmbedding");
            Checks.notNull(encoder, "encoder");
            Checks.notNull(targetEmbedding, "targetEmbedding");
            Checks.notNull(decoder, "decoder");
            Checks.notNull(attention, "attention");
            Checks.notNull(dataType, "dataType");
            if (encoder.merge() != StackedRnn.Merge.CONCAT) {
                throw new IllegalArgumentException("encoder must concatenate its directions (Merge.CONCAT)");
            }
            if (!(decoder instanceof Gru || decoder instanceof Lstm)) {
                throw new IllegalArgumentException("decoder must be a Gru or an Lstm but is "
                        + decoder.getClass().getSimpleName());
            }
            if (sourceEmbedding.dimension() != encoder.inputSize()) {
                throw new IllegalArgumentException("encoder must have inputSize " + sourceEmbedding.dimension()
                        + " (the source embedding's dimension) but has " + encoder.inputSize());
            }
            int keys = encoder.outputSize();
            if (decoder.inputSize() != targetEmbedding.dimension() + keys) {
                throw new IllegalArgumentException("decoder must have inputSize " + (targetEmbedding.dimension()
                        + keys) + " (target embedding " + targetEmbedding.dimension() + " + context " + keys
                        + ") but has " + decoder.inputSize());
            }
            if (attention.querySize() != decoder.hiddenSize() || attention.keySize() != keys) {
                throw new IllegalArgumentException("attention must have querySize " + decoder.hiddenSize()
                        + " and keySize " + keys + " but has " + attention.querySize() + " and "
                        + attention.keySize());
            }
        }

        public int targetVocabularySize() {
            return targetEmbedding.vocabularySize();
        }

        int keySize() {
            return encoder.outputSize();
        }

        int finalHiddenSize() {
            return encoder.directions() * encoder.cell().hiddenSize();
        }

        Dense bridge() {
            return Dense.builder(finalHiddenSize(), decoder.hiddenSize()).activation(Activation.TANH).build();
        }

        Dense output() {
            return Dense.builder(decoder.hiddenSize() + keySize(), targetVocabularySize()).build();
        }

        public ParameterLayout layout() {
            return ParameterLayout.builder().add("source_embedding", sourceEmbedding.layout())
                    .add("encoder", encoder.layout()).add("target_embedding", targetEmbedding.layout())
                    .add("bridge", bridge().layout()).add("decoder", decoder.layout())
                    .add("attention", attention.layout()).add("output", output().layout()).build();
        }
    }

    private final Config config;
    private final Parameters parameters;
    private final Parameters gradients;
    final EmbeddingLayer sourceEmbedding;
    final SequenceLayer encoder;
    final EmbeddingLayer targetEmbedding;
    final DenseLayer bridge;
    final Cell decoder;
    final AttentionLayer attention;
    final DenseLayer output;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();

    public EncoderDecoder(Config config) {
        Backend.ensureReady();
        this.config = Checks.notNull(config, "config");
        ParameterLayout layout = config.layout();
        this.parameters = Parameters.zeros(layout, config.dataType());
        this.gradients = Parameters.zeros(layout, config.dataType());
        SplittableRandom random = new SplittableRandom(config.seed());
        config.sourceEmbedding().initialize(parameters.part("source_embedding"), random);
        config.encoder().initialize(parameters.part("encoder"), random);
        config.targetEmbedding().initialize(parameters.part("target_embedding"), random);
        config.bridge().initialize(parameters.part("bridge"), random);
        config.decoder().initialize(parameters.part("decoder"), random);
        config.attention().initialize(parameters.part("attention"), random);
        config.output().initialize(parameters.part("output"), random);
        sourceEmbedding = config.sourceEmbedding().create(parameters.part("source_embedding"),
                gradients.part("source_embedding"));
        encoder = config.encoder().create(parameters.part("encoder"), gradients.part("encoder"));
        targetEmbedding = config.targetEmbedding().create(parameters.part("target_embedding"),
                gradients.part("target_embedding"));
        bridge = config.bridge().create(parameters.part("bridge"), gradients.part("bridge"));
        decoder = config.decoder().createCell(parameters.part("decoder"), gradients.part("decoder"));
        attention = config.attention().create(parameters.part("attention"), gradients.part("attention"));
        output = config.output().create(parameters.part("output"), gradients.part("output"));
    }

    public Config config() {
        return config;
    }

    public Parameters parameters() {
        return parameters;
    }

    public Parameters gradients() {
        return gradients;
    }

    public DataType dataType() {
        return config.dataType();
    }

    /** The encoder's pass over a padded source batch: the keys, the decoder's first state, and what backward needs. */
    final class Encoded {
        final INDArray source;
        final SequenceLayer.Trace trace;
        final INDArray keys;
        final INDArray finalHidden;
        final INDArray bridged;
        /** The keys checked and prepared once for every decoder step's attention. */
        final AttentionLayer.Keys attentionKeys;

        Encoded(INDArray source, int[] lengths, boolean training) {
            this.source = source;
            this.trace = encoder.forward(sourceEmbedding.forward(source), lengths, null, training);
            this.keys = trace.outputs();
            StackedRnn spec = config.encoder();
            int arity = spec.cell().stateArity();
            INDArray[] tops = new INDArray[spec.directions()];
            for (int d = 0; d < tops.length; d++) {
                tops[d] = trace.finalState().get(((spec.layers() - 1) * spec.directions() + d) * arity);
            }
            this.finalHidden = tops.length == 1 ? tops[0].dup() : Nd4j.hstack(tops);
            this.bridged = bridge.forward(finalHidden);
            this.attentionKeys = attention.keys(keys, lengths);
        }

        /** The decoder's state before the first step: the bridged hidden state (and a zero LSTM cell). */
        State initialState() {
            return config.decoder() instanceof Lstm
                    ? State.of(bridged.dup(), Nd4j.zeros(dataType(), bridged.size(0), bridged.size(1)))
                    : State.of(bridged.dup());
        }
    }

    Encoded encode(INDArray source, int[] lengths, boolean training) {
        return new Encoded(source, lengths, training);
    }

    /** One decoder step, forward: the new state, the attention pass, the features the output layer reads. */
    record DecoderStep(Cell.Step cell, AttentionLayer.Pass attention, INDArray features) {
    }

    /** A step from the previous tokens ({@code [B]}): what decoding does, one step's tokens at a time. */
    DecoderStep step(State state, INDArray previousTokens, INDArray previousContext, Encoded encoded) {
        INDArray embedded = targetEmbedding.forward(previousTokens.reshape(1, previousTokens.length()));
        return stepEmbedded(state, embedded.reshape(previousTokens.length(), config.targetEmbedding().dimension()),
                previousContext, encoded);
    }

    /** A step from the previous tokens' embeddings ({@code [B, E]}). */
    private DecoderStep stepEmbedded(State state, INDArray embedded, INDArray previousContext, Encoded encoded) {
        Cell.Step cell = decoder.forward(state, Nd4j.hstack(embedded, previousContext));
        INDArray h = cell.next().hidden();
        AttentionLayer.Pass pass = attention.forward(h, encoded.attentionKeys);
        return new DecoderStep(cell, pass, Nd4j.hstack(h, pass.context()));
    }

    /**
     * Teacher-forced loss and gradients: {@link #gradients()} is overwritten with this batch's (as
     * {@link org.rnn4j.api.Model#computeGradients} does).
     *
     * @param source        source token ids {@code [S, B]}
     * @param sourceLengths each source sequence's length in {@code 1..S}
     * @param target        target token ids {@code [T, B]} (what the decoder must write, usually ending with EOS)
     * @param targetLengths each target sequence's length in {@code 1..T}; later steps do not count
     * @param bos           the token the decoder reads before its first step
     * @return the mean cross-entropy over the valid target steps
     */
    public double computeGradients(INDArray source, int[] sourceLengths, INDArray target, int[] targetLengths,
                                   int bos) {
        TeacherForced pass = teacherForced(source, sourceLengths, target, targetLengths, bos, true);
        Loss.Value value = loss.compute(pass.logits, target, pass.mask);
        gradients.flat().assign(0); // the layers' backward passes add into it
        backward(pass, value.gradient());
        return value.loss();
    }

    /** The teacher-forced loss without gradients. */
    public double loss(INDArray source, int[] sourceLengths, INDArray target, int[] targetLengths, int bos) {
        TeacherForced pass = teacherForced(source, sourceLengths, target, targetLengths, bos, false);
        return loss.compute(pass.logits, target, pass.mask).loss();
    }

    /** A teacher-forced pass: the encoder's, each decoder step's, the logits {@code [T, B, V]} and the loss mask. */
    private record TeacherForced(Encoded encoded, INDArray decoderInputs, List<DecoderStep> steps, INDArray features,
                                 INDArray logits, INDArray mask) {
    }

    private TeacherForced teacherForced(INDArray source, int[] sourceLengths, INDArray target, int[] targetLengths,
                                        int bos, boolean training) {
        Checks.shape(target, "target", "[target steps, batch]", Checks.ANY, Checks.ANY);
        long steps = target.size(0);
        long batch = target.size(1);
        Checks.shape(source, "source", "[source steps, batch]", Checks.ANY, batch);
        Checks.notNull(targetLengths, "targetLengths");
        Inputs.lengths(targetLengths, steps, batch);
        if (bos < 0 || bos >= config.targetVocabularySize()) {
            throw new IllegalArgumentException("bos must be a target token id in [0, " + config.targetVocabularySize()
                    + ") but is " + bos);
        }
        targetEmbedding.ids(target); // every target id checked before any work
        Encoded encoded = encode(source, sourceLengths, training);
        INDArray inputs = Nd4j.zeros(target.dataType(), steps, batch);
        inputs.getRow(0).assign(bos);
        if (steps > 1) {
            inputs.get(NDArrayIndex.interval(1, steps), NDArrayIndex.all())
                    .assign(target.get(NDArrayIndex.interval(0, steps - 1), NDArrayIndex.all()));
        }
        INDArray embedded = targetEmbedding.forward(inputs);                    // [T, B, E]: one gather, not T
        List<DecoderStep> decoded = new ArrayList<>();
        State state = encoded.initialState();
        INDArray context = Nd4j.zeros(dataType(), batch, config.keySize());
        INDArray[] features = new INDArray[Math.toIntExact(steps)];
        for (int t = 0; t < steps; t++) {
            DecoderStep s = stepEmbedded(state, embedded.get(NDArrayIndex.point(t), NDArrayIndex.all(),
                    NDArrayIndex.all()), context, encoded);
            decoded.add(s);
            state = s.cell().next();
            context = s.attention().context();
            features[t] = s.features();
        }
        INDArray stacked = Nd4j.vstack(features);                               // [T*B, Hd + Hk]
        INDArray logits = output.forward(stacked).reshape('c', steps, batch, config.targetVocabularySize());
        INDArray mask = StepMask.of(targetLengths, steps, batch, dataType());
        return new TeacherForced(encoded, inputs, decoded, stacked, logits, mask);
    }

    private void backward(TeacherForced pass, INDArray logitGradients) {
        long steps = pass.logits.size(0);
        long batch = pass.logits.size(1);
        int hd = config.decoder().hiddenSize();
        int hk = config.keySize();
        int et = config.targetEmbedding().dimension();
        INDArray y = pass.logits.reshape('c', steps * batch, config.targetVocabularySize());
        INDArray dFeatures = output.backward(pass.features, y,
                logitGradients.reshape('c', steps * batch, config.targetVocabularySize()));
        INDArray dKeys = Nd4j.zeros(dataType(), pass.encoded.keys.shape());
        INDArray dEmbedded = Nd4j.zeros(dataType(), steps, batch, et);
        INDArray dContextFed = null;
        State dState = null;
        for (int t = Math.toIntExact(steps) - 1; t >= 0; t--) {
            DecoderStep s = pass.steps.get(t);
            INDArray dFeature = dFeatures.get(NDArrayIndex.interval(t * batch, (t + 1) * batch), NDArrayIndex.all());
            INDArray dh = dFeature.get(NDArrayIndex.all(), NDArrayIndex.interval(0, hd)).dup();
            INDArray dContext = dFeature.get(NDArrayIndex.all(), NDArrayIndex.interval(hd, hd + hk)).dup();
            if (dContextFed != null) {
                dContext.addi(dContextFed);
            }
            AttentionLayer.Gradient a = attention.backward(s.attention(), dContext, null);
            dh.addi(a.queryGradient());
            dKeys.addi(a.keyGradients());
            Cell.StepGradient c = decoder.backward(s.cell(), dh, dState);
            dState = c.previousStateGradient();
            INDArray dx = c.inputGradient();
            dEmbedded.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(dx.get(NDArrayIndex.all(), NDArrayIndex.interval(0, et)));
            dContextFed = dx.get(NDArrayIndex.all(), NDArrayIndex.interval(et, et + hk)).dup();
        }
        targetEmbedding.backward(pass.decoderInputs, dEmbedded);
        INDArray dFinal = bridge.backward(pass.encoded.finalHidden, pass.encoded.bridged, dState.hidden());
        StackedRnn spec = config.encoder();
        int arity = spec.cell().stateArity();
        int he = spec.cell().hiddenSize();
        INDArray[] parts = new INDArray[spec.layers() * spec.directions() * arity];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = Nd4j.zeros(dataType(), batch, he);
        }
        for (int d = 0; d < spec.directions(); d++) {
            parts[((spec.layers() - 1) * spec.directions() + d) * arity] = dFinal.get(NDArrayIndex.all(),
                    NDArrayIndex.interval((long) d * he, (long) (d + 1) * he)).dup();
        }
        INDArray dSource = encoder.backward(pass.encoded.trace, dKeys, State.of(parts)).inputGradients();
        sourceEmbedding.backward(pass.encoded.source, dSource);
    }
}
