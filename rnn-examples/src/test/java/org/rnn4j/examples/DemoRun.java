package org.rnn4j.examples;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the launcher as a user would, capturing what it prints. */
public record DemoRun(int exitCode, String out, String err) {
    public static DemoRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Demos.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int code = cl.execute(args);
            return new DemoRun(code, printed.toString(java.nio.charset.StandardCharsets.UTF_8) + out, err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    /** Exactly one line on standard error, starting with "error: ". */
    public boolean oneLineError() {
        String e = err.strip();
        return e.startsWith("error: ") && !e.contains("\n") && !e.contains("\tat ");
    }
}
