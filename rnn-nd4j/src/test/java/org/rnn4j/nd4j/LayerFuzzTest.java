package org.rnn4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnn4j.api.Cell;
import org.rnn4j.api.Loss;
import org.rnn4j.api.Parameters;
import org.rnn4j.api.SequenceLayer;
import org.rnn4j.api.State;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.cell.RecurrentCellSpec;
import org.rnn4j.nd4j.cell.VanillaRnn;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.DenseLayer;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.EmbeddingLayer;
import org.rnn4j.nd4j.layer.RecurrentLayer;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;
import org.rnn4j.nd4j.loss.Huber;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.loss.SoftmaxCrossEntropy;
import org.rnn4j.nd4j.stream.RecurrentStream;

/**
 * The entry points below the model, with generated arguments: a cell's forward and backward (each built-in cell),
 * a layer's forward and backward (fused, the reference loop, a stack), the dense head, the embedding, a stream's
 * steps and chunks, and the losses. Each call returns or throws rnn4j's own {@link IllegalArgumentException} or
 * {@link IllegalStateException} ({@link Fuzz#call}); a call that throws leaves the parameters, the gradients and a
 * stream's state exactly as they were. {@code -Drnn4j.fuzz.cases=N} runs N per test (default 400).
 */
class LayerFuzzTest {
    static final int CASES = Integer.getInteger("rnn4j.fuzz.cases", 400);
    static final int INPUT = 3;
    static final int HIDDEN = 4;

    static RecurrentCellSpec cell(SplittableRandom r, boolean fused) {
        return switch (r.nextInt(3)) {
            case 0 -> Lstm.builder(INPUT, HIDDEN).fused(fused).build();
            case 1 -> Gru.builder(INPUT, HIDDEN).fused(fused).build();
            default -> VanillaRnn.builder(INPUT, HIDDEN).fused(fused).build();
        };
    }

    static Parameters initialised(org.rnn4j.api.ParameterLayout layout, long seed) {
        Parameters p = Parameters.zeros(layout, DataType.FLOAT);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < p.flat().length(); i++) {
            p.flat().putScalar(i, r.nextDouble(-0.5, 0.5));
        }
        return p;
    }

    /** Copies of everything a rejected call must leave alone. */
    record Snapshot(List<INDArray> arrays) {
        static Snapshot of(INDArray... live) {
            List<INDArray> copies = new ArrayList<>();
            for (INDArray a : live) {
                copies.add(a == null ? null : a.dup());
            }
            return new Snapshot(copies);
        }

        void assertUnchanged(String what, INDArray... live) {
            for (int i = 0; i < live.length; i++) {
                INDArray was = arrays.get(i);
                if (was != null) { // bit for bit, NaN included
                    assertTrue(java.util.Arrays.equals(was.shape(), live[i].shape())
                            && was.dataType() == live[i].dataType() && java.util.Arrays.equals(
                            was.dup('c').data().asDouble(), live[i].dup('c').data().asDouble()),
                            what + ": a rejected call changed state " + i + ": " + was + " -> " + live[i]);
                }
            }
        }
    }

    /** Runs {@code call}; when it throws, what {@code live} gives must equal what it gave before. */
    static void expect(String what, Supplier<Object> call, Supplier<INDArray[]> live) {
        Snapshot before = Snapshot.of(live.get());
        Object out = Fuzz.call(what, call);
        if (out == null) {
            before.assertUnchanged(what, live.get());
        }
    }

    /** A generated array, sometimes of the expected shape {@code shape} (so that values, not shapes, are wrong). */
    static INDArray arg(SplittableRandom r, long... shape) {
        if (r.nextInt(3) == 0) {
            return Fuzz.array(r, false);
        }
        INDArray a = Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
        if (r.nextInt(3) == 0 && a.length() > 0) {
            a.putScalar(r.nextInt(Math.toIntExact(a.length())), Fuzz.SPECIAL[r.nextInt(Fuzz.SPECIAL.length)]);
        }
        if (r.nextInt(6) == 0) {
            a = a.castTo(DataType.DOUBLE);
        }
        return r.nextInt(20) == 0 ? null : a;
    }

    static State stateArg(SplittableRandom r, int arity, long batch) {
        if (r.nextInt(4) == 0) {
            return null;
        }
        int parts = r.nextInt(5) == 0 ? 1 + r.nextInt(3) : arity;
        INDArray[] p = new INDArray[parts];
        for (int k = 0; k < parts; k++) {
            p[k] = arg(r, batch, HIDDEN);
            if (p[k] == null) {
                p[k] = Nd4j.zeros(DataType.FLOAT, batch, HIDDEN);
            }
        }
        return State.of(p);
    }

    @Test
    void cellsForwardAndBackward() {
        SplittableRandom random = new SplittableRandom(41);
        for (int c = 0; c < CASES; c++) {
            long seed = random.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            RecurrentCellSpec spec = cell(r, false);
            Parameters p = initialised(spec.layout(), seed);
            Parameters g = p.zerosLike();
            Cell cell = spec.createCell(p, g);
            long batch = 1 + r.nextInt(3);
            String what = "case " + seed + " (" + spec.getClass().getSimpleName() + ")";
            if (r.nextBoolean()) {
                expect(what + " forward", () -> cell.forward(stateArg(r, spec.stateArity(), batch),
                        arg(r, batch, INPUT)), () -> new INDArray[] {p.flat(), g.flat()});
            } else {
                Cell.Step step = cell.forward(null, Nd4j.rand(DataType.FLOAT, batch, INPUT));
                expect(what + " backward", () -> cell.backward(step, arg(r, batch, HIDDEN),
                        stateArg(r, spec.stateArity(), batch)), () -> new INDArray[] {p.flat(), g.flat()});
            }
        }
    }

    @Test
    void layersForwardAndBackward() {
        SplittableRandom random = new SplittableRandom(43);
        for (int c = 0; c < CASES; c++) {
            long seed = random.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            int kind = r.nextInt(3);
            RecurrentCellSpec spec = cell(r, kind != 1);
            org.rnn4j.nd4j.layer.RecurrentSpec layerSpec = kind == 2
                    ? StackedRnn.builder(spec).layers(2).bidirectional(r.nextBoolean()).build()
                    : RecurrentLayer.of(spec);
            Parameters p = initialised(layerSpec.layout(), seed);
            Parameters g = p.zerosLike();
            SequenceLayer layer = layerSpec.create(p, g);
            long steps = 1 + r.nextInt(4);
            long batch = 1 + r.nextInt(3);
            String what = "case " + seed + " (" + layerSpec + ")";
            INDArray x = Nd4j.rand(DataType.FLOAT, steps, batch, INPUT);
            SequenceLayer.Trace trace = layer.forward(x, null, null, true);
            State dFinal = r.nextBoolean() ? null : trace.finalState();
            INDArray dOut = arg(r, steps, batch, layer.outputSize());
            expect(what + " backward", () -> layer.backward(trace, dOut, dFinal),
                    () -> new INDArray[] {p.flat(), g.flat()});
        }
    }

    @Test
    void denseEmbeddingAndLosses() {
        SplittableRandom random = new SplittableRandom(47);
        Loss[] losses = {new MeanSquaredError(), new Huber(), new BinaryCrossEntropyWithLogits(),
            new SoftmaxCrossEntropy()};
        for (int c = 0; c < CASES; c++) {
            long seed = random.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            String what = "case " + seed;
            switch (r.nextInt(4)) {
                case 0 -> {
                    Dense spec = Dense.builder(HIDDEN, 2).build();
                    Parameters p = initialised(spec.layout(), seed);
                    DenseLayer dense = spec.create(p, p.zerosLike());
                    expect(what + " dense forward", () -> dense.forward(arg(r, 1 + r.nextInt(3), HIDDEN)),
                            () -> new INDArray[] {p.flat()});
                }
                case 1 -> {
                    Embedding spec = new Embedding(9, INPUT, 0);
                    Parameters p = initialised(spec.layout(), seed);
                    EmbeddingLayer embedding = spec.create(p, p.zerosLike());
                    expect(what + " embedding forward", () -> embedding.forward(Fuzz.array(r, true)),
                            () -> new INDArray[] {p.flat()});
                }
                case 2 -> {
                    Embedding spec = new Embedding(9, INPUT, 0);
                    Parameters p = initialised(spec.layout(), seed);
                    Parameters g = p.zerosLike();
                    EmbeddingLayer embedding = spec.create(p, g);
                    INDArray tokens = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 0}});
                    expect(what + " embedding backward", () -> {
                        embedding.backward(r.nextInt(4) == 0 ? Fuzz.array(r, true) : tokens, arg(r, 2, 2, INPUT));
                        return g.flat();
                    }, () -> new INDArray[] {p.flat(), g.flat()});
                }
                default -> {
                    Loss loss = losses[r.nextInt(losses.length)];
                    long rows = 1 + r.nextInt(3);
                    INDArray predictions = arg(r, rows, 2);
                    INDArray targets = arg(r, rows, 2);
                    INDArray mask = r.nextInt(3) == 0 ? arg(r, rows) : null;
                    expect(what + " " + loss.getClass().getSimpleName(), () -> loss.compute(predictions, targets,
                            mask), () -> new INDArray[] {predictions, targets});
                }
            }
        }
    }

    @Test
    void streamsRejectBadStepsAndChunksWithoutAdvancing() {
        SplittableRandom random = new SplittableRandom(53);
        for (int c = 0; c < CASES; c++) {
            long seed = random.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            RecurrentCellSpec spec = cell(r, r.nextBoolean());
            Parameters p = initialised(RecurrentLayer.of(spec).layout(), seed);
            SequenceLayer layer = RecurrentLayer.of(spec).create(p, p.zerosLike());
            RecurrentStream stream = new RecurrentStream(layer, null, 2);
            stream.feed(Nd4j.rand(DataType.FLOAT, 2, 2, INPUT)); // a state to keep
            String what = "case " + seed + " (" + spec.getClass().getSimpleName() + ")";
            Supplier<INDArray[]> live = () -> {
                State s = stream.state();
                INDArray[] parts = new INDArray[s == null ? 0 : s.arity()];
                for (int k = 0; k < parts.length; k++) {
                    parts[k] = s.get(k);
                }
                return parts;
            };
            if (r.nextBoolean()) {
                expect(what + " step", () -> stream.step(arg(r, 2, INPUT)), live);
            } else {
                long steps = r.nextInt(4);
                INDArray chunk = r.nextInt(4) == 0 ? Fuzz.array(r, false)
                        : Nd4j.rand(DataType.FLOAT, steps, 2, INPUT);
                if (chunk != null && chunk.rank() == 3 && chunk.size(0) > 1 && chunk.size(1) > 0
                        && chunk.size(2) > 0 && r.nextBoolean()) {
                    chunk.putScalar(new long[] {chunk.size(0) - 1, 0, 0}, Double.NaN); // a bad late step
                }
                expect(what + " feed", () -> stream.feed(chunk), live);
            }
            assertTrue(stream.state() == null || stream.state().arity() == spec.stateArity(), what);
        }
    }
}
