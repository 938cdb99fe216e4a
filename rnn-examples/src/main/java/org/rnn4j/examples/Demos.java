package org.rnn4j.examples;

import org.rnn4j.examples.article.SimpleRnnTraining;
import org.rnn4j.examples.article.WorkedExample;
import org.rnn4j.examples.dates.DatesDemo;
import org.rnn4j.examples.doctor.DoctorCommand;
import org.rnn4j.examples.interchange.InterchangeDemo;
import org.rnn4j.examples.price.PriceDemo;
import org.rnn4j.examples.sentiment.SentimentDemo;
import org.rnn4j.examples.sentiment.SentimentPredict;
import org.rnn4j.examples.serving.ServeCommand;
import org.rnn4j.examples.serving.ServingLoad;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The launcher: lists the demos; runs the one named, or the sentiment classifier when none is. */
@Command(name = "rnn4j-demos", mixinStandardHelpOptions = true, versionProvider = DemoVersion.class,
        description = "rnn4j demos. Without a demo name, runs sentiment.",
        subcommands = {SentimentDemo.class, SentimentPredict.class, ServeCommand.class, ServingLoad.class,
            InterchangeDemo.class, DatesDemo.class, DoctorCommand.class,
            PriceDemo.class, WorkedExample.class, SimpleRnnTraining.class})
public final class Demos implements Runnable {
    @Override
    public void run() {
        CommandLine cl = new CommandLine(this);
        System.out.println("Demos (run one with: mvn -q -pl rnn-examples -am compile exec:java -Dexec.args=\"NAME\"):");
        cl.getSubcommands().forEach((name, sub) -> System.out.printf("  %-16s %s%n", name,
                String.join(" ", sub.getCommandSpec().usageMessage().description())));
        System.out.println();
        int code = commandLine().execute("sentiment");
        if (code != 0) {
            throw new CommandLine.ExecutionException(cl, "the sentiment demo failed");
        }
    }

    /** The launcher with one-line errors: a failing demo prints what went wrong, not a stack trace. */
    public static CommandLine commandLine() {
        return new CommandLine(new Demos()).setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }).setParameterExceptionHandler((e, args) -> {
            CommandLine cl = e.getCommandLine();
            cl.getErr().println("error: " + e.getMessage() + " (the options: -Dexec.args=\""
                    + cl.getCommandName() + " --help\")");
            return 2;
        });
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
