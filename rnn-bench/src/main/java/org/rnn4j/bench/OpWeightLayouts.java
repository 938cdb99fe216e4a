package org.rnn4j.bench;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.rnn4j.nd4j.model.SequenceModel;

/**
 * ND4J's {@code lstmLayer} op given its weights two ways, in alternating blocks in one JVM
 * ({@link AlternatingBlocks}): as c-order copies of {@code W_ihᵀ} and {@code W_hhᵀ} (the op's documented layout) and
 * as the transposed views of rnn4j's parameters (what rnn4j gives it). It first checks that both give the same
 * outputs, then prints each round's medians and the median of the rounds' ratios. Usage:
 * {@code OpWeightLayouts CONFIG THREADS PASSES_PER_BLOCK ROUNDS}, e.g.
 * {@code mvn -q -pl rnn-bench -Ponednn -Donednn.classifier=linux-x86_64-onednn-avx512 exec:exec
 * -Dbench.main=org.rnn4j.bench.OpWeightLayouts -Dbench.args="B 2 20 16"}.
 */
public final class OpWeightLayouts {
    private OpWeightLayouts() {
    }

    public static void main(String[] args) {
        AlternatingBlocks.Settings settings = AlternatingBlocks.Settings.parse("OpWeightLayouts", args);
        Workload w = Workload.named(settings.config());
        int threads = settings.threads();
        Runners.threads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        SequenceModel model = new Rnn4jRunner("lstm", w).model();
        INDArray weightIh = model.parameters().get("rnn.weight_ih");
        INDArray weightHh = model.parameters().get("rnn.weight_hh");
        INDArray bias = model.parameters().get("rnn.bias_ih").add(model.parameters().get("rnn.bias_hh"));
        INDArray x = Nd4j.rand(DataType.FLOAT, w.steps(), w.batch(), w.input());
        INDArray copiedOut = Nd4j.create(DataType.FLOAT, w.steps(), w.batch(), w.hidden());
        INDArray viewedOut = Nd4j.create(DataType.FLOAT, w.steps(), w.batch(), w.hidden());
        DynamicCustomOp copied = op(w, x, weightIh.transpose().dup('c'), weightHh.transpose().dup('c'), bias,
                copiedOut);
        DynamicCustomOp viewed = op(w, x, weightIh.transpose(), weightHh.transpose(), bias, viewedOut);
        Nd4j.exec(copied);
        Nd4j.exec(viewed);
        double difference = copiedOut.sub(viewedOut).amaxNumber().doubleValue();
        if (difference != 0) {
            throw new IllegalStateException("the op's outputs differ by " + difference + " between the two layouts");
        }
        AlternatingBlocks.Rounds rounds = AlternatingBlocks.time("copies", () -> Nd4j.exec(copied), "views",
                () -> Nd4j.exec(viewed), settings);
        System.out.printf(Locale.ROOT, "config %s, %d threads, %d rounds of %d passes: %s%n", w.name(), threads,
                settings.rounds(), settings.passes(), rounds.summary("copies", "views"));
    }

    private static DynamicCustomOp op(Workload w, INDArray x, INDArray wx, INDArray wr, INDArray bias,
                                      INDArray out) {
        return LstmLayerOpBenchmark.lstmLayer(x, wx, wr, bias, out, Nd4j.create(DataType.FLOAT, w.batch(), w.hidden()),
                Nd4j.create(DataType.FLOAT, w.batch(), w.hidden()));
    }
}
