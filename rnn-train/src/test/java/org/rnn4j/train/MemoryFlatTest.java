package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;
import org.rnn4j.nd4j.optim.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thousands of training iterations must not grow the heap or the process's resident memory (ND4J's native
 * buffers live outside the heap, so RSS is what shows a native leak). Both are measured once garbage is collected,
 * after 2,000, 4,000 and 6,000 iterations. Resident memory rises while the allocator's arenas and the GC settle
 * (session 2: 230, 316, 374 MB at 500, 1,500, 3,000 iterations, then 374-375 MB up to 12,000; session 3, with BLAS
 * at one thread: 234-244 MB at 2,000, 250-255 at 4,000, 255-257 at 6,000), so the heap is checked from 2,000 on and
 * resident memory over the last 2,000 iterations, where a leak of one 4 KB buffer per iteration would add 8 MB.
 */
class MemoryFlatTest {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryFlatTest.class);

    @Test
    void sixThousandIterationsKeepHeapAndResidentMemoryFlat() {
        List<long[]> samples = new ArrayList<>();
        TrainingListener probe = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochSummary summary) {
                int epoch = summary.epoch() + 1;
                if (epoch % 80 == 0) {
                    samples.add(new long[] {epoch * 25L, heapAfterGc(), residentBytes()});
                }
            }
        };
        Trainer.builder(Tasks.gru(1), new BinaryCrossEntropyWithLogits(), new Adam(0.001)).epochs(240).batchSize(8)
                .listener(probe).build().fit(Tasks.signOfSum(200, 6, 4));
        for (long[] s : samples) {
            LOG.info("after {} iterations: heap {} MB, resident {} MB", s[0], s[1] >> 20, s[2] >> 20);
        }
        long heapGrowth = samples.get(samples.size() - 1)[1] - samples.get(0)[1];
        assertTrue(heapGrowth < 8L << 20, "heap grew by " + (heapGrowth >> 20) + " MB over 4000 iterations");
        if (samples.get(0)[2] > 0) {
            long rssGrowth = samples.get(samples.size() - 1)[2] - samples.get(samples.size() - 2)[2];
            assertTrue(rssGrowth < 8L << 20, "resident memory grew by " + (rssGrowth >> 20) + " MB over the last "
                    + "2000 iterations");
        }
    }

    /**
     * The heap once garbage is gone: ND4J frees an array's native buffer on a deallocator thread after the GC has
     * collected the array, and its bookkeeping objects stay on the heap until then, so this collects until the heap
     * stops shrinking.
     */
    private static long heapAfterGc() {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 50; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (previous - used < 1 << 20) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    /** VmRSS from /proc (Linux); 0 elsewhere. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
