package org.rnn4j.examples.sentiment;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;
import org.rnn4j.nd4j.model.SequenceModel;
import org.rnn4j.spark.SparkLearner;
import org.rnn4j.spark.SparkSequenceData;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingResult;
import org.rnn4j.train.data.SequenceDataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sentiment demo's training on Spark: the same trainer, each batch's gradients computed by the cluster. */
final class SparkSentiment {
    private static final Logger LOG = LoggerFactory.getLogger(SparkSentiment.class);

    private SparkSentiment() {
    }

    static TrainingResult fit(String master, Trainer.Builder trainer, SequenceModel network, SequenceDataset train,
                              SequenceDataset validation) {
        SparkConf conf = new SparkConf().setAppName("rnn4j sentiment");
        if (!master.equals("submit")) {
            conf.setMaster(master).set("spark.ui.enabled", "false");
        } else if (!conf.contains("spark.master")) {
            throw new IllegalArgumentException("--spark submit needs the master from spark-submit (--master), "
                    + "but spark.master is not set");
        }
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            int partitions = Math.max(2, spark.defaultParallelism());
            SparkSequenceData data = SparkSequenceData.of(spark, train, partitions, Vocabulary.PADDING);
            LOG.info("training on Spark {} ({} partitions of the {} training sentences)", spark.master(), partitions,
                    data.size());
            SparkLearner learner = SparkLearner.builder(spark, data, network, BinaryCrossEntropyWithLogits::new)
                    .validation(validation, Metrics.binaryAccuracy()).build();
            TrainingResult result = trainer.build().fit(learner);
            data.release();
            return result;
        }
    }
}
