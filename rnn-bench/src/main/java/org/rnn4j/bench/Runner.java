package org.rnn4j.bench;

/** One implementation set up on one workload: what the benchmarks time. */
public interface Runner {
    /** Forward, backward and an Adam update of a recurrent layer whose last step feeds a dense layer under MSE. */
    Object train();

    /** Forward only, over the whole sequence batch. */
    Object infer();

    /** One step with the state carried from the previous call (batch 1 streaming). */
    Object step();

    /** Gates of the recurrent cell (4 LSTM, 3 GRU, 1 RNN), for FLOP counts. */
    int gates();
}
