package org.rnn4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.rnn4j.api.Checks;
import org.rnn4j.train.data.SequenceDataset;

/**
 * Training examples kept in Spark: one cached block of examples per partition on the executors, each example known
 * by its global index (its position in the source, partition by partition), and on the driver only what planning an
 * epoch needs, every example's length. Made from an {@code RDD} of {@link SparkExample}s, from a {@code Dataset<Row>}
 * with a sequence column and a target column, or from a {@link SequenceDataset} (tests, demos).
 *
 * <p>Every example is checked once, on the executors, when the data is made (a non-empty sequence, ids {@code >= 0},
 * one feature count, one target size, finite values); a failure names the example's global index.
 */
public final class SparkSequenceData {
    private final JavaRDD<ExampleBlock> blocks;
    private final int[] lengths;
    private final boolean tokens;
    private final int featureSize;
    private final int targetSize;
    private final int paddingId;
    private final int classes;

    private SparkSequenceData(JavaRDD<ExampleBlock> blocks, int[] lengths, boolean tokens, int featureSize,
                              int targetSize, int paddingId, int classes) {
        this.blocks = blocks;
        this.lengths = lengths;
        this.tokens = tokens;
        this.featureSize = featureSize;
        this.targetSize = targetSize;
        this.paddingId = paddingId;
        this.classes = classes;
    }

    /** What one pass over the examples found: per partition its count, and the first example's shape. */
    private record Summary(int partition, int[] lengths, boolean tokens, int featureSize, int targetSize)
            implements java.io.Serializable {
    }

    /**
     * @param examples  in any partitioning (empty partitions too); the order within and across partitions gives
     *                  the global indices, so it must be deterministic (as {@code parallelize} and file reads are)
     * @param paddingId the id that pads token sequences in a batch (the embedding's padding id, usually 0)
     */
    public static SparkSequenceData of(JavaRDD<SparkExample> examples, int paddingId) {
        Checks.notNull(examples, "examples");
        if (paddingId < 0) {
            throw new IllegalArgumentException("paddingId must be >= 0 but is " + paddingId);
        }
        JavaRDD<ExampleBlock> raw = examples.mapPartitions(it -> {
            List<SparkExample> list = new ArrayList<>();
            it.forEachRemaining(list::add);
            return List.of(new ExampleBlock(-1, list.toArray(new SparkExample[0]))).iterator();
        });
        List<Summary> summaries = Jobs.run(() -> raw.mapPartitionsWithIndex((p, it) -> summarise(p, it.next()), false)
                .collect());
        long total = 0;
        long[] firsts = new long[summaries.size()];
        Summary shape = null;
        for (Summary s : summaries) {
            firsts[s.partition()] = total;
            total += s.lengths().length;
            if (shape == null && s.lengths().length > 0) {
                shape = s;
            }
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("examples holds " + total + " examples; at most "
                    + (Integer.MAX_VALUE - 8) + " are supported");
        }
        if (shape == null) {
            throw new IllegalArgumentException("examples holds no example");
        }
        Summary first = shape;
        for (Summary s : summaries) { // every partition's first example against the first partition's
            if (s.lengths().length > 0 && (s.tokens() != first.tokens() || s.featureSize() != first.featureSize()
                    || s.targetSize() != first.targetSize())) {
                throw new IllegalArgumentException("example " + firsts[s.partition()] + " is " + describe(s)
                        + " but example " + firsts[first.partition()] + " is " + describe(first));
            }
        }
        int[] lengths = new int[(int) total];
        for (Summary s : summaries) {
            System.arraycopy(s.lengths(), 0, lengths, (int) firsts[s.partition()], s.lengths().length);
        }
        JavaRDD<ExampleBlock> blocks = raw.mapPartitionsWithIndex((p, it) -> {
            ExampleBlock b = it.next();
            return List.of(new ExampleBlock(firsts[p], b.examples())).iterator();
        }, true).persist(StorageLevel.MEMORY_AND_DISK());
        blocks.count(); // cache now: every step reads the blocks
        raw.unpersist(false);
        return new SparkSequenceData(blocks, lengths, first.tokens(), first.featureSize(), first.targetSize(),
                paddingId, 0);
    }

    private static String describe(Summary s) {
        return (s.tokens() ? "token ids" : s.featureSize() + " features per step") + " with a target of "
                + s.targetSize();
    }

    /** Checks a partition's examples against its first and returns its lengths. */
    private static Iterator<Summary> summarise(int partition, ExampleBlock block) {
        SparkExample[] examples = block.examples();
        int[] lengths = new int[examples.length];
        if (examples.length == 0) {
            return List.of(new Summary(partition, lengths, true, 0, 0)).iterator();
        }
        SparkExample first = examples[0];
        boolean tokens = first.tokens() != null;
        int features = tokens ? 0 : first.vectors().length == 0 ? 0 : first.vectors()[0].length;
        for (int i = 0; i < examples.length; i++) {
            SparkExample e = examples[i];
            String at = "partition " + partition + "'s example " + i;
            if (e.length() == 0) {
                throw new IllegalArgumentException(at + " has an empty sequence; every sequence needs a step");
            }
            if ((e.tokens() != null) != tokens || e.target().length != first.target().length) {
                throw new IllegalArgumentException(at + " differs from that partition's first example in kind or "
                        + "target size");
            }
            if (tokens) {
                for (int id : e.tokens()) {
                    if (id < 0) {
                        throw new IllegalArgumentException(at + " has the token id " + id + "; ids are >= 0");
                    }
                }
            } else {
                for (float[] step : e.vectors()) {
                    if (step.length != features) {
                        throw new IllegalArgumentException(at + " has a step of " + step.length + " features but "
                                + "the first example has " + features);
                    }
                    finite(step, at);
                }
            }
            finite(e.target(), at + "'s target");
            lengths[i] = e.length();
        }
        return List.of(new Summary(partition, lengths, tokens, features, first.target().length)).iterator();
    }

    private static void finite(float[] values, String at) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(at + " has the value " + v + "; values must be finite");
            }
        }
    }

    /** A {@link SequenceDataset} spread over {@code partitions} partitions (tests, demos, small data). */
    public static SparkSequenceData of(JavaSparkContext spark, SequenceDataset data, int partitions, int paddingId) {
        Checks.notNull(spark, "spark");
        Checks.notNull(data, "data");
        Checks.positive(partitions, "partitions");
        List<SparkExample> examples = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            examples.add(data.isTokens() ? SparkExample.ofTokens(data.tokens(i), data.target(i))
                    : SparkExample.ofVectors(data.vectors(i), data.target(i)));
        }
        return of(spark.parallelize(examples, partitions), paddingId);
    }

    /**
     * Rows with a sequence column and a target column, as read from Parquet, Delta or a table.
     *
     * @param sequenceColumn {@code array<int>} or {@code array<bigint>} token ids, or {@code array<array<float>>}
     *                       (or {@code double}) feature vectors
     * @param targetColumn   a number ({@code int}, {@code bigint}, {@code float}, {@code double}) or an
     *                       {@code array<float>} (or {@code double}) target vector
     * @throws IllegalArgumentException naming the column and the expected and actual types when the schema does not
     *                                  fit, before any work
     */
    public static SparkSequenceData fromRows(Dataset<Row> rows, String sequenceColumn, String targetColumn,
                                             int paddingId) {
        Checks.notNull(rows, "rows");
        DataType sequence = column(rows, sequenceColumn, "sequenceColumn");
        DataType target = column(rows, targetColumn, "targetColumn");
        boolean ids = sequence instanceof ArrayType a && integral(a.elementType());
        boolean vectors = sequence instanceof ArrayType a && a.elementType() instanceof ArrayType inner
                && floating(inner.elementType());
        if (!ids && !vectors) {
            throw new IllegalArgumentException("sequenceColumn '" + sequenceColumn + "' must be array<int>, "
                    + "array<bigint>, array<array<float>> or array<array<double>> but is " + sequence.simpleString());
        }
        boolean scalar = integral(target) || floating(target);
        if (!scalar && !(target instanceof ArrayType t && floating(t.elementType()))) {
            throw new IllegalArgumentException("targetColumn '" + targetColumn + "' must be a number, array<float> "
                    + "or array<double> but is " + target.simpleString());
        }
        int s = rows.schema().fieldIndex(sequenceColumn);
        int t = rows.schema().fieldIndex(targetColumn);
        JavaRDD<SparkExample> examples = rows.javaRDD().map(row -> toExample(row, s, t, ids, scalar));
        return of(examples, paddingId);
    }

    private static DataType column(Dataset<Row> rows, String name, String argument) {
        Checks.notNull(name, argument);
        for (StructField f : rows.schema().fields()) {
            if (f.name().equals(name)) {
                return f.dataType();
            }
        }
        throw new IllegalArgumentException(argument + " '" + name + "' is not a column of the rows (columns: "
                + Arrays.toString(rows.columns()) + ")");
    }

    private static boolean integral(DataType t) {
        return t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType);
    }

    private static boolean floating(DataType t) {
        return t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType);
    }

    private static SparkExample toExample(Row row, int s, int t, boolean ids, boolean scalarTarget) {
        if (row.isNullAt(s) || row.isNullAt(t)) {
            throw new IllegalArgumentException("a row has a null sequence or target: " + row);
        }
        float[] target;
        if (scalarTarget) {
            target = new float[] {((Number) row.get(t)).floatValue()};
        } else {
            List<Number> values = row.getList(t);
            target = new float[values.size()];
            for (int i = 0; i < target.length; i++) {
                target[i] = values.get(i).floatValue();
            }
        }
        if (ids) {
            List<Number> values = row.getList(s);
            int[] tokens = new int[values.size()];
            for (int i = 0; i < tokens.length; i++) {
                long id = values.get(i).longValue();
                if (id < 0 || id > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("a row has the token id " + id + "; ids are in [0, "
                            + Integer.MAX_VALUE + "]");
                }
                tokens[i] = (int) id;
            }
            return SparkExample.ofTokens(tokens, target);
        }
        List<List<Number>> steps = row.getList(s);
        float[][] vectors = new float[steps.size()][];
        for (int i = 0; i < vectors.length; i++) {
            List<Number> step = steps.get(i);
            vectors[i] = new float[step.size()];
            for (int j = 0; j < vectors[i].length; j++) {
                vectors[i][j] = step.get(j).floatValue();
            }
        }
        return SparkExample.ofVectors(vectors, target);
    }

    /**
     * Targets read as class indices in {@code [0, classes)} ({@code [B]} batches, as
     * {@code SoftmaxCrossEntropy} takes them); each target must be one whole number in range (checked now).
     */
    public SparkSequenceData targetsAsIndices(int classes) {
        Checks.positive(classes, "classes");
        if (targetSize != 1) {
            throw new IllegalArgumentException("class indices need targets of size 1 but they have " + targetSize);
        }
        long bad = firstIndexWhere(e -> e.target()[0] != Math.rint(e.target()[0]) || e.target()[0] < 0
                || e.target()[0] >= classes);
        if (bad >= 0) {
            throw new IllegalArgumentException("targets must be class indices in [0, " + classes + ") but example "
                    + bad + "'s is not");
        }
        return new SparkSequenceData(blocks, lengths, tokens, featureSize, targetSize, paddingId, classes);
    }

    /** A test of one example that Spark can ship to the executors. */
    @FunctionalInterface
    interface ExampleTest extends java.io.Serializable {
        boolean test(SparkExample example);
    }

    /** The global index of the first example that passes {@code test}, or -1: one job over the cached blocks. */
    long firstIndexWhere(ExampleTest test) {
        List<Long> found = blocks.map(b -> {
            for (int i = 0; i < b.examples().length; i++) {
                if (test.test(b.examples()[i])) {
                    return b.first() + i;
                }
            }
            return -1L;
        }).filter(i -> i >= 0).collect();
        return found.stream().mapToLong(Long::longValue).min().orElse(-1);
    }

    public int size() {
        return lengths.length;
    }

    public int length(int index) {
        return lengths[index];
    }

    public boolean isTokens() {
        return tokens;
    }

    /** Features per step; 0 for token ids. */
    public int featureSize() {
        return featureSize;
    }

    public int partitions() {
        return blocks.getNumPartitions();
    }

    JavaRDD<ExampleBlock> blocks() {
        return blocks;
    }

    int paddingId() {
        return paddingId;
    }

    /** The class count for index targets; 0 for target vectors. */
    int classes() {
        return classes;
    }

    /** Frees the cached blocks on the executors. */
    public void release() {
        blocks.unpersist(false);
    }
}
