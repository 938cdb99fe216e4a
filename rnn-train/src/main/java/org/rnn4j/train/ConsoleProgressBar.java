package org.rnn4j.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One console progress bar per epoch (the progressbar library), with the running mean loss. The bar is closed at the
 * epoch's last batch, before the trainer validates and logs the epoch's summary: an open bar redraws itself in place
 * (moving the cursor up to its line), which erased a summary logged below it.
 */
final class ConsoleProgressBar implements TrainingListener {
    private final int epochs;
    private ProgressBar bar;
    private int batches;
    private double lossSum;
    private long examples;

    ConsoleProgressBar(int epochs) {
        this.epochs = epochs;
    }

    @Override
    public void onEpochStart(int epoch, int batches) {
        bar = new ProgressBarBuilder().setTaskName("epoch " + (epoch + 1) + "/" + epochs).setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
        this.batches = batches;
        lossSum = 0;
        examples = 0;
    }

    @Override
    public void onBatchEnd(int epoch, int step, double loss, int batchExamples) {
        lossSum += loss * batchExamples;
        examples += batchExamples;
        if (bar == null) {
            return;
        }
        bar.step();
        bar.setExtraMessage(String.format(" loss %.4f", lossSum / examples));
        if (step + 1 >= batches) {
            close();
        }
    }

    @Override
    public void onEpochEnd(EpochSummary summary) {
        close();
    }

    @Override
    public void onTrainingEnd(TrainingResult result) {
        close();
    }

    private void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
