package org.rnn4j.spark;

import java.io.Serializable;

/** One partition's examples, cached on its executor: global indices {@code first .. first + examples.length - 1}. */
record ExampleBlock(long first, SparkExample[] examples) implements Serializable {
}
