package org.rnn4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.rnn4j.nd4j.cell.Lstm;
import org.rnn4j.nd4j.layer.Dense;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.loss.MeanSquaredError;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.train.data.Batch;
import org.rnn4j.train.data.SequenceDataset;

/**
 * What a Spark step costs beside its compute, for the benchmark configurations (LSTM, float32): a plain loop in a
 * fresh JVM, not a test. Prints the medians of 10 steps after 3 of warm-up: one machine's forward and backward of the
 * whole batch, and the Spark learner's step in the given master with its breakdown.
 * <pre>
 * OMP_NUM_THREADS=1 mvn -q -pl rnn-spark -am test-compile exec:java -Dexec.args="B local[2]"
 * </pre>
 * (config A: input 64, hidden 256, 50 steps, batch 32; B: input 128, hidden 512, 100 steps, batch 64).
 */
public final class SparkStepCost {
    private SparkStepCost() {
    }

    public static void main(String[] args) {
        boolean b = args.length > 0 && args[0].equals("B");
        String master = args.length > 1 ? args[1] : "local[2]";
        int input = b ? 128 : 64;
        int hidden = b ? 512 : 256;
        int steps = b ? 100 : 50;
        int batch = b ? 64 : 32;
        SequenceDataset data = data(4 * batch, steps, input);
        SequenceModel model = SequenceModel.builder().recurrent(StackedRnn.builder(Lstm.builder(input, hidden).build())
                        .build()).outputMode(SequenceModel.OutputMode.LAST_STEP).head(Dense.builder(hidden, 1).build())
                .dataType(DataType.FLOAT).seed(1).build();
        int[] first = new int[batch];
        Arrays.setAll(first, i -> i);
        Batch whole = data.batch(first, DataType.FLOAT);
        double[] single = new double[13];
        for (int i = 0; i < single.length; i++) {
            long t = System.nanoTime();
            model.computeGradients(whole.input(), whole.lengths(), whole.targets(), new MeanSquaredError());
            single[i] = (System.nanoTime() - t) / 1e6;
        }
        long parameters = model.parameters().flat().length();
        System.out.printf("config %s: %d parameters (%.1f MB as float32), batch %d%n", b ? "B" : "A", parameters,
                parameters * 4 / 1e6, batch);
        System.out.printf("one machine, whole batch: %.1f ms%n", median(single));
        SparkRuns.withSpark(SparkRuns.conf(master), spark -> {
            measure(spark, data, model, batch);
            return null;
        });
    }

    private static void measure(JavaSparkContext spark, SequenceDataset data, SequenceModel model, int batch) {
        int partitions = spark.defaultParallelism();
        SparkSequenceData shared = SparkSequenceData.of(spark, data, partitions, 0);
        SparkLearner learner = SparkLearner.builder(spark, shared, model, MeanSquaredError::new).build();
        int n = 13;
        double[] step = new double[n];
        double[] broadcast = new double[n];
        double[] job = new double[n];
        double[] task = new double[n];
        double[] combine = new double[n];
        for (int i = 0; i < n; i++) {
            int[] indices = new int[batch];
            int from = (i % 4) * batch;
            Arrays.setAll(indices, k -> from + k);
            long t = System.nanoTime();
            learner.computeGradients(indices);
            step[i] = (System.nanoTime() - t) / 1e6;
            SparkLearner.StepTimes s = learner.lastStep();
            broadcast[i] = s.broadcast() * 1e3;
            job[i] = s.job() * 1e3;
            task[i] = s.slowestTask() * 1e3;
            combine[i] = s.combine() * 1e3;
        }
        System.out.printf("Spark %s, %d partitions: step %.1f ms = broadcast %.1f + job %.1f (slowest task %.1f, so "
                        + "Spark adds %.1f) + combine %.1f%n", spark.master(), partitions, median(step),
                median(broadcast), median(job), median(task), median(job) - median(task), median(combine));
    }

    private static SequenceDataset data(int n, int steps, int features) {
        SplittableRandom random = new SplittableRandom(3);
        List<float[][]> sequences = new ArrayList<>();
        float[][] targets = new float[n][];
        for (int i = 0; i < n; i++) {
            float[][] x = new float[steps][features];
            for (float[] row : x) {
                for (int f = 0; f < features; f++) {
                    row[f] = (float) random.nextGaussian();
                }
            }
            sequences.add(x);
            targets[i] = new float[] {(float) random.nextGaussian()};
        }
        return SequenceDataset.ofVectors(sequences, targets);
    }

    /** The median of all but the first three (warm-up) values. */
    private static double median(double[] values) {
        double[] v = Arrays.copyOfRange(values, 3, values.length);
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
