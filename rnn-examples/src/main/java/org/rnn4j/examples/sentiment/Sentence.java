package org.rnn4j.examples.sentiment;

/** One labelled sentence: {@code label} 1 is positive, 0 negative; {@code source} is amazon, imdb or yelp. */
public record Sentence(String text, int label, String source) {
}
