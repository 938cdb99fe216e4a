package org.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.nd4j.loss.BinaryCrossEntropyWithLogits;

/**
 * A real standalone cluster on loopback: a master and a worker started as their own JVMs from spark-core's classes,
 * executors in their own JVMs (two, one core each), the driver in the test's JVM. What local mode hides must work
 * here: serializing what the tasks capture, loading ND4J's natives on the executors, the executors' JVM flags. The
 * run must equal the single-machine run as in local mode.
 */
class StandaloneClusterTest {
    @TempDir
    Path dir;

    @Test
    void twoExecutorJvmsGiveTheSingleMachineRun() throws Exception {
        Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"),
                "Spark's standalone scripts and worker launch need a Unix-like system");
        SparkRuns.Run single = SparkRuns.singleMachine();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path home = Files.createDirectories(dir.resolve("spark-home"));
        Files.createDirectories(home.resolve("jars"));
        Files.writeString(home.resolve("RELEASE"), "rnn4j test: executors take the test's classpath\n");
        int port = freePort();
        List<Process> processes = new ArrayList<>();
        try {
            processes.add(start(home, classpath, "master", "org.apache.spark.deploy.master.Master", "--host",
                    "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort())));
            awaitPort(port, processes.get(0), dir.resolve("master.log"));
            processes.add(start(home, classpath, "worker", "org.apache.spark.deploy.worker.Worker", "--host",
                    "127.0.0.1", "--cores", "2", "--memory", "4g", "--webui-port", Integer.toString(freePort()),
                    "--work-dir", dir.resolve("work").toString(), "spark://127.0.0.1:" + port));
            SparkConf conf = SparkRuns.conf("spark://127.0.0.1:" + port)
                    .set("spark.executor.extraClassPath", classpath)
                    .set("spark.executor.extraJavaOptions", executorOptions())
                    .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                    .set("spark.executor.cores", "1").set("spark.cores.max", "2").set("spark.executor.memory", "1g")
                    .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                    .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
            SparkRuns.Run cluster = SparkRuns.withSpark(conf, spark -> {
                SparkSequenceData data = SparkSequenceData.of(spark, SparkRuns.TRAIN, 4, 0);
                Set<String> executors = spark.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 8).map(i ->
                        ManagementFactory.getRuntimeMXBean().getName()).collect().stream().collect(Collectors.toSet());
                assertTrue(executors.size() == 2 && !executors.contains(ManagementFactory.getRuntimeMXBean()
                        .getName()), "tasks ran in two executor JVMs other than the driver's: " + executors);
                return SparkRuns.onSpark(spark, data, BinaryCrossEntropyWithLogits::new);
            });
            assertEquals(single.losses().size(), cluster.losses().size());
            for (int i = 0; i < single.losses().size(); i++) {
                double a = single.losses().get(i);
                assertTrue(Math.abs(a - cluster.losses().get(i)) <= 1e-9 * Math.abs(a), "step " + i + ": "
                        + cluster.losses().get(i) + " vs " + a);
            }
            double scale = single.model().parameters().flat().amaxNumber().doubleValue();
            double diff = cluster.model().parameters().flat().sub(single.model().parameters().flat()).amaxNumber()
                    .doubleValue();
            assertTrue(diff <= 1e-9 * scale, "parameters differ by " + diff);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + logs(), e);
        } finally {
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    private static String executorOptions() {
        List<String> flags = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector", "-Dorg.bytedeco."
                + "javacpp.maxbytes=2G"));
        for (String p : List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net",
                "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch",
                "sun.nio.cs", "sun.security.action", "sun.util.calendar")) {
            flags.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
        }
        return String.join(" ", flags);
    }

    private Process start(Path home, String classpath, String name, String... mainAndArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-cp", classpath));
        for (String p : List.of("java.lang", "java.nio", "java.util", "sun.nio.ch", "java.lang.invoke")) {
            command.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
        }
        command.addAll(List.of(mainAndArgs));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    private static void awaitPort(int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the master exited: " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        fail("the master did not listen on port " + port + " within 90 s: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".log") || f.getFileName().toString()
                    .equals("stderr")).toList()) {
                String text = Files.readString(p);
                sb.append("--- ").append(dir.relativize(p)).append(" (last 3000 characters)\n")
                        .append(text.substring(Math.max(0, text.length() - 3000))).append('\n');
            }
        } catch (IOException e) {
            sb.append("(logs unreadable: ").append(e).append(")");
        }
        return sb.toString();
    }
}
