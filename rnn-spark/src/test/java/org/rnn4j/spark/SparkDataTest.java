package org.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.train.Checkpoint;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingListener;
import org.rnn4j.train.TrainingResult;

/**
 * Data from Spark (rows read as from Parquet, written to Parquet and read back), schema errors that name the column,
 * data that does not fit the model refused before any step, and checkpoints of a Spark run that resume exactly.
 */
class SparkDataTest {
    @TempDir
    Path dir;

    static final StructType SCHEMA = new StructType()
            .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("label", DataTypes.DoubleType)
            .add("text", DataTypes.StringType);

    static Dataset<Row> rows(SparkSession session) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < SparkRuns.TRAIN.size(); i++) {
            List<Integer> ids = new ArrayList<>();
            for (int id : SparkRuns.TRAIN.tokens(i)) {
                ids.add(id);
            }
            rows.add(RowFactory.create(ids, (double) SparkRuns.TRAIN.target(i)[0], "example " + i));
        }
        return session.createDataFrame(rows, SCHEMA).repartition(1).coalesce(1);
    }

    @Test
    void rowsFromParquetTrainAsTheSameExamples() {
        SparkRuns.withSpark("local[2]", spark -> {
            SparkSession session = SparkSession.builder().sparkContext(spark.sc()).getOrCreate();
            Path parquet = dir.resolve("train.parquet");
            rows(session).write().parquet(parquet.toString());
            Dataset<Row> read = session.read().parquet(parquet.toString());
            SparkSequenceData data = SparkSequenceData.fromRows(read, "tokens", "label", 0);
            assertEquals(SparkRuns.TRAIN.size(), data.size());
            SparkRuns.Run run = SparkRuns.onSpark(spark, data, BinaryCrossEntropyWithLogits::new);
            SparkRuns.Run direct = SparkRuns.onSpark(spark, SparkSequenceData.of(spark, SparkRuns.TRAIN, 2, 0),
                    BinaryCrossEntropyWithLogits::new);
            double diff = run.model().parameters().flat().sub(direct.model().parameters().flat()).amaxNumber()
                    .doubleValue();
            assertTrue(diff < 1e-9, "rows and the dataset train alike; parameters differ by " + diff);

            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> SparkSequenceData.fromRows(read, "text", "label", 0));
            assertTrue(type.getMessage().contains("sequenceColumn 'text' must be array<int>")
                    && type.getMessage().contains("but is string"), type.getMessage());
            IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                    () -> SparkSequenceData.fromRows(read, "tokens", "text", 0));
            assertTrue(label.getMessage().contains("targetColumn 'text' must be a number"), label.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> SparkSequenceData.fromRows(read, "ids", "label", 0));
            assertTrue(missing.getMessage().contains("sequenceColumn 'ids' is not a column")
                    && missing.getMessage().contains("tokens"), missing.getMessage());
            return null;
        });
    }

    @Test
    void dataThatDoesNotFitTheModelIsRefusedBeforeAnyStep() {
        SparkRuns.withSpark("local[2]", spark -> {
            List<SparkExample> examples = List.of(SparkExample.ofTokens(new int[] {1, 2}, 1),
                    SparkExample.ofTokens(new int[] {3, 9}, 0));
            SparkSequenceData data = SparkSequenceData.of(spark.parallelize(examples, 2), 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkLearner.builder(
                    spark, data, SparkRuns.model(), BinaryCrossEntropyWithLogits::new).build());
            assertTrue(e.getMessage().contains("outside the model's vocabulary of 8 ids (0..7): example 1 has one"),
                    e.getMessage());
            IllegalArgumentException classes = assertThrows(IllegalArgumentException.class,
                    () -> data.targetsAsIndices(1));
            assertTrue(classes.getMessage().contains("class indices in [0, 1) but example 0's is not"),
                    classes.getMessage());
            IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> SparkSequenceData.of(
                    spark.parallelize(List.of(SparkExample.ofTokens(new int[0], 1)), 1), 0));
            assertTrue(empty.getMessage().contains("empty sequence"), empty.getMessage());
            IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> SparkSequenceData.of(
                    spark.parallelize(List.of(SparkExample.ofTokens(new int[] {1}, 1),
                            SparkExample.ofTokens(new int[] {1}, 1, 0)), 2), 0));
            assertTrue(mixed.getMessage().contains("with a target of 2"), mixed.getMessage());
            return null;
        });
    }

    @Test
    void aCheckpointOfASparkRunResumesExactly() throws Exception {
        Path file = dir.resolve("spark.rnn4j");
        SparkRuns.withSpark("local[2]", spark -> {
            SparkSequenceData data = SparkSequenceData.of(spark, SparkRuns.TRAIN, 2, 0);
            SparkRuns.Run full = SparkRuns.onSpark(spark, data, BinaryCrossEntropyWithLogits::new);
            SequenceModel crashed = SparkRuns.model();
            TrainingListener crash = new TrainingListener() {
                @Override
                public void onBatchEnd(int epoch, int step, double loss, int examples) {
                    if (epoch == 2 && step == 2) {
                        throw new IllegalStateException("simulated crash of the driver");
                    }
                }
            };
            assertThrows(IllegalStateException.class, () -> SparkRuns.trainer(crashed, new ArrayList<>())
                    .checkpoint(file).listener(crash).build().fit(SparkLearner.builder(spark, data, crashed,
                            BinaryCrossEntropyWithLogits::new).validation(SparkRuns.VALIDATION, Metrics.binaryAccuracy()).build()));
            try {
                Checkpoint checkpoint = Checkpoint.load(file);
                TrainingResult resumed = Trainer.builder(checkpoint.model(), new BinaryCrossEntropyWithLogits(),
                        checkpoint.optimizer()).epochs(3).batchSize(16).seed(5).bucketByLength(true)
                        .clipGradientNorm(2).progressBar(false).resumeFrom(checkpoint).build()
                        .fit(SparkLearner.builder(spark, data, checkpoint.model(), BinaryCrossEntropyWithLogits::new)
                                .validation(SparkRuns.VALIDATION, Metrics.binaryAccuracy()).build());
                assertEquals(3, resumed.history().size());
                double diff = checkpoint.model().parameters().flat().sub(full.model().parameters().flat())
                        .amaxNumber().doubleValue();
                assertEquals(0.0, diff, 1e-12, "resumed parameters equal the uninterrupted run's");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        });
        assertTrue(java.nio.file.Files.exists(file));
    }
}
