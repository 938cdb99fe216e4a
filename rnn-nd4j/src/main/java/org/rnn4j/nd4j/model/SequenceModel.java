package org.rnn4j.nd4j.model;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Checks;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Model;
import org.rnn4j.api.ParameterLayout;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.CellSpec;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.internal.Backend;
import org.rnn4j.nd4j.internal.Buffers;
import org.rnn4j.nd4j.internal.ReshapeSlots;
import org.rnn4j.nd4j.internal.StepMask;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.DenseLayer;
import org.rnn4j.nd4j.layer.Dropout;
import org.rnn4j.nd4j.layer.DropoutFrame;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.EmbeddingLayer;
import org.rnn4j.nd4j.layer.RecurrentLayer;
import org.rnn4j.nd4j.layer.RecurrentSpec;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.layer.StackedRnnLayer;

/**
 * A recurrent layer (any {@link RecurrentSpec}: a cell, built-in or yours, as a {@link RecurrentLayer}, or a
 * {@link org.rnn4j.nd4j.layer.StackedRnn} of one) followed by an optional dense head, applied at every step or at
 * the last step only:
 * <pre>
 *   input [T, B, I] → recurrent → [T, B, H] → (ALL_STEPS: every step | LAST_STEP: step T-1 → [B, H]) → head
 *   (FINAL_HIDDEN: the top layer's final hidden state per direction, concatenated → [B, D·H]) → head
 *   predictions: ALL_STEPS [T, B, O], LAST_STEP and FINAL_HIDDEN [B, O]   (no head: O = the features' width)
 * </pre>
 * Parameters are named {@code rnn.<name>} and {@code head.<name>} in one flat buffer. The article's network
 * {@code h_t = σ(W_xh·x_t + W_hh·h_{t-1})}, {@code o_t = σ(W_ho·h_t)} is a sigmoid {@code VanillaRnn} without biases
 * and a sigmoid {@link Dense} head without bias, at all steps.
 *
 * With an {@link Embedding} in front, the input is {@code [T, B]} token ids instead of vectors.
 *
 * <p>Optional dropout on the head's input ({@link Builder#headDropout}), in training passes only. Dropout masks (here
 * and between stacked layers) are a function of the seed and the number of training passes so far
 * ({@link #trainingPasses()}), which checkpoints save so that a resumed run continues exactly.
 *
 * <p>Defaults: no embedding, no head, {@link OutputMode#ALL_STEPS}, no head dropout, float32, seed 0.
 */
public final class SequenceModel implements Model {
    /**
     * What feeds the head: every step's output ({@code [T, B, H']}), each sequence's output at its last valid step
     * ({@code [B, H']}), or the final hidden state of the top layer's directions, concatenated ({@code [B, D·H]}, as
     * {@code torch.cat([h_n[-2], h_n[-1]], 1)} in PyTorch). With a bidirectional layer, prefer
     * {@code FINAL_HIDDEN} for one prediction per sequence: at the last step the reverse direction has read one
     * token only, while its final state has read the whole sequence.
     */
    public enum OutputMode { ALL_STEPS, LAST_STEP, FINAL_HIDDEN }

    /** Sequences per pass of {@link #predictVectors} and {@link #predictTokens}. */
    public static final int JAVA_BATCH = 256;
    public static final OutputMode DEFAULT_OUTPUT_MODE = OutputMode.ALL_STEPS;
    public static final DataType DEFAULT_DATA_TYPE = DataType.FLOAT;
    public static final long DEFAULT_SEED = 0;

    private final OutputMode outputMode;
    private final Parameters parameters;
    private final Parameters gradients;
    private final SequenceLayer recurrent;
    private final DenseLayer head;
    private final EmbeddingLayer embedding;
    private final Dropout headDropout;
    private final Config config;
    private long trainingPasses;

    /**
     * Everything that defines the model's structure and initialisation: what {@link org.rnn4j.nd4j.io.ModelArchive}
     * saves as JSON. {@code embedding} and {@code head} may be null; {@code headDropout} 0 means none.
     */
    public record Config(Embedding embedding, RecurrentSpec recurrent, Dense head, OutputMode outputMode,
                         double headDropout, DataType dataType, long seed) {
    }

    private SequenceModel(Builder b) {
        Backend.ensureReady();
        RecurrentSpec rnn = Checks.notNull(b.recurrent, "recurrent");
        Checks.notNull(b.outputMode, "outputMode");
        int features = b.outputMode == OutputMode.FINAL_HIDDEN ? finalHiddenSize(rnn) : rnn.outputSize();
        if (b.head != null && b.head.inputSize() != features) {
            throw new IllegalArgumentException("head must have inputSize " + features + " (what the recurrent "
                    + "layer feeds it in " + b.outputMode + " mode) but has " + b.head.inputSize());
        }
        if (b.embedding != null && b.embedding.dimension() != rnn.inputSize()) {
            throw new IllegalArgumentException("embedding must have dimension " + rnn.inputSize()
                    + " (the recurrent layer's inputSize) but has " + b.embedding.dimension());
        }
        this.outputMode = Checks.notNull(b.outputMode, "outputMode");
        if (!(b.headDropout >= 0 && b.headDropout < 1)) {
            throw new IllegalArgumentException("headDropout must be in [0, 1) but is " + b.headDropout);
        }
        this.headDropout = b.headDropout > 0 ? new Dropout(b.headDropout, b.seed + 1) : null;
        this.config = new Config(b.embedding, rnn, b.head, b.outputMode, b.headDropout, b.dataType, b.seed);
        this.parameters = Parameters.zeros(layoutOf(config), Checks.floatingType(b.dataType, "dataType"));
        this.gradients = parameters.zerosLike();
        SplittableRandom random = new SplittableRandom(b.seed);
        if (b.embedding != null) {
            b.embedding.initialize(parameters.part("embedding"), random);
            this.embedding = b.embedding.create(parameters.part("embedding"), gradients.part("embedding"));
        } else {
            this.embedding = null;
        }
        rnn.initialize(parameters.part("rnn"), random);
        this.recurrent = rnn.create(parameters.part("rnn"), gradients.part("rnn"));
        if (b.head != null) {
            b.head.initialize(parameters.part("head"), random);
            this.head = b.head.create(parameters.part("head"), gradients.part("head"));
        } else {
            this.head = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The names and shapes of the parameters a model of {@code config} has, without building it (what a file
     * reader checks the stored arrays against before any initialisation runs).
     *
     * @throws IllegalArgumentException if a parameter's element count does not fit in a long
     */
    public static ParameterLayout layoutOf(Config config) {
        Checks.notNull(config, "config");
        Checks.notNull(config.recurrent(), "config.recurrent");
        ParameterLayout.Builder layout = ParameterLayout.builder();
        if (config.embedding() != null) {
            layout.add("embedding", config.embedding().layout());
        }
        layout.add("rnn", config.recurrent().layout());
        if (config.head() != null) {
            layout.add("head", config.head().layout());
        }
        return layout.build();
    }

    /**
     * Whether the {@link OutputMode#LAST_STEP} features are the top layer's final hidden state: for the built-in
     * cells (whose output is their hidden state; a user's cell may output something else of the same width) with one
     * direction (with two, the reverse direction's output at the last step is its first step, not its final state).
     */
    private boolean lastStepIsFinalState() {
        RecurrentSpec spec = config.recurrent();
        return outputMode == OutputMode.LAST_STEP && finalHiddenParts().length == 1
                && (spec instanceof RecurrentLayer layer && layer.cell() instanceof RecurrentCellSpec
                || spec instanceof StackedRnn stack && stack.cell() instanceof RecurrentCellSpec);
    }

    /** Directions × hidden size of the top layer: the width of {@link OutputMode#FINAL_HIDDEN} features. */
    private static int finalHiddenSize(RecurrentSpec spec) {
        return spec instanceof StackedRnn s ? s.directions() * s.cell().hiddenSize()
                : spec instanceof RecurrentLayer layer ? layer.cell().hiddenSize() : spec.outputSize();
    }

    /** Indices into the recurrent state of the top layer's hidden state, one per direction. */
    private int[] finalHiddenParts() {
        if (recurrent instanceof StackedRnnLayer s) {
            int directions = s.spec().directions();
            int arity = s.spec().cell().stateArity();
            int[] parts = new int[directions];
            for (int d = 0; d < directions; d++) {
                parts[d] = ((s.spec().layers() - 1) * directions + d) * arity;
            }
            return parts;
        }
        return new int[] {0};
    }

    /** A builder holding {@code config}: {@code builder(model.config()).build()} is an untrained twin. */
    public static Builder builder(Config config) {
        Checks.notNull(config, "config");
        return new Builder().embedding(config.embedding()).recurrent(config.recurrent()).head(config.head())
                .outputMode(config.outputMode()).headDropout(config.headDropout()).dataType(config.dataType())
                .seed(config.seed());
    }

    public Config config() {
        return config;
    }

    /** Training passes run so far: with the seed, what the dropout masks of the next pass depend on. */
    public long trainingPasses() {
        return trainingPasses;
    }

    /** Continues the dropout streams from pass {@code passes} (a checkpoint's {@link #trainingPasses()}). */
    public void setTrainingPasses(long passes) {
        if (passes < 0) {
            throw new IllegalArgumentException("passes must be >= 0 but is " + passes);
        }
        this.trainingPasses = passes;
    }

    @Override
    public INDArray predict(INDArray input, int[] lengths) {
        return run(input, lengths, null, false).predictions;
    }

    /**
     * Inference over plain Java data: {@code sequences} of feature vectors ({@code [steps][inputSize]} each, of any
     * lengths), padded and batched inside ({@value #JAVA_BATCH} at a time). Returns one row of predictions per
     * sequence ({@code [sequences][outputs]}), as {@link #predict} gives for {@link OutputMode#LAST_STEP} and
     * {@link OutputMode#FINAL_HIDDEN}; each row equals a {@code predict} of that sequence alone to float rounding.
     * For a classifier whose head outputs logits, {@link Probabilities#of} turns the rows into probabilities. The
     * pass's temporaries live in a per-thread ND4J workspace reused by the thread's next call: a server calling this
     * on sequences of changing lengths keeps its native memory flat (each calling thread keeps one workspace, as
     * large as its largest pass).
     *
     * @throws IllegalArgumentException naming the sequence and step of a bad input (inference changes no state; a bad
     *                                  sequence costs only the batches before its own)
     * @throws IllegalStateException    if the model takes token ids or predicts every step
     */
    public float[][] predictVectors(List<float[][]> sequences) {
        if (embedding != null) {
            throw new IllegalStateException("this model takes token ids (it has an embedding): use predictTokens");
        }
        int inputSize = recurrent.inputSize();
        return predictInBatches(sequences, (from, to) -> PaddedBatch.ofVectors(sequences, from, to, inputSize,
                dataType()));
    }

    /**
     * {@link #predictVectors} for a model with an embedding: {@code sequences} of token ids, each in
     * {@code [0, vocabularySize)}.
     */
    public float[][] predictTokens(List<int[]> sequences) {
        if (embedding == null) {
            throw new IllegalStateException("this model takes feature vectors (it has no embedding): use "
                    + "predictVectors");
        }
        Embedding e = embedding.spec();
        return predictInBatches(sequences, (from, to) -> PaddedBatch.ofTokens(sequences, from, to,
                e.vocabularySize(), e.paddingId(), dataType()));
    }

    /**
     * Where a pass of {@link #predictInBatches} allocates its temporaries: a per-thread workspace that the next pass
     * reuses (grown when a pass needs more), so that a server's passes of changing shapes leave no native memory
     * waiting for the collector. The engine's own buffers live outside it ({@link Buffers#persistent}).
     */
    private static final WorkspaceConfiguration PREDICT_WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.25).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.OVER_TIME).cyclesBeforeInitialization(1)
            .policySpill(SpillPolicy.REALLOCATE).build();
    private static final String PREDICT_WORKSPACE_ID = "rnn4j-predict";

    private interface BatchMaker {
        PaddedBatch make(int from, int to);
    }

    private float[][] predictInBatches(List<?> sequences, BatchMaker batches) {
        Checks.notNull(sequences, "sequences");
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("sequences must not be empty");
        }
        if (outputMode == OutputMode.ALL_STEPS) {
            throw new IllegalStateException("this model predicts every step (OutputMode.ALL_STEPS); predictVectors "
                    + "and predictTokens return one row per sequence: use predict(input, lengths)");
        }
        float[][] rows = new float[sequences.size()][];
        int row = 0;
        for (int from = 0; from < sequences.size(); from += JAVA_BATCH) { // one padded batch alive at a time
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(PREDICT_WORKSPACE,
                    PREDICT_WORKSPACE_ID)) {
                PaddedBatch b = batches.make(from, Math.min(sequences.size(), from + JAVA_BATCH));
                INDArray predictions = predict(b.input(), b.lengths());
                float[][] part = predictions.castTo(DataType.FLOAT).toFloatMatrix();
                System.arraycopy(part, 0, rows, row, part.length);
                row += part.length;
            }
        }
        return rows;
    }

    /** Inference from {@code initial} (null: zeros); returns the state after the last valid steps. */
    public State advance(INDArray input, int[] lengths, State initial) {
        return recurrent.finalState(embedding == null ? input : embedding.forward(input), lengths, initial);
    }

    /**
     * With {@code lengths}, padded steps do not count: in {@link OutputMode#ALL_STEPS} their predictions are zero and
     * the loss gets a mask that leaves them out (a mean divides by the valid steps only). In
     * {@link OutputMode#LAST_STEP} each sequence's own last valid step is used.
     */
    @Override
    public double computeGradients(INDArray input, int[] lengths, INDArray targets, Loss loss) {
        return train(input, lengths, targets, loss, null, false, null).loss();
    }

    /**
     * A training pass over some sequences of a larger batch (one worker's share of a data-parallel step): as
     * {@link #computeGradients(INDArray, int[], INDArray, Loss)}, with the dropout masks of those rows of the larger
     * batch ({@link DropoutFrame}), so that the shares' gradients add up to the larger batch's.
     */
    public double computeGradients(INDArray input, int[] lengths, INDArray targets, Loss loss, DropoutFrame frame) {
        Checks.notNull(frame, "frame");
        Checks.notNull(input, "input");
        frame.check(input.size(0), input.rank() > 1 ? input.size(1) : -1);
        return train(input, lengths, targets, loss, null, false, frame).loss();
    }

    /** The loss of a training pass and the recurrent state after it (a copy, carrying no gradient). */
    public record Step(double loss, State finalState) {
    }

    /**
     * A training pass that starts from {@code initial} (null: zeros) and returns the final state with the loss:
     * the building block of truncated backpropagation through time ({@link TruncatedBptt}). No gradient flows into
     * {@code initial}.
     */
    public Step computeGradients(INDArray input, int[] lengths, INDArray targets, Loss loss, State initial) {
        return train(input, lengths, targets, loss, initial, true, null);
    }

    /**
     * A training pass. Once the shapes repeat, it creates no native object in the common case (no embedding, mask,
     * dropout or padding; a built-in loss; see {@code NativeAllocationTest}): its arrays are the layers' and this
     * model's buffers ({@link #trainingBuffers}), reused from the previous pass.
     */
    private Step train(INDArray input, int[] lengths, INDArray targets, Loss loss, State initial,
                       boolean keepFinalState, DropoutFrame frame) {
        Checks.notNull(loss, "loss");
        Checks.notNull(targets, "targets");
        long passIndex = trainingPasses; // counted once the pass is past its checks: a rejected call changes nothing
        if (recurrent instanceof StackedRnnLayer stacked) {
            stacked.startTrainingPass(passIndex, frame);
        }
        if (headDropout != null) {
            headDropout.startPass(passIndex, frame);
        }
        Pass pass = run(input, lengths, initial, true);
        State finalState = keepFinalState ? pass.trace.finalState().dup() : null;
        TrainingBuffers buffers = trainingBuffers(pass.predictions);
        double lossValue = loss.computeInto(pass.predictions, targets, pass.stepMask, buffers.dPredictions);
        trainingPasses = passIndex + 1;
        Buffers.zero(gradients.flat());

        INDArray dPredictions = buffers.dPredictions;
        INDArray dFeatures = head == null ? dPredictions : head.backward(pass.headInput, pass.out2d,
                trainingViews.reshape(0, dPredictions, pass.out2d.shape()));
        if (pass.headMask != null) {
            dFeatures = dFeatures.reshape('c', pass.headMask.shape()).mul(pass.headMask);
        }
        long steps = input.size(0);
        long batch = input.size(1);
        INDArray dOutputs;
        State dFinal = null;
        if (outputMode == OutputMode.ALL_STEPS) {
            dOutputs = trainingViews.reshape(1, dFeatures, steps, batch, recurrent.outputSize());
        } else if (outputMode == OutputMode.FINAL_HIDDEN || lastStepIsFinalState()) {
            // no [T, B, H] gradient of zeros: the layers take the gradient at each sequence's last valid step as
            // their final-state gradient, which saves the layers a pass over T·B·H zeros
            dOutputs = null;
            INDArray[] parts = new INDArray[recurrent.stateArity()];
            long hidden = recurrent.hiddenSize();
            int[] selected = finalHiddenParts();
            for (int i = 0; i < selected.length; i++) {
                parts[selected[i]] = selected.length == 1 ? dFeatures : dFeatures.get(NDArrayIndex.all(),
                        NDArrayIndex.interval(i * hidden, (i + 1) * hidden)).dup('c');
            }
            for (int p = 0; p < parts.length; p++) {
                if (parts[p] == null) {
                    parts[p] = buffers.zeroState(batch, hidden);
                }
            }
            dFinal = State.of(parts);
        } else {
            dOutputs = Nd4j.zeros(dataType(), steps * batch, recurrent.outputSize());
            if (lengths == null) { // every sequence ends at step T-1: its rows are one contiguous block
                dOutputs.get(NDArrayIndex.interval((steps - 1) * batch, steps * batch), NDArrayIndex.all())
                        .assign(dFeatures);
            } else {
                int[] rows = lastRows(lengths, steps, batch);
                for (int b = 0; b < batch; b++) { // distinct rows: one scatter per sequence
                    dOutputs.getRow(rows[b]).assign(dFeatures.getRow(b));
                }
            }
            dOutputs = dOutputs.reshape('c', steps, batch, recurrent.outputSize());
        }
        if (embedding != null) {
            embedding.backward(input, recurrent.backward(pass.trace, dOutputs, dFinal).inputGradients());
        } else { // raw features need no gradient
            recurrent.backwardParameters(pass.trace, dOutputs, dFinal);
        }
        return new Step(lossValue, finalState);
    }

    /** The arrays of training passes with predictions of one shape, kept while the shape repeats. */
    private TrainingBuffers trainingBuffers(INDArray predictions) {
        if (training == null || !Arrays.equals(training.dPredictions.shape(), predictions.shape())) {
            training = new TrainingBuffers(Buffers.persistent(dataType(), false, 'c', predictions.shape()));
        }
        return training;
    }

    private TrainingBuffers training;
    /** Views that training passes (one thread) reshape from the same buffers each time. */
    private final ReshapeSlots trainingViews = new ReshapeSlots(4);

    private final class TrainingBuffers {
        /** The loss gradient. */
        final INDArray dPredictions;
        /** A zero state part: the final-state gradient of the parts the loss does not reach (read only). */
        private INDArray zeroState;

        TrainingBuffers(INDArray dPredictions) {
            this.dPredictions = dPredictions;
        }

        INDArray zeroState(long batch, long hidden) {
            if (zeroState == null || zeroState.size(0) != batch || zeroState.size(1) != hidden) {
                zeroState = Buffers.persistent(dataType(), true, 'c', batch, hidden);
            }
            return zeroState;
        }
    }

    private Pass run(INDArray input, int[] lengths, State initial, boolean training) {
        INDArray features = embedding == null ? input : embedding.forward(input);
        if (!training && (outputMode == OutputMode.FINAL_HIDDEN || lastStepIsFinalState())) {
            // the head reads only the final state: the layer need not copy out every step's outputs
            INDArray headInput = finalHidden(recurrent.finalState(features, lengths, initial));
            INDArray out2d = head == null ? headInput : head.forward(headInput, false);
            return new Pass(null, headInput, null, out2d, out2d, null);
        }
        SequenceLayer.Trace trace = recurrent.forward(features, lengths, initial, training);
        INDArray outputs = trace.outputs();
        long steps = outputs.size(0);
        long batch = outputs.size(1);
        INDArray headInput = switch (outputMode) {
            case ALL_STEPS -> training ? trainingViews.reshape(2, outputs, steps * batch, recurrent.outputSize())
                    : outputs.reshape('c', steps * batch, recurrent.outputSize());
            // each sequence's last valid output is its final hidden state: no gather
            case LAST_STEP -> lastStepIsFinalState() ? finalHidden(trace.finalState()) : Nd4j.pullRows(
                    outputs.reshape('c', steps * batch, recurrent.outputSize()), 1, lastRows(lengths, steps, batch),
                    'c');
            case FINAL_HIDDEN -> finalHidden(trace.finalState());
        };
        INDArray headMask = null;
        if (training && headDropout != null) {
            headMask = headDropout.mask(headInput.shape(), dataType());
            headInput = headInput.mul(headMask);
        }
        INDArray out2d = head == null ? headInput : head.forward(headInput, training);
        INDArray predictions = outputMode == OutputMode.ALL_STEPS
                ? (training ? trainingViews.reshape(3, out2d, steps, batch, out2d.size(1))
                        : out2d.reshape('c', steps, batch, out2d.size(1))) : out2d;
        INDArray stepMask = null;
        if (outputMode == OutputMode.ALL_STEPS && lengths != null) {
            stepMask = StepMask.of(lengths, steps, batch, dataType());
            predictions = predictions.mul(stepMask.reshape(steps, batch, 1).broadcast(predictions.shape()));
        }
        return new Pass(trace, headInput, headMask, out2d, predictions, stepMask);
    }

    private INDArray finalHidden(State state) {
        int[] parts = finalHiddenParts();
        if (parts.length == 1) {
            return state.get(parts[0]);
        }
        INDArray[] hs = new INDArray[parts.length];
        for (int i = 0; i < parts.length; i++) {
            hs[i] = state.get(parts[i]);
        }
        return Nd4j.hstack(hs);
    }

    /** Row {@code (len_b - 1) * B + b} of the {@code [T*B, H]} outputs: each sequence's last valid step. */
    private static int[] lastRows(int[] lengths, long steps, long batch) {
        int[] rows = new int[Math.toIntExact(batch)];
        for (int b = 0; b < batch; b++) {
            long last = (lengths == null ? steps : lengths[b]) - 1;
            rows[b] = Math.toIntExact(last * batch + b);
        }
        return rows;
    }

    /** One pass; {@code trace} is null for an inference pass whose head reads only the final state. */
    private record Pass(SequenceLayer.Trace trace, INDArray headInput, INDArray headMask, INDArray out2d,
                        INDArray predictions, INDArray stepMask) {
    }

    /** The recurrent layer (parameters under {@code rnn.}). */
    public SequenceLayer recurrent() {
        return recurrent;
    }

    /** The embedding, or {@code null} (parameters under {@code embedding.}); with one, inputs are token ids. */
    public EmbeddingLayer embedding() {
        return embedding;
    }

    /** The head, or {@code null} (parameters under {@code head.}). */
    public DenseLayer head() {
        return head;
    }

    public OutputMode outputMode() {
        return outputMode;
    }

    @Override
    public DataType dataType() {
        return parameters.dataType();
    }

    @Override
    public Parameters parameters() {
        return parameters;
    }

    @Override
    public Parameters gradients() {
        return gradients;
    }

    /**
     * Required: {@link #recurrent}. Optional: {@link #embedding}, {@link #head}, {@link #outputMode},
     * {@link #headDropout}, {@link #dataType}, {@link #seed}.
     */
    public static final class Builder {
        private RecurrentSpec recurrent;
        private Dense head;
        private Embedding embedding;
        private OutputMode outputMode = DEFAULT_OUTPUT_MODE;
        private DataType dataType = DEFAULT_DATA_TYPE;
        private long seed = DEFAULT_SEED;
        private double headDropout;

        public Builder recurrent(RecurrentSpec recurrent) {
            this.recurrent = recurrent;
            return this;
        }

        /** One layer of {@code cell} (built-in or yours): {@code recurrent(RecurrentLayer.of(cell))}. */
        public Builder recurrent(CellSpec cell) {
            this.recurrent = RecurrentLayer.of(Checks.notNull(cell, "recurrent"));
            return this;
        }

        /** Token ids in: the model's input becomes {@code [T, B]} ids, looked up before the recurrent layer. */
        public Builder embedding(Embedding embedding) {
            this.embedding = embedding;
            return this;
        }

        public Builder head(Dense head) {
            this.head = head;
            return this;
        }

        public Builder outputMode(OutputMode outputMode) {
            this.outputMode = outputMode;
            return this;
        }

        /**
         * Dropout with probability {@code p} on what feeds the head (the recurrent outputs), in training passes only;
         * with no head, on the predictions themselves.
         */
        public Builder headDropout(double p) {
            this.headDropout = p;
            return this;
        }

        public Builder dataType(DataType dataType) {
            this.dataType = dataType;
            return this;
        }

        /** Seed of the parameter initialisation. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public SequenceModel build() {
            return new SequenceModel(this);
        }
    }
}
