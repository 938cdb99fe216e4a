package org.rnn4j.bench;

/**
 * The benchmark configurations, float32: A = input 64, hidden 256, 50 steps, batch 32; B = input 128, hidden 512,
 * 100 steps, batch 64; STREAM = one step of batch 1 with input 64, hidden 256.
 */
public record Workload(String name, int input, int hidden, int steps, int batch) {
    public static final Workload A = new Workload("A", 64, 256, 50, 32);
    public static final Workload B = new Workload("B", 128, 512, 100, 64);
    public static final Workload STREAM = new Workload("stream", 64, 256, 1, 1);

    public static Workload named(String name) {
        return switch (name) {
            case "A" -> A;
            case "B" -> B;
            case "stream" -> STREAM;
            default -> throw new IllegalArgumentException("unknown workload '" + name + "'; known: A, B, stream");
        };
    }

    /**
     * FLOPs of the recurrent layer's forward pass, counting multiply-adds as 2: {@code 2·T·B·(I+H)·gates·H}. The
     * backward pass is counted as twice that, so a training iteration is three times it (the dense head and the
     * optimizer are left out: they are under 1% here).
     */
    public double forwardFlops(int gates) {
        return 2.0 * steps * batch * (input + hidden) * gates * hidden;
    }
}
