package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnn4j.nd4j.cell.Gru;
import org.rnn4j.nd4j.layer.Attention;
import org.rnn4j.nd4j.layer.Embedding;
import org.rnn4j.nd4j.layer.StackedRnn;
import org.rnn4j.nd4j.model.EncoderDecoder;
import org.rnn4j.nd4j.optim.Adam;
import org.rnn4j.train.data.BatchPlan;
import org.rnn4j.train.data.Seq2SeqBatch;
import org.rnn4j.train.data.Seq2SeqDataset;

/**
 * The trainer on an encoder-decoder: the same steps as a plain loop over the same batches, checkpoints that resume
 * bit for bit, validation that keeps the best epoch, and bad data refused before any step.
 */
class EncoderDecoderTrainerTest {
    static final int PAD = 0;
    static final int BOS = 1;
    static final int EOS = 2;
    static final Seq2SeqDataset TRAIN = reversals(48, 3);
    static final Seq2SeqDataset VALIDATION = reversals(16, 4);

    @TempDir
    Path dir;

    /** Digits (ids 3..8) of length 1..5, and their reverse followed by EOS. */
    static Seq2SeqDataset reversals(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> sources = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] s = new int[1 + random.nextInt(5)];
            int[] t = new int[s.length + 1];
            for (int k = 0; k < s.length; k++) {
                s[k] = 3 + random.nextInt(6);
            }
            for (int k = 0; k < s.length; k++) {
                t[k] = s[s.length - 1 - k];
            }
            t[s.length] = EOS;
            sources.add(s);
            targets.add(t);
        }
        return Seq2SeqDataset.of(sources, targets, PAD);
    }

    static EncoderDecoder model() {
        return new EncoderDecoder(new EncoderDecoder.Config(new Embedding(9, 4, PAD),
                StackedRnn.builder(Gru.builder(4, 6).build()).bidirectional(true).build(), new Embedding(9, 4, PAD),
                Gru.builder(4 + 12, 8).build(), Attention.general(8, 12), DataType.DOUBLE, 5));
    }

    static Trainer.Builder trainer(EncoderDecoder model, Adam adam) {
        return Trainer.builder(model, BOS, adam).epochs(3).batchSize(8).seed(9).bucketByLength(true)
                .progressBar(false);
    }

    @Test
    void theTrainerTakesTheStepsOfAPlainLoopOverTheSameBatches() {
        EncoderDecoder trained = model();
        TrainingResult result = trainer(trained, new Adam(0.01)).build().fit(TRAIN);

        EncoderDecoder byHand = model();
        Adam adam = new Adam(0.01);
        adam.initialise(byHand.parameters());
        double lastEpochLoss = 0;
        for (int epoch = 0; epoch < 3; epoch++) {
            lastEpochLoss = 0;
            for (int[] indices : BatchPlan.epoch(TRAIN, 8, true, true, 9, epoch)) {
                Seq2SeqBatch b = TRAIN.batch(indices, DataType.DOUBLE);
                double loss = byHand.computeGradients(b.source(), b.sourceLengths(), b.target(), b.targetLengths(),
                        BOS);
                adam.step(byHand.parameters(), byHand.gradients());
                lastEpochLoss += loss * indices.length;
            }
        }
        assertEquals(byHand.parameters().flat(), trained.parameters().flat(), "the same steps, bit for bit");
        assertEquals(lastEpochLoss / TRAIN.size(), result.last().trainLoss(), 1e-12);
        assertTrue(result.history().get(2).trainLoss() < result.history().get(0).trainLoss(), "it learns");
    }

    @Test
    void aCheckpointResumesToExactlyTheUninterruptedParameters() throws IOException {
        EncoderDecoder straight = model();
        TrainingResult full = trainer(straight, new Adam(0.01)).validation(VALIDATION).build().fit(TRAIN);

        Path file = dir.resolve("ed.rnn4j");
        TrainingListener crashInEpoch2 = new TrainingListener() {
            @Override
            public void onBatchEnd(int epoch, int step, double loss, int examples) {
                if (epoch == 2 && step == 1) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        assertThrows(IllegalStateException.class, () -> trainer(model(), new Adam(0.01)).validation(VALIDATION)
                .checkpoint(file).listener(crashInEpoch2).build().fit(TRAIN));
        EncoderDecoderCheckpoint checkpoint = EncoderDecoderCheckpoint.load(file);
        assertEquals(2, checkpoint.state().completedEpochs());
        TrainingResult resumed = trainer(checkpoint.model(), (Adam) checkpoint.optimizer()).validation(VALIDATION)
                .resumeFrom(checkpoint).build().fit(TRAIN);
        assertEquals(straight.parameters().flat(), checkpoint.model().parameters().flat(),
                "resumed parameters equal the uninterrupted run's, bit for bit");
        assertEquals(full.bestEpoch(), resumed.bestEpoch());
        assertEquals(full.last().validationLoss(), resumed.last().validationLoss(), 0.0);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("loadEncoderDecoder"), e.getMessage());
    }

    @Test
    void validationKeepsTheBestEpochsParameters() {
        EncoderDecoder model = model();
        // a learning rate high enough that some epoch is worse than an earlier one
        TrainingResult result = Trainer.builder(model, BOS, new Adam(0.3)).epochs(4).batchSize(8).seed(9)
                .progressBar(false).validation(VALIDATION).build().fit(TRAIN);
        double best = result.history().stream().mapToDouble(EpochSummary::validationLoss).min().orElseThrow();
        assertEquals(best, result.bestScore(), 0.0);
        assertTrue(result.bestEpoch() < 3, "the last epoch is not the best, so restoring is seen: " + result);
        assertEquals("validation loss", result.last().metricName());
        double now = 0;
        long steps = 0;
        int[] all = new int[VALIDATION.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        for (int from = 0; from < all.length; from += 8) {
            int[] indices = java.util.Arrays.copyOfRange(all, from, Math.min(all.length, from + 8));
            Seq2SeqBatch b = VALIDATION.batch(indices, DataType.DOUBLE);
            now += model.loss(b.source(), b.sourceLengths(), b.target(), b.targetLengths(), BOS) * b.targetSteps();
            steps += b.targetSteps();
        }
        assertEquals(best, now / steps, 1e-12, "the model holds the best epoch's parameters");
    }

    @Test
    void anIdOutsideAVocabularyIsRefusedBeforeAnyStep() {
        List<int[]> sources = new ArrayList<>(List.of(new int[] {3, 4}, new int[] {5}));
        List<int[]> targets = new ArrayList<>(List.of(new int[] {4, 3, EOS}, new int[] {5, 9}));
        EncoderDecoder model = model();
        INDArray before = model.parameters().flat().dup();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer(model,
                new Adam(0.01)).build().fit(Seq2SeqDataset.of(sources, targets, PAD)));
        assertTrue(e.getMessage().contains("train.targets[1][1] is the token id 9")
                && e.getMessage().contains("target vocabulary has 9 ids"), e.getMessage());
        assertEquals(before, model.parameters().flat(), "nothing trained");
    }

    @Test
    void theWrongKindOfDataOrValidationIsRefused() {
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> trainer(model(),
                new Adam(0.01)).build().fit(org.rnn4j.train.data.SequenceDataset.ofTokens(List.of(new int[] {3}),
                new float[][] {{1}}, 0)));
        assertTrue(kind.getMessage().contains("fit(Seq2SeqDataset)"), kind.getMessage());
        IllegalArgumentException validation = assertThrows(IllegalArgumentException.class, () -> trainer(model(),
                new Adam(0.01)).validation(org.rnn4j.train.data.SequenceDataset.ofTokens(List.of(new int[] {3}),
                new float[][] {{1}}, 0), null).build());
        assertTrue(validation.getMessage().contains("validation(Seq2SeqDataset)"), validation.getMessage());
        IllegalArgumentException bos = assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder(model(), 9, new Adam(0.01)));
        assertTrue(bos.getMessage().contains("bos must be a target token id in [0, 9) but is 9"), bos.getMessage());
        IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqDataset.of(List.of(new int[] {3}), List.of(), PAD));
        assertTrue(sizes.getMessage().contains("as many sequences but have 1 and 0"), sizes.getMessage());
    }
}
