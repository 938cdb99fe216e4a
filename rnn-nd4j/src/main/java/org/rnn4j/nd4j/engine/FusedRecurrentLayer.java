package org.rnn4j.nd4j.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.internal.Buffers;
import org.rnn4j.nd4j.internal.HostArray;
import org.rnn4j.nd4j.internal.Inputs;
import org.rnn4j.nd4j.internal.MatrixViews;
import org.rnn4j.nd4j.internal.ParameterOwner;
import org.rnn4j.nd4j.internal.PartitionRunner;
import org.rnn4j.nd4j.internal.ReusedGemm;
import org.rnn4j.nd4j.internal.Stepper;
import org.rnn4j.nd4j.internal.VectorSupport;

/**
 * The fused sequence kernel of the RNN, LSTM and GRU cells: the same equations as their reference cells, arranged
 * so that the matrix products are few and large.
 * <ul>
 *   <li>Forward: the input projection of all {@code T} steps is one GEMM into the {@code [T*B, G*H]} gate buffer
 *       (biases added once); each step adds {@code h_{t-1}·W_hhᵀ} for all gates with one GEMM ({@code beta = 1},
 *       into the step's rows), then the cell's elementwise step ({@link StepKernel}) writes {@code h_t} (and
 *       {@code c_t}) into the state buffers, where the next step reads them. The LSTM on the Vector API path
 *       ({@link JoinedLstmSteps}) instead makes each step one product over {@code [x_t, h_{t-1}]} with
 *       {@code [W_ih | W_hh]}, with no projection stage and no gate buffer to go through.</li>
 *   <li>Backward: the activation derivatives come from the cached gates in a few calls; each step runs the
 *       elementwise backward and one GEMM that pushes {@code dL/dgates} into {@code dL/dh_{t-1}}; then each weight
 *       gradient of the whole sequence is one GEMM, and {@code dL/dx} is one GEMM.</li>
 *   <li>Variable lengths: the batch is sorted by decreasing length ({@link BatchOrder}), so each step touches only
 *       the leading rows of running sequences; padded steps are never computed and get no gradient.</li>
 *   <li>Threads (CPU host kernels only): the hidden units are split into partitions ({@link FusedBuffers}), each
 *       computed by its own thread with its share of the weights ({@link PartitionRunner}); the threads meet after
 *       every step. The result does not depend on the partition count beyond float rounding of the sums. A pass
 *       that keeps no trace ({@link #finalState}) of a joined LSTM splits the batch instead, when each thread gets
 *       at least {@link JoinedLstmSteps#MIN_GROUP_ROWS} rows: sequences are independent, so those threads never
 *       meet (and give the same bits as the split by units).</li>
 * </ul>
 * Nothing of the forward pass is recomputed in the backward pass.
 */
public final class FusedRecurrentLayer extends ParameterOwner implements SequenceLayer {
    private final RecurrentCellSpec spec;
    private final StepKernel kernel;
    private final boolean hostKernels;
    private final boolean gru;
    private final boolean lstm;
    /** Hidden-unit partitions of every pass (1 for the INDArray kernels). */
    private final int partitions;
    /** Whether partitions may run in parallel threads (false: one after the other in the calling thread). */
    private final boolean parallel;
    private final FusedProducts products;
    /** The buffers of the last training pass, reused by the next one of the same shape. */
    private FusedBuffers trainingBuffers;
    /**
     * Each thread's buffers of its last inference pass, reused by its next pass of the same shape: allocating and
     * first touching them costs more than the pass's arithmetic at small shapes. Inference traces copy
     * their outputs and final state out, so only backward on an inference trace is bound to the pass.
     */
    private final ThreadLocal<FusedBuffers> inferenceBuffers = new ThreadLocal<>();

    public FusedRecurrentLayer(RecurrentCellSpec spec, Parameters parameters, Parameters gradients) {
        this(spec, parameters, gradients, HostArray.available());
    }

    /** With {@code hostKernels} false, the elementwise step work runs as INDArray operations on any backend. */
    FusedRecurrentLayer(RecurrentCellSpec spec, Parameters parameters, Parameters gradients, boolean hostKernels) {
        this(spec, parameters, gradients, hostKernels,
                hostKernels ? PartitionRunner.partitions(spec.hiddenSize()) : 1, true);
    }

    /** Every constructor ends here: the partition count (any divisor of the hidden size) and the parallelism. */
    FusedRecurrentLayer(RecurrentCellSpec spec, Parameters parameters, Parameters gradients, boolean hostKernels,
                        int partitions, boolean parallel) {
        super(parameters, gradients, spec.layout());
        if (partitions > 1 && !hostKernels) {
            throw new IllegalArgumentException("hidden-unit partitions need the host kernels");
        }
        this.partitions = partitions;
        this.parallel = parallel;
        this.products = new FusedProducts(spec, parameters, gradients);
        this.spec = spec;
        this.gru = spec instanceof Gru;
        this.lstm = spec instanceof Lstm;
        this.kernel = kernel(spec, hostKernels);
        this.hostKernels = hostKernels;
    }

    private static StepKernel kernel(RecurrentCellSpec spec, boolean host) {
        if (spec instanceof VanillaRnn rnn) {
            return host ? new HostKernels.Rnn(rnn.activation()) : new RnnKernel(rnn.activation());
        }
        if (spec instanceof Lstm) {
            return host ? new HostKernels.Lstm() : new LstmKernel();
        }
        return host ? new HostKernels.Gru() : new GruKernel();
    }

    /**
     * Whether LSTM inference passes without padding run on ND4J's {@code lstmLayer} op here ({@code rnn4j.lstmLayerOp};
     * by default on ND4J's oneDNN AVX-512 build only): what the doctor command reports.
     */
    public static boolean lstmInferenceOnLayerOp() {
        return LstmLayerOp.chosen();
    }

    @Override
    public Trace forward(INDArray input, int[] lengths, State initial, boolean training) {
        FusedTrace trace = pass(input, lengths, initial, training);
        if (!training) {
            trace.detach();
        }
        return trace;
    }

    /** Whether this thread's inference buffers hold the gate buffers (tests: passes without trace need none). */
    boolean inferenceBuffersHoldGates() {
        FusedBuffers b = inferenceBuffers.get();
        return b != null && b.gates != null;
    }

    /** Copies only the final state out of the thread's inference buffers, not every step's outputs. */
    @Override
    public State finalState(INDArray input, int[] lengths, State initial) {
        return pass(input, lengths, initial, false, false).copyFinalState();
    }

    private FusedTrace pass(INDArray input, int[] lengths, State initial, boolean training) {
        return pass(input, lengths, initial, training, true);
    }

    /** With {@code keepsTrace} false, the pass need not keep what a backward would read. */
    private FusedTrace pass(INDArray input, int[] lengths, State initial, boolean training, boolean keepsTrace) {
        Inputs.sequence(input, "input", spec.inputSize(), dataType());
        long steps = input.size(0);
        long batch = input.size(1);
        Inputs.lengths(lengths, steps, batch);
        Inputs.state(initial, "initial", spec.stateArity(), batch, spec.hiddenSize(), dataType());
        BatchOrder order = BatchOrder.of(lengths, steps, batch);
        long hidden = spec.hiddenSize();

        FusedBuffers b = buffers(training, steps, batch);
        b.plan = plan(batch, keepsTrace, true, training, order.full());
        // the op reads the caller's input where nothing after the pass reads the layer's copy of it (a backward's
        // recomputation does)
        boolean opReadsInput = b.plan.layerOp() && !keepsTrace && order.identity();
        if (!opReadsInput) {
            b.copyInput(input, order, hostKernels);
        }
        if (initial != null) {
            b.h0.assign(order.sortBatch(initial.hidden()));
            if (lstm) {
                b.c0.assign(order.sortBatch(initial.get(1)));
            }
        }
        if (b.plan.layerOp()) {
            INDArray opInput = opReadsInput ? Inputs.contiguous(input) : b.inputSequence();
            b.layerOp(opInput, w("weight_ih"), w("weight_hh")).run(b, opInput, spec.bias() ? w("bias_ih") : null,
                    spec.bias() ? w("bias_hh") : null, partitions);
        } else {
            runJavaPass(b, order);
        }
        return new FusedTrace(this, order, b, steps, batch, training);
    }

    /** The pass on rnn4j's own kernels, from the input and initial state in {@code b}, as {@code b.plan} says. */
    private void runJavaPass(FusedBuffers b, BatchOrder order) {
        b.ensurePartitionWeights(spec.inputSize());
        if (b.plan.keepsTrace() || !b.plan.joinedSteps()) {
            b.ensureStepBuffers();
        }
        int active = activeSteps(order, b.steps); // beyond it every sequence has ended: the batch is padded
        if (b.plan.rowGroups()) {
            runRowGroups(b, order, active);
        } else {
            runPartitions(b, order, active);
        }
    }

    /**
     * The steps of a pass in hidden-unit partitions: stage 0 projects (a partition's steps read only its own
     * projection) or packs the joined steps' weights, stage 1 + t runs step t, after which the partitions meet: step
     * t + 1's products read every partition's {@code h_t}.
     */
    private void runPartitions(FusedBuffers b, BatchOrder order, int active) {
        PartitionRunner.run(b.partitions, 1 + active, (p, stage) -> {
            if (stage == 0) {
                if (b.plan.joinedSteps()) {
                    products.packJoined(b, p);
                } else {
                    products.project(b, p);
                }
            } else if (b.plan.joinedSteps()) {
                JoinedLstmSteps.forward(b, p, stage - 1, Math.toIntExact(order.active(stage - 1)), spec.inputSize());
            } else {
                recur(b, p, stage - 1, order.active(stage - 1));
            }
        }, stage -> stage > 0, parallel);
    }

    /**
     * The steps of a pass without trace in groups of batch rows ({@link JoinedLstmSteps#forwardRowGroup}): the
     * groups pack their shares of the whole weights, meet once, and then never wait for each other.
     */
    private void runRowGroups(FusedBuffers b, BatchOrder order, int active) {
        b.packedWholeWeights = VectorProducts.packedArray(spec.gates() * spec.hiddenSize(),
                spec.inputSize() + spec.hiddenSize(), b.packedWholeWeights);
        PartitionRunner.run(b.partitions, 2, (group, stage) -> {
            if (stage == 0) {
                products.packWholeJoined(b, group, b.partitions);
            } else {
                JoinedLstmSteps.forwardRowGroup(b, group, b.partitions, order, active, spec.inputSize());
            }
        }, stage -> stage == 0, parallel);
    }

    /**
     * The plan of a pass that keeps its trace on rnn4j's own kernels, as a training pass's: what a backward after an
     * inference pass on the op recomputes.
     */
    private PassPlan tracedPlanOnOwnKernels(long batch, boolean everyStepFull) {
        PassPlan traced = plan(batch, true, true, true, everyStepFull);
        assert !traced.layerOp() : "a training pass never runs on the op";
        return traced;
    }

    /**
     * How a pass over {@code batch} rows runs ({@link PassPlan}), the one decision of the paths: the host kernels use
     * the Vector API ({@link VectorSupport}) for float32 where the JVM has it; with {@code products} (every pass but a
     * stepper's) the recurrent products too, where the product kernel fits; an LSTM then joins each step into one
     * product; and a pass without trace of at least {@link JoinedLstmSteps#MIN_GROUP_ROWS} rows per partition splits
     * its batch rows between the threads. An LSTM inference pass (not a stepper's) in float32 whose sequences all run
     * every step runs on ND4J's {@code lstmLayer} op where {@link LstmLayerOp#chosen()}.
     */
    PassPlan plan(long batch, boolean keepsTrace, boolean products, boolean training, boolean everyStepFull) {
        boolean layerOp = products && !training && everyStepFull && lstm && hostKernels
                && dataType() == DataType.FLOAT && LstmLayerOp.chosen();
        boolean vectorSteps = hostKernels && dataType() == DataType.FLOAT && VectorSupport.enabled();
        boolean packedProducts = products && vectorSteps && VectorSupport.productKernelFits();
        boolean joinedSteps = packedProducts && lstm;
        boolean rowGroups = joinedSteps && !keepsTrace && partitions > 1
                && batch >= (long) JoinedLstmSteps.MIN_GROUP_ROWS * partitions;
        return new PassPlan(keepsTrace, vectorSteps, packedProducts, joinedSteps, rowGroups, layerOp);
    }

    /** The number of leading steps in which at least one sequence runs. */
    private static int activeSteps(BatchOrder order, long steps) {
        int active = 0;
        while (active < steps && order.active(active) > 0) {
            active++;
        }
        return active;
    }

    /** Step t of partition p for its first n rows: the recurrent GEMM for its gates, then the elementwise step. */
    private void recur(FusedBuffers b, int p, int t, long n) {
        products.recurrent(b, p, t, n);
        kernel.forward(b, p, t, n);
    }

    /**
     * A {@link Stepper} for streaming {@code batch} sequences one step at a time: the same computation as
     * {@link #forward} with {@code T = 1}, on buffers allocated once for the stepper, so a step costs a handful of
     * native calls. One stepper per stream; steppers of one layer may run in different threads.
     */
    public Stepper stepper(long batch) {
        return new FusedStepper(Math.toIntExact(batch));
    }

    private final class FusedStepper implements Stepper {
        private final FusedBuffers b;

        FusedStepper(int batch) {
            b = new FusedBuffers(dataType(), 1, batch, spec.hiddenSize(), spec.gates(), lstm, gru, 1);
            b.ensureStepBuffers();
            // a step's products are matrix-vector products on its own GEMMs, and a step is never the lstmLayer op
            b.plan = plan(batch, true, false, false, true);
        }

        @Override
        public INDArray step(INDArray x) {
            if (hostKernels) {
                hostStep(x);
                return b.h;
            }
            b.copyStepInput(x); // the projection's reused GEMM reads the stepper's own input buffer
            products.project(b);
            recur(b, 0, 0, b.batch);
            b.h0.assign(b.h);
            if (lstm) {
                b.c0.assign(b.c);
            }
            return b.h;
        }

        /** Two GEMMs; the biases, the cell and the state carry in one Java pass (batch-1 latency is all calls). */
        private void hostStep(INDArray x) {
            INDArray recurrentTarget = gru ? b.hproj : b.gates;
            Nd4j.gemm(x, w("weight_ih"), b.gates, false, true, 1.0, 0.0); // x is the caller's array: no reuse
            b.stepGemm(FusedBuffers.GemmKind.STEPPER, 0, b.batch, 0, 0, () -> new ReusedGemm(b.h0, w("weight_hh"),
                    recurrentTarget, false, true, 1.0, gru ? 0.0 : 1.0)).run();
            if (spec.bias()) {
                addRows(b.host(b.gates), b.host(w("bias_ih")));
                addRows(b.host(recurrentTarget), b.host(w("bias_hh")));
            }
            kernel.forward(b, 0, 0, b.batch);
            copy(b.host(b.h), b.host(b.h0));
            if (lstm) {
                copy(b.host(b.c), b.host(b.c0));
            }
        }

        private void addRows(HostArray rows, HostArray bias) {
            int width = spec.gates() * spec.hiddenSize();
            for (int r = 0; r < b.batch; r++) {
                for (int j = 0; j < width; j++) {
                    rows.set(r * width + j, rows.get(r * width + j) + bias.get(j));
                }
            }
        }

        private void copy(HostArray from, HostArray to) {
            int count = Math.toIntExact(b.batch * b.hidden);
            for (int i = 0; i < count; i++) {
                to.set(i, from.get(i));
            }
        }

        @Override
        public State state() {
            return lstm ? State.of(b.h0.dup(), b.c0.dup()) : State.of(b.h0.dup());
        }

        @Override
        public void reset() {
            b.h0.assign(0);
            if (lstm) {
                b.c0.assign(0);
            }
        }
    }

    /**
     * The buffers of the previous pass of the same kind and shape (training: of this layer, which trains in one
     * thread; inference: of this thread, so that any number of threads can run inference at once), or new ones.
     */
    private FusedBuffers buffers(boolean training, long steps, long batch) {
        FusedBuffers cached = training ? trainingBuffers : inferenceBuffers.get();
        if (cached != null && cached.fits(dataType(), steps, batch)) {
            Buffers.zero(cached.h);
            Buffers.zero(cached.h0);
            if (lstm) {
                Buffers.zero(cached.c0);
            }
            cached.generation++;
            return cached;
        }
        FusedBuffers fresh = new FusedBuffers(dataType(), steps, batch, spec.hiddenSize(), spec.gates(), lstm, gru,
                partitions);
        if (training) {
            trainingBuffers = fresh; // the old ones stay for the collector: a training trace's outputs may view them
        } else {
            if (cached != null) {
                cached.release(); // nothing views them: a later backward on their trace is refused as stale
            }
            inferenceBuffers.set(fresh);
        }
        return fresh;
    }

    @Override
    public Gradient backward(Trace trace, INDArray outputGradients, State finalStateGradient) {
        return backward(trace, outputGradients, finalStateGradient, true);
    }

    @Override
    public void backwardParameters(Trace trace, INDArray outputGradients, State finalStateGradient) {
        backward(trace, outputGradients, finalStateGradient, false);
    }

    /** With {@code inputGradients} false, only the parameter gradients: no {@code dx}, no initial-state gradient. */
    private Gradient backward(Trace trace, INDArray outputGradients, State finalStateGradient,
                              boolean inputGradients) {
        FusedTrace f = FusedTrace.from(trace, this);
        FusedBuffers b = f.buffers;
        BatchOrder order = f.order;
        long steps = f.steps;
        long batch = f.batch;
        long hidden = spec.hiddenSize();
        Inputs.gradient(outputGradients, "outputGradients", "[time, batch, outputSize]", dataType(),
                steps, batch, hidden);
        Inputs.state(finalStateGradient, "finalStateGradient", spec.stateArity(), batch, hidden, dataType());

        if (f.used) {
            throw new IllegalArgumentException("trace was already passed to backward");
        }
        f.used = true;
        if (b.plan.layerOp()) { // the op kept no gates: recompute the pass with rnn4j's kernels, keeping its trace
            b.plan = tracedPlanOnOwnKernels(batch, order.full());
            runJavaPass(b, order);
        }
        b.ensureBackward();
        if (outputGradients == null) {
            Buffers.zero(b.dh);
        } else if (hostKernels) {
            b.copyOutputGradient(outputGradients, order);
        } else {
            b.dh.assign(order.sortSteps(Inputs.contiguous(outputGradients).reshape('c', steps * batch, hidden)));
        }
        Buffers.zero(b.dh0);
        if (lstm) {
            Buffers.zero(b.dc);
            Buffers.zero(b.dc0);
        }
        if (finalStateGradient != null) {
            // the caller's arrays may be in any order; the views below need c order
            INDArray sortedHidden = Inputs.contiguous(order.sortBatch(finalStateGradient.hidden()));
            if (hostKernels) {
                injectOnHost(b, b.dh, sortedHidden, order, b.partHidden);
            } else {
                inject(b, b.dh, sortedHidden, order);
            }
            if (lstm) {
                INDArray sortedCell = Inputs.contiguous(order.sortBatch(finalStateGradient.get(1)));
                if (hostKernels) {
                    injectOnHost(b, b.dc, sortedCell, order, b.hidden);
                } else {
                    inject(b, b.dc, sortedCell, order);
                }
            }
        }
        if (!order.full()) { // padded rows are never written by the steps but are read by the weight GEMMs
            Buffers.zero(b.dGates);
            if (gru) {
                Buffers.zero(b.dHproj);
            }
        }
        kernel.prepareBackward(b);
        // dh_{t-1} += dHproj_t · W_hh with W_hh in f order, the layout OpenBLAS reads fastest for this product
        INDArray recurrentWeights = b.partitions == 1 ? b.recurrentWeightsF(w("weight_hh")) : null;
        INDArray dx = inputGradients ? Nd4j.create(dataType(), new long[] {steps * batch, spec.inputSize()}, 'c')
                : null;
        int active = activeSteps(order, steps);
        // stages: gather weights; per step from the last: the elementwise backward, then the recurrent GEMMs; the
        // weight gradients and dx. The partitions meet only after each elementwise backward: the GEMMs of a step
        // (and dx) read every partition's gate gradients, everything else reads the partition's own results.
        PartitionRunner.run(b.partitions, 2 + 2 * active, (p, stage) -> {
            if (stage == 0) {
                products.gatherBackwardWeights(b, p);
            } else if (stage <= 2 * active) {
                int t = active - 1 - (stage - 1) / 2;
                long n = order.active(t);
                if ((stage - 1) % 2 == 0) {
                    kernel.backward(b, p, t, n);
                } else {
                    products.recurrentGradient(b, p, t, n, recurrentWeights);
                }
            } else {
                products.weightGradients(b, p);
                if (dx != null) {
                    products.inputGradient(b, p, dx);
                }
            }
        }, stage -> stage > 0 && stage <= 2 * active && (stage - 1) % 2 == 0, parallel);
        if (dx == null) {
            return null;
        }
        INDArray dInput = order.unsortSteps(dx).reshape('c', steps, batch, spec.inputSize());
        INDArray dh0 = order.unsortBatch(b.partitions == 1 ? b.dh0 : joinUnits(b, b.dh0));
        State dInitial = lstm ? State.of(dh0, order.unsortBatch(b.dc0)) : State.of(dh0);
        return new Gradient(dInput, dInitial);
    }

    /** Columns {@code [p*Hp, (p+1)*Hp)} (partition p's units) of a {@code [rows, H]} array. */
    private static INDArray units(FusedBuffers b, INDArray full, int p) {
        return MatrixViews.block(full, 0, full.size(0), p * b.partHidden, (p + 1) * b.partHidden);
    }

    /** {@code [B, H]} from a partition-major {@code [P*B, Hp]} array. */
    private static INDArray joinUnits(FusedBuffers b, INDArray partitioned) {
        INDArray joined = Nd4j.create(partitioned.dataType(), new long[] {b.batch, b.hidden}, 'c');
        for (int p = 0; p < b.partitions; p++) {
            units(b, joined, p).assign(b.part(partitioned, p));
        }
        return joined;
    }

    /**
     * {@link #inject} in Java on the CPU host, into a {@code [P*T*B, Hp]} partition-major target whose partitions are
     * {@code width} units wide ({@code dc}, shared by the partitions: one partition of the full width).
     */
    private static void injectOnHost(FusedBuffers b, INDArray target, INDArray sortedGradient, BatchOrder order,
                                     long width) {
        HostArray from = HostArray.of(sortedGradient);
        HostArray to = b.host(0, target);
        int w = Math.toIntExact(width);
        int parts = Math.toIntExact(b.hidden / width);
        long rows = b.steps * b.batch;
        for (BatchOrder.Group group : order.groups()) {
            long last = group.length() - 1L;
            for (long k = group.start(); k < group.end(); k++) {
                for (long p = 0; p < parts; p++) {
                    from.addTo(Math.toIntExact(k * b.hidden + p * width), to,
                            Math.toIntExact(((p * rows) + last * b.batch + k) * width), w);
                }
            }
        }
    }

    /** Adds a final-state gradient ({@code [B, H]}, sorted) at each group's last valid step (one partition). */
    private static void inject(FusedBuffers b, INDArray target, INDArray sortedGradient, BatchOrder order) {
        for (BatchOrder.Group group : order.groups()) {
            long last = group.length() - 1L;
            INDArray rows = MatrixViews.rows(target, last * b.batch + group.start(), last * b.batch + group.end());
            rows.addi(MatrixViews.rows(sortedGradient, group.start(), group.end()));
        }
    }

    /** Each sequence's state after its own last valid step, {@code [B, H]} in sorted order. */
    private static INDArray finalRows(FusedBuffers b, INDArray states, BatchOrder order) {
        if (order.groups().size() == 1) {
            return b.rows(states, order.groups().get(0).length() - 1L, b.batch);
        }
        INDArray out = Nd4j.create(states.dataType(), new long[] {b.batch, b.hidden}, 'c');
        for (BatchOrder.Group group : order.groups()) {
            long last = group.length() - 1L;
            out.get(NDArrayIndex.interval(group.start(), group.end()), NDArrayIndex.all())
                    .assign(states.get(NDArrayIndex.interval(last * b.batch + group.start(),
                            last * b.batch + group.end()), NDArrayIndex.all()));
        }
        return out;
    }

    private INDArray w(String name) {
        return parameters.get(name);
    }

    /** How many partitions of the hidden units each pass computes (threads permitting, in parallel). */
    public int partitions() {
        return partitions;
    }

    public RecurrentCellSpec spec() {
        return spec;
    }

    @Override
    public int inputSize() {
        return spec.inputSize();
    }

    @Override
    public int hiddenSize() {
        return spec.hiddenSize();
    }

    @Override
    public int outputSize() {
        return spec.hiddenSize();
    }

    @Override
    public int stateArity() {
        return spec.stateArity();
    }




    private static final class FusedTrace implements Trace {
        final FusedRecurrentLayer owner;
        final BatchOrder order;
        final FusedBuffers buffers;
        final long steps;
        final long batch;
        final boolean training;
        final int generation;
        boolean used;
        private INDArray outputs;
        private State finalState;

        FusedTrace(FusedRecurrentLayer owner, BatchOrder order, FusedBuffers buffers, long steps, long batch,
                   boolean training) {
            this.owner = owner;
            this.order = order;
            this.buffers = buffers;
            this.steps = steps;
            this.batch = batch;
            this.training = training;
            this.generation = buffers.generation;
        }

        static FusedTrace from(Trace trace, FusedRecurrentLayer owner) {
            if (!(trace instanceof FusedTrace t) || t.owner != owner) {
                throw new IllegalArgumentException("trace must come from this layer's forward");
            }
            if (t.buffers.released() || t.generation != t.buffers.generation
                    || (t.training && t.buffers != owner.trainingBuffers)) {
                throw new IllegalArgumentException("trace is stale: a later pass of this layer reused its buffers "
                        + "(backward must follow its forward before the next training pass, or the next inference "
                        + "pass in the same thread)");
            }
            return t;
        }

        /** Copies outputs and final state out of the buffers, which the thread's next inference pass reuses. */
        void detach() {
            INDArray sorted = buffers.h;
            outputs = (order.identity() ? sorted.dup('c') : order.unsortSteps(sorted))
                    .reshape('c', steps, batch, buffers.hidden);
            finalState = copyFinalState();
        }

        State copyFinalState() {
            INDArray h = order.unsortBatch(finalRows(buffers, buffers.h, order)); // a copy, whatever the order
            return buffers.c == null ? State.of(h)
                    : State.of(h, order.unsortBatch(finalRows(buffers, buffers.c, order)));
        }

        @Override
        public INDArray outputs() {
            if (outputs == null) {
                INDArray sorted = buffers.h;
                outputs = order.identity() ? buffers.outputs()
                        : order.unsortSteps(sorted).reshape('c', steps, batch, buffers.hidden);
            }
            return outputs;
        }

        @Override
        public State finalState() {
            if (finalState == null) { // views of the buffers in batch order: valid as long as this trace
                INDArray h = finalRows(buffers, buffers.h, order);
                INDArray c = buffers.c == null ? null : finalRows(buffers, buffers.c, order);
                if (!order.identity()) {
                    h = order.unsortBatch(h);
                    c = c == null ? null : order.unsortBatch(c);
                }
                finalState = c == null ? State.of(h) : State.of(h, c);
            }
            return finalState;
        }
    }
}
