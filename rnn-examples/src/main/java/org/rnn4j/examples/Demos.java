package org.rnn4j.examples;

import org.rnn4j.examples.article.SimpleRnnTraining;
import org.rnn4j.examples.article.WorkedExample;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The launcher: lists the demos; runs the one named, or the worked example when none is. */
@Command(name = "rnn4j-demos", mixinStandardHelpOptions = true,
        description = "rnn4j demos. Without a demo name, runs worked-example.",
        subcommands = {WorkedExample.class, SimpleRnnTraining.class})
public final class Demos implements Runnable {
    @Override
    public void run() {
        CommandLine cl = new CommandLine(this);
        System.out.println("Demos (run one with: mvn -q -pl rnn-examples -am compile exec:java -Dexec.args=\"NAME\"):");
        cl.getSubcommands().forEach((name, sub) -> System.out.printf("  %-16s %s%n", name,
                String.join(" ", sub.getCommandSpec().usageMessage().description())));
        System.out.println();
        commandLine().execute("worked-example");
    }

    /** The launcher with one-line errors: a failing demo prints what went wrong, not a stack trace. */
    public static CommandLine commandLine() {
        return new CommandLine(new Demos()).setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
