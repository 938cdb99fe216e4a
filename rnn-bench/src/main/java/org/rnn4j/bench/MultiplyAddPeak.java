package org.rnn4j.bench;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The cores' float multiply-add peak as the Vector API reaches it: 12 independent accumulators (enough to hide the
 * latency on two pipes) of the hardware's widest vectors, in 1, 2, ... threads at once; three rounds each. The
 * kernels' GFLOP/s are read against it (docs/performance.md).
 *
 * <pre>
 * mvn -q -pl rnn-bench exec:exec -Dbench.main=org.rnn4j.bench.MultiplyAddPeak -Dbench.args="1 2"
 * </pre>
 */
public final class MultiplyAddPeak {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int ACCUMULATORS = 12;
    private static final long ITERATIONS = 200_000_000L;
    /** Where every loop's result goes, so that the JIT cannot drop a loop whose result nothing reads. */
    private static volatile float sink;

    private MultiplyAddPeak() {
    }

    public static void main(String[] args) throws InterruptedException {
        sink = loop(1_000_000); // compiled before the timed rounds
        sink = loop(1_000_000);
        for (String arg : args.length == 0 ? new String[] {"1"} : args) {
            int threads = Integer.parseInt(arg);
            for (int round = 0; round < 3; round++) {
                List<Thread> running = new ArrayList<>();
                long start = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    Thread thread = new Thread(() -> sink = loop(ITERATIONS));
                    thread.start();
                    running.add(thread);
                }
                for (Thread thread : running) {
                    thread.join();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double flop = 2.0 * threads * ITERATIONS * ACCUMULATORS * SPECIES.length();
                System.out.printf("%d-bit vectors, %d thread(s): %.1f GFLOP/s%n", SPECIES.vectorBitSize(), threads,
                        flop / seconds / 1e9);
            }
        }
    }

    private static float loop(long iterations) {
        FloatVector a0 = FloatVector.broadcast(SPECIES, 1f);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector a8 = a0;
        FloatVector a9 = a0;
        FloatVector a10 = a0;
        FloatVector a11 = a0;
        FloatVector x = FloatVector.broadcast(SPECIES, 0.999999f);
        FloatVector y = FloatVector.broadcast(SPECIES, 1e-7f);
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
